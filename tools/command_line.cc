// Builds the CLI11 command line from the command table, parses one set of
// words and runs the command that was named on what its row needs.
#include "command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <list>
#include <map>
#include <memory>

#include "store_opener.h"

namespace custdb {
namespace tools {
namespace {

// A row of the table made into a subcommand for this run.
struct Subcommand {
  const CommandRow* row = nullptr;
  CLI::App* app = nullptr;
  std::unique_ptr<Command> command;
  StoreFlags store;
  Reach reach = Reach::kLocalOnly;
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

// Runs the command over --connect: on the session's client, or on one it
// connects for this run.
int RunRemote(Subcommand& sub, OpenDatabase* session) {
  std::unique_ptr<Client> own;
  Client* client = session != nullptr ? session->client : nullptr;
  if (client == nullptr) {
    own = OpenClient(sub.store, sub.row->name);
    if (own == nullptr) return kExitFailure;
    client = own.get();
  }
  if (sub.row->needs == Needs::kStore) return sub.command->RunOnStore(*client);
  return sub.command->RunOnClient(*client, sub.store.where());
}

// Runs the command over --data: on the session's engine, or on one it
// opens for this run with the row's access.
int RunLocal(Subcommand& sub, OpenDatabase* session) {
  const CommandRow& row = *sub.row;
  std::unique_ptr<Engine> own;
  Engine* engine = session != nullptr ? session->engine : nullptr;
  if (engine == nullptr) {
    Options options;
    sub.command->SetEngineOptions(&options);
    own = OpenEngine(sub.store, row.name, row.access, sub.reach, options);
    if (own == nullptr) return kExitFailure;
    engine = own.get();
  }
  if (row.needs == Needs::kStore) return sub.command->RunOnStore(*engine);
  return sub.command->RunOnEngine(*engine, sub.store.data);
}

// Checks the flags, then opens what the row needs and runs the command.
int Run(Subcommand& sub, OpenDatabase* session) {
  const CommandRow& row = *sub.row;
  if (row.needs != Needs::kNone) {
    const int flags = CheckStoreFlags(sub.store, row.name, sub.reach);
    if (flags != kExitOk) return flags;
  }
  const int checked = sub.command->Check();
  if (checked != kExitOk) return checked;
  if (row.needs == Needs::kNone) return sub.command->RunAlone();
  return sub.store.remote() ? RunRemote(sub, session) : RunLocal(sub, session);
}

}  // namespace

const CommandRow* FindCommandRow(const std::vector<std::string>& words) {
  for (const CommandRow& row : CommandTable()) {
    const char* space = std::strchr(row.name, ' ');
    if (space == nullptr) {
      if (!words.empty() && words[0] == row.name) return &row;
    } else if (words.size() >= 2 && words[0] == std::string(row.name, space) &&
               words[1] == space + 1) {
      return &row;
    }
  }
  return nullptr;
}

int RunCommandLine(const std::string& program,
                   const std::vector<std::string>& args,
                   OpenDatabase* session) {
  CLI::App app{"custdb: operate a custdb customer database", program};
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
    sub.reach = row.needs == Needs::kStore || sub.command->RunsOverClient()
                    ? Reach::kLocalOrRemote
                    : Reach::kLocalOnly;
    if (row.needs != Needs::kNone) {
      AddStoreFlags(*sub.app, row.access, sub.reach, &sub.store);
    }
    sub.command->AddFlags(*sub.app);
  }

  try {
    // CLI11 takes the words last first.
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
  } catch (const CLI::ParseError& e) {
    // Prints help, the version or the usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  for (Subcommand& sub : subcommands) {
    if (!sub.app->parsed()) continue;
    if (session != nullptr && sub.row->needs == Needs::kNone) {
      return UsageError(sub.row->name, "cannot run inside custdb shell");
    }
    return Run(sub, session);
  }
  return kExitUsage;
}

}  // namespace tools
}  // namespace custdb
