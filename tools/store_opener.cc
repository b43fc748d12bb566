// The one place the commands open their database: --data and its checks,
// and Engine::Open with the access each command asks for.
#include "store_opener.h"

#include <iostream>
#include <utility>

#include "server/holder_file.h"

namespace custdb {
namespace tools {

void AddStoreFlags(CLI::App& cmd, Access access, StoreFlags* flags) {
  switch (access) {
    case Access::kReadOnly:
      cmd.add_option("--data", flags->data,
                     "Database directory (must exist); opened read-only, "
                     "writing nothing, so a read-only mount or snapshot works")
          ->required()
          ->check(CLI::ExistingDirectory);
      return;
    case Access::kReadWrite:
      cmd.add_option("--data", flags->data, "Database directory (must exist)")
          ->required()
          ->check(CLI::ExistingDirectory);
      return;
    case Access::kCreate:
      cmd.add_option("--data", flags->data,
                     "Database directory (created if missing)")
          ->required();
      return;
  }
}

namespace {

// Another process holds the directory's LOCK (RocksDB's flock, which
// FromRocks reports as kBusy).
bool IsLocked(const Status& s) {
  return s.code() == StatusCode::kBusy &&
         s.message().find("lock") != std::string::npos;
}

// Opens the Engine; on failure prints why, as `command`: for a locked
// directory, which server holds it (server/holder_file.h) and, when the
// command takes --connect (`can_connect`), how to reach it instead.
std::unique_ptr<Engine> Open(const StoreFlags& flags,
                             const std::string& command, Access access,
                             Options options, bool can_connect) {
  options.path = flags.data;
  options.create_if_missing = access == Access::kCreate;
  options.read_only = access == Access::kReadOnly;
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "custdb " << command << ": cannot open the database in "
              << flags.data << ": "
              << (IsLocked(engine.status())
                      ? server::LockedReason(flags.data, engine.status(),
                                             can_connect)
                      : engine.status().ToString())
              << "\n";
    return nullptr;
  }
  return std::move(engine).value();
}

}  // namespace

std::unique_ptr<Store> OpenStore(const StoreFlags& flags,
                                 const std::string& command, Access access) {
  return Open(flags, command, access, Options(), /*can_connect=*/true);
}

std::unique_ptr<Engine> OpenEngine(const StoreFlags& flags,
                                   const std::string& command, Access access,
                                   Options options) {
  return Open(flags, command, access, std::move(options),
              /*can_connect=*/false);
}

}  // namespace tools
}  // namespace custdb
