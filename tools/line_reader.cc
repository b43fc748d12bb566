// LineReader: libedit's readline interface on a terminal, std::getline
// elsewhere.
#include "line_reader.h"

#include <editline/readline.h>  // libedit's readline interface
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

namespace custdb {
namespace tools {
namespace {

constexpr int kHistoryLines = 1000;

}  // namespace

LineReader::LineReader(std::string prompt, std::string history_file)
    : prompt_(std::move(prompt)),
      history_file_(std::move(history_file)),
      interactive_(isatty(STDIN_FILENO) != 0) {
  if (!interactive_) return;
  using_history();
  stifle_history(kHistoryLines);
  // A missing file is a first session, not an error.
  if (!history_file_.empty()) read_history(history_file_.c_str());
}

LineReader::~LineReader() {
  if (interactive_ && !history_file_.empty()) {
    write_history(history_file_.c_str());
  }
}

bool LineReader::Next(std::string* line) {
  if (!interactive_) {
    if (!std::getline(std::cin, *line)) return false;
    if (!line->empty() && line->back() == '\r') line->pop_back();
    return true;
  }
  char* text = readline(prompt_.c_str());
  if (text == nullptr) return false;  // Ctrl-D
  *line = text;
  std::free(text);  // NOLINT: readline's buffer is malloc'ed
  if (line->find_first_not_of(" \t") != std::string::npos) {
    add_history(line->c_str());
  }
  return true;
}

std::string DefaultHistoryFile() {
  if (const char* file = std::getenv("CUSTDB_HISTORY")) return file;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.custdb_history";
}

}  // namespace tools
}  // namespace custdb
