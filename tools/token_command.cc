// custdb token add: makes a random token (OpenSSL), stores its SHA-256 with
// a role and an optional channel scope in the server's tokens file
// (server/tokens.h; docs/OPERATIONS.md "Tokens") and prints the token once.
// It opens no database: the file is the server's, read on start and SIGHUP.
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <utility>

#include "command_table.h"
#include "command_util.h"
#include "custdb/types.h"
#include "server/tokens.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kCommand[] = "token add";

// "writer-ch3-20261204T203501Z": a default name that says what the token
// is and when it was made.
std::string DefaultName(const server::Principal& p) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
  std::string name = server::RoleName(p.role);
  if (p.channel_id) name += "-ch" + std::to_string(*p.channel_id);
  return name + "-" + stamp;
}

class TokenAddCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--tokens", tokens_,
                   "The tokens file (created, mode 0600, when absent)")
        ->required()
        ->type_name("FILE");
    cmd.add_option("--role", role_, "admin, writer or reader")
        ->required()
        ->type_name("ROLE");
    cmd.add_option("--channel", channel_,
                   "Scope the token to this channel and its subtree")
        ->type_name("ID");
    cmd.add_option("--name", name_,
                   "A name for the token, unique in the file (default: "
                   "<role>[-ch<ID>]-<UTC time>)")
        ->type_name("NAME");
  }

  int Check() override {
    if (tokens_.empty()) return UsageError(kCommand, "--tokens: is empty");
    if (!server::ParseRole(role_, &principal_.role)) {
      return UsageError(
          kCommand, "--role: '" + role_ + "' is not admin, writer or reader");
    }
    if (!channel_.empty()) {
      uint64_t id = 0;
      bool digits = channel_.size() <= 19;
      for (char c : channel_) digits = digits && c >= '0' && c <= '9';
      if (digits) id = std::stoull(channel_);
      if (!digits || id == 0 || id > kMaxId) {
        return UsageError(kCommand, "--channel: '" + channel_ +
                                        "' is not a channel id (1.." +
                                        std::to_string(kMaxId) + ")");
      }
      principal_.channel_id = id;
    }
    principal_.name = name_.empty() ? DefaultName(principal_) : name_;
    return kExitOk;
  }

  int RunAlone() override {
    Result<std::string> token = server::AddToken(tokens_, principal_);
    if (!token.ok()) {
      const Status& s = token.status();
      // AddToken names its argument's fields; here they are flags.
      static const std::pair<const char*, const char*> kFlags[] = {
          {"name: ", "--name: "},
          {"role: ", "--role: "},
          {"channel_id: ", "--channel: "}};
      for (const auto& [field, flag] : kFlags) {
        if (s.code() == StatusCode::kInvalidArgument &&
            s.message().rfind(field, 0) == 0) {
          return UsageError(kCommand,
                            flag + s.message().substr(std::strlen(field)));
        }
      }
      return EngineError(kCommand, s);
    }
    std::cout << *token << "\n"
              << "added token '" << principal_.name << "' (role "
              << server::RoleName(principal_.role) << ", "
              << (principal_.channel_id
                      ? "scope channel " +
                            std::to_string(*principal_.channel_id)
                      : std::string("no scope"))
              << ") to " << tokens_ << "\n"
              << "the token above is shown only now and is not stored: "
              << tokens_ << " keeps its SHA-256\n";
    return kExitOk;
  }

 private:
  std::string tokens_;
  std::string role_;
  std::string channel_;
  std::string name_;
  server::Principal principal_;
};

}  // namespace

std::unique_ptr<Command> MakeTokenAddCommand() {
  return std::make_unique<TokenAddCommand>();
}

}  // namespace tools
}  // namespace custdb
