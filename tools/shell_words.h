// The words of one `custdb shell` line, split as a POSIX shell splits them.
#ifndef CUSTDB_TOOLS_SHELL_WORDS_H_
#define CUSTDB_TOOLS_SHELL_WORDS_H_

#include <string>
#include <vector>

#include "custdb/status.h"

namespace custdb {
namespace tools {

// Splits `line` into words with the shell's rules (wordexp(3)): blanks
// separate words; single and double quotes and backslashes keep blanks in
// a word; $VAR and ~ expand. Nothing is run: command substitution ($(…),
// `…`) and the shell's operators (| & ; < > ( ) { } and a newline) are
// refused, as is an unset $VAR. A line whose first word starts with '#' is
// a comment: no words. kInvalidArgument saying what is wrong with the line
// (an unbalanced quote, say).
Result<std::vector<std::string>> SplitShellWords(const std::string& line);

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_SHELL_WORDS_H_
