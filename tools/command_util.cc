// Helpers shared by the subcommands.
#include <iostream>
#include <string>

#include "commands.h"

namespace custdb {
namespace tools {

std::unique_ptr<Engine> OpenExistingDatabase(const std::string& command,
                                             const std::string& dir) {
  Options options;
  options.path = dir;
  options.create_if_missing = false;
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "custdb " << command << ": cannot open the database in " << dir
              << ": " << engine.status().ToString() << "\n";
    return nullptr;
  }
  return std::move(engine).value();
}

std::string FormatCount(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -static_cast<uint64_t>(n)
                                            : static_cast<uint64_t>(n));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace tools
}  // namespace custdb
