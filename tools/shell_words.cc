// SplitShellWords on wordexp(3), with command substitution off.
#include "shell_words.h"

#include <wordexp.h>

#include <string>
#include <vector>

namespace custdb {
namespace tools {
namespace {

std::string WhyRefused(int code) {
  switch (code) {
    case WRDE_BADCHAR:
      return "has an unquoted | & ; < > ( ) { } or newline (the shell runs "
             "one command a line; quote the character to use it in a word)";
    case WRDE_BADVAL:
      return "names a variable that is not set";
    case WRDE_CMDSUB:
      return "has a command substitution ($(...) or `...`), which the shell "
             "does not run";
    case WRDE_NOSPACE:
      return "is too long to split";
    default:  // WRDE_SYNTAX
      return "has a syntax error (an unbalanced quote?)";
  }
}

}  // namespace

Result<std::vector<std::string>> SplitShellWords(const std::string& line) {
  const size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos || line[first] == '#') {
    return std::vector<std::string>();
  }
  wordexp_t words{};
  const int code = wordexp(line.c_str(), &words, WRDE_NOCMD | WRDE_UNDEF);
  if (code != 0) {
    // After WRDE_NOSPACE the words may be partly allocated (wordexp(3));
    // after the other errors nothing is.
    if (code == WRDE_NOSPACE) wordfree(&words);
    return Status::InvalidArgument("the line " + WhyRefused(code));
  }
  std::vector<std::string> out(words.we_wordv, words.we_wordv + words.we_wordc);
  wordfree(&words);
  return out;
}

}  // namespace tools
}  // namespace custdb
