// custdb checkpoint: a consistent copy of a database in a new directory
// (Engine::Checkpoint: hard links where it can), openable as a database.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "command_table.h"
#include "command_util.h"

namespace custdb {
namespace tools {
namespace {

class CheckpointCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--to", to_,
                   "Directory to write the copy into (must not exist; its "
                   "parent must)")
        ->required();
    cmd.add_flag("--json", json_, "Print as JSON");
  }

  // Refused before the database is opened, so a typo opens nothing.
  int Check() override {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(to_, ec))) {
      return UsageError("checkpoint", "--to: '" + to_ + "' already exists");
    }
    std::filesystem::path parent = std::filesystem::path(to_).parent_path();
    if (parent.empty()) parent = ".";
    if (!std::filesystem::is_directory(parent, ec)) {
      return UsageError("checkpoint", "--to: '" + to_ + "': its parent '" +
                                          parent.string() +
                                          "' is not a directory");
    }
    return kExitOk;
  }

  int RunOnEngine(Engine& engine, const std::string& dir) override {
    Status s = engine.Checkpoint(to_);
    if (!s.ok()) return EngineError("checkpoint", s);
    if (json_) {
      nlohmann::ordered_json j;
      j["database"] = dir;
      j["checkpoint"] = to_;
      PrintJson(j);
    } else {
      std::cout << "checkpoint of " << dir << " written to " << to_ << "\n";
    }
    return kExitOk;
  }

 private:
  std::string to_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeCheckpointCommand() {
  return std::make_unique<CheckpointCommand>();
}

}  // namespace tools
}  // namespace custdb
