// custdb: the operator's command line, one subcommand per row of the
// command table (command_table.cc).
#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>
#include <list>
#include <map>
#include <memory>
#include <string>

#include "command_table.h"
#include "std_streams.h"
#include "store_opener.h"

namespace {

using namespace custdb::tools;  // NOLINT: the commands of this binary

// A row of the table made into a subcommand for this run.
struct Subcommand {
  const CommandRow* row = nullptr;
  CLI::App* app = nullptr;
  std::unique_ptr<Command> command;
  StoreFlags store;
};

// The parent of `row`'s subcommand: `app`, or for "report tiers" the group
// "report", made at the first of its rows (kept in `groups`) so that
// --help lists the commands in table order.
CLI::App* ParentOf(CLI::App& app, const CommandRow& row,
                   std::map<std::string, CLI::App*>* groups) {
  const char* space = std::strchr(row.name, ' ');
  if (space == nullptr) return &app;
  const std::string name(row.name, space);
  CLI::App*& group = (*groups)[name];
  if (group != nullptr) return group;
  for (const CommandGroup& g : CommandGroups()) {
    if (name == g.name) group = app.add_subcommand(g.name, g.help);
  }
  if (group == nullptr) group = app.add_subcommand(name);  // no help: a bug
  group->require_subcommand(1);
  return group;
}

// Opens what the row needs and runs the command on it.
int Run(Subcommand& sub) {
  const CommandRow& row = *sub.row;
  const int checked = sub.command->Check();
  if (checked != kExitOk) return checked;
  switch (row.needs) {
    case Needs::kNone:
      return sub.command->RunAlone();
    case Needs::kStore: {
      std::unique_ptr<custdb::Store> store =
          OpenStore(sub.store, row.name, row.access);
      if (store == nullptr) return kExitFailure;
      return sub.command->RunOnStore(*store);
    }
    case Needs::kEngine: {
      custdb::Options options;
      sub.command->SetEngineOptions(&options);
      std::unique_ptr<custdb::Engine> engine =
          OpenEngine(sub.store, row.name, row.access, options);
      if (engine == nullptr) return kExitFailure;
      return sub.command->RunOnEngine(*engine, sub.store.data);
    }
  }
  return kExitFailure;
}

int RunCommand(int argc, char** argv) {
  CLI::App app{"custdb: operate a custdb customer database"};
  app.set_version_flag("--version", "custdb 0.1.0");
  app.require_subcommand(1);

  // A list: CLI11 keeps pointers into each entry's flags.
  std::list<Subcommand> subcommands;
  std::map<std::string, CLI::App*> groups;
  for (const CommandRow& row : CommandTable()) {
    Subcommand& sub = subcommands.emplace_back();
    sub.row = &row;
    const char* space = std::strchr(row.name, ' ');
    sub.app =
        ParentOf(app, row, &groups)
            ->add_subcommand(space == nullptr ? row.name : space + 1, row.help);
    sub.command = row.make();
    if (row.needs != Needs::kNone) {
      AddStoreFlags(*sub.app, row.access, &sub.store);
    }
    sub.command->AddFlags(*sub.app);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Prints help, the version or the usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  for (Subcommand& sub : subcommands) {
    if (sub.app->parsed()) return Run(sub);
  }
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything opens a file, so that no database file can take the
  // number of a closed standard descriptor.
  if (!EnsureStandardStreams()) return kExitFailure;
  const int code = RunCommand(argc, argv);
  // A result that did not reach stdout is a failed command, whatever the
  // command itself returned.
  if (!StandardOutputWritten()) {
    std::cerr << "custdb: cannot write to standard output: "
              << "the result is incomplete\n";
    return code == kExitOk ? kExitFailure : code;
  }
  return code;
}
