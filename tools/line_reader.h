// The input of `custdb shell`: line editing and history (libedit) on a
// terminal, plain lines from a pipe or a file.
#ifndef CUSTDB_TOOLS_LINE_READER_H_
#define CUSTDB_TOOLS_LINE_READER_H_

#include <string>

namespace custdb {
namespace tools {

// Reads lines from stdin. When stdin is a terminal, libedit edits each line
// (arrows, Ctrl-R search) after printing `prompt`, and keeps a history
// that is loaded from and saved to `history_file` (none if empty).
// Otherwise lines are read as they are, with no prompt and no history, so
// that piped commands print exactly what they print on their own. Not
// thread-safe; one LineReader at a time (libedit's readline state is
// global).
class LineReader {
 public:
  LineReader(std::string prompt, std::string history_file);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line, without its line end, in *line; false at end of input.
  bool Next(std::string* line);

  // Whether stdin is a terminal (prompts and history are on).
  bool interactive() const { return interactive_; }

 private:
  const std::string prompt_;
  const std::string history_file_;
  const bool interactive_;
};

// The history file of an interactive shell: $CUSTDB_HISTORY if set (empty
// for none), else ~/.custdb_history, else none.
std::string DefaultHistoryFile();

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_LINE_READER_H_
