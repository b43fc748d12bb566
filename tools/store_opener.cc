// The one place the commands open their database: --data and its checks,
// and Engine::Open with the access each command asks for.
#include "store_opener.h"

#include <iostream>
#include <utility>

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

std::unique_ptr<Store> OpenStore(const StoreFlags& flags,
                                 const std::string& command, Access access) {
  return OpenEngine(flags, command, access);
}

std::unique_ptr<Engine> OpenEngine(const StoreFlags& flags,
                                   const std::string& command, Access access,
                                   Options options) {
  options.path = flags.data;
  options.create_if_missing = access == Access::kCreate;
  options.read_only = access == Access::kReadOnly;
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "custdb " << command << ": cannot open the database in "
              << flags.data << ": " << engine.status().ToString() << "\n";
    return nullptr;
  }
  return std::move(engine).value();
}

}  // namespace tools
}  // namespace custdb
