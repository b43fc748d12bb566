// custdb shell: reads custdb commands line by line and runs each through
// the command table on one database opened for the whole session.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "command_line.h"
#include "command_table.h"
#include "command_util.h"
#include "line_reader.h"
#include "shell_words.h"
#include "std_streams.h"
#include "store_opener.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kCommand[] = "shell";

// Whether `row` can run on a session's database. Not the rows that open
// nothing through the opener (the shell itself, token add) nor the server,
// which would serve the session's engine until a signal ends the shell
// too.
bool RunsInSession(const CommandRow& row) {
  return row.needs != Needs::kNone && std::strcmp(row.name, "serve") != 0;
}

// Whether `row` runs over --connect (kStore rows, and the kEngine rows
// whose command says so).
bool RunsRemotely(const CommandRow& row) {
  return row.needs == Needs::kStore ||
         (row.needs == Needs::kEngine && row.make()->RunsOverClient());
}

// `help`: the commands a line may start with (in a --connect session, only
// those that run remotely), and the shell's own words.
void PrintHelp(bool remote) {
  std::cout << "Commands (as on the command line, without --data or "
               "--connect):\n";
  char line[256];
  for (const CommandRow& row : CommandTable()) {
    if (!RunsInSession(row) || (remote && !RunsRemotely(row))) continue;
    std::snprintf(line, sizeof(line), "  %-16s %s\n", row.name, row.help);
    std::cout << line;
  }
  std::cout << "Shell:\n"
               "  help [COMMAND]   this list, or COMMAND's flags\n"
               "  quit, exit       end the session (so does end of input)\n";
}

// Whether `word` names a group of commands ("report", "policy").
bool IsGroup(const std::string& word) {
  for (const CommandGroup& group : CommandGroups()) {
    if (word == group.name) return true;
  }
  return false;
}

class ShellCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    AddStoreFlags(cmd, Access::kReadWrite, Reach::kLocalOrRemote, &store_);
  }

  int Check() override {
    return CheckStoreFlags(store_, kCommand, Reach::kLocalOrRemote);
  }

  // Opens the database once, read-write (so rescore and policy set work),
  // then runs lines until quit, exit or the end of input. Returns the exit
  // code of the last line run, as a POSIX shell does: a script piped in
  // fails if its last command did.
  int RunAlone() override {
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Client> client;
    OpenDatabase session;
    if (store_.remote()) {
      client = OpenClient(store_, kCommand);
      if (client == nullptr) return kExitFailure;
      session.client = client.get();
    } else {
      engine = OpenEngine(store_, kCommand, Access::kReadWrite,
                          Reach::kLocalOrRemote);
      if (engine == nullptr) return kExitFailure;
      session.engine = engine.get();
    }
    LineReader reader("custdb " + store_.where() + "> ", DefaultHistoryFile());
    if (reader.interactive()) {
      std::cerr << "custdb shell on " << store_.where()
                << ": type help, or quit (Ctrl-D)\n";
    }
    int last = kExitOk;
    std::string line;
    while (reader.Next(&line)) {
      Result<std::vector<std::string>> words = SplitShellWords(line);
      if (!words.ok()) {
        last = UsageError(kCommand, words.status().message());
        continue;
      }
      if (words->empty()) continue;
      const std::string& first = words->front();
      if (first == "quit" || first == "exit") break;
      last = RunLine(std::move(words).value(), &session);
      // A reader that went away (a closed pipe) ends the session.
      if (!StandardOutputWritten()) return kExitFailure;
    }
    return last;
  }

 private:
  // Runs one line's words as a custdb command on the session's database.
  int RunLine(std::vector<std::string> words, OpenDatabase* session) {
    if (words.front() == "help") {
      if (words.size() == 1) {
        PrintHelp(store_.remote());
        return kExitOk;
      }
      words.erase(words.begin());
      words.push_back("--help");
    }
    const CommandRow* row = FindCommandRow(words);
    if (row == nullptr && !IsGroup(words.front())) {
      return UsageError(kCommand, "'" + words.front() +
                                      "' is not a command; type help for "
                                      "the list");
    }
    if (row != nullptr && !RunsInSession(*row)) {
      return UsageError(kCommand, std::string("'") + row->name +
                                      "' cannot run inside the shell");
    }
    // The shell's own flag, so that the command checks its flags (and
    // prints) exactly as it does on the command line.
    if (store_.remote()) {
      words.insert(words.end(), {"--connect", *store_.connect});
    } else {
      words.insert(words.end(), {"--data", store_.data});
    }
    return RunCommandLine("custdb", words, session);
  }

  StoreFlags store_;
};

}  // namespace

std::unique_ptr<Command> MakeShellCommand() {
  return std::make_unique<ShellCommand>();
}

}  // namespace tools
}  // namespace custdb
