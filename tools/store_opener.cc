// The one place the commands open their database: --data and --connect
// with their checks, Engine::Open with the access each command asks for,
// and Client::Connect with the token and CA the flags give.
#include "store_opener.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "command_util.h"
#include "remote_flags.h"
#include "server/holder_file.h"

namespace custdb {
namespace tools {

void AddStoreFlags(CLI::App& cmd, Access access, Reach reach,
                   StoreFlags* flags) {
  const bool remote = reach == Reach::kLocalOrRemote;
  const std::string or_connect = remote ? "; or give --connect" : "";
  switch (access) {
    case Access::kReadOnly:
      cmd.add_option("--data", flags->data,
                     "Database directory (must exist); opened read-only, "
                     "writing nothing, so a read-only mount or snapshot "
                     "works" +
                         or_connect)
          ->check(CLI::ExistingDirectory);
      break;
    case Access::kReadWrite:
      cmd.add_option("--data", flags->data,
                     "Database directory (must exist)" + or_connect)
          ->check(CLI::ExistingDirectory);
      break;
    case Access::kCreate:
      cmd.add_option("--data", flags->data,
                     "Database directory (created if missing)" + or_connect);
      break;
  }
  // Hidden (an empty group) where the command cannot run remotely: still
  // parsed, so CheckStoreFlags can say why --connect does not apply.
  const std::string group = remote ? "Remote (instead of --data)" : "";
  cmd.add_option("--connect", flags->connect,
                 "Server address HOST:PORT ([IPV6]:PORT), instead of --data")
      ->group(group);
  cmd.add_option("--token", flags->token,
                 std::string("Token for --connect (visible to other users "
                             "in the process list: prefer --token-file or "
                             "the ") +
                     kTokenEnvVar + " variable)")
      ->group(group);
  cmd.add_option("--token-file", flags->token_file,
                 "File whose first line is the token for --connect")
      ->group(group);
  cmd.add_option("--tls-ca", flags->tls_ca,
                 "CA certificate (PEM) that signed the server's: connect "
                 "with TLS")
      ->check(CLI::ExistingFile)
      ->group(group);
}

int CheckStoreFlags(const StoreFlags& flags, const std::string& command,
                    Reach reach) {
  if (reach == Reach::kLocalOnly) {
    if (flags.remote()) {
      return UsageError(command,
                        "--connect: " + command +
                            " needs the embedded engine and cannot run "
                            "against a server; run it with --data DIR on the "
                            "server's host (stop the server first)");
    }
    if (flags.data.empty()) return UsageError(command, "--data is required");
    return kExitOk;
  }
  if (!flags.data.empty() && flags.remote()) {
    return UsageError(command,
                      "give --data DIR or --connect HOST:PORT, not both");
  }
  if (flags.data.empty() && !flags.remote()) {
    return UsageError(command, "give --data DIR or --connect HOST:PORT");
  }
  if (!flags.remote()) {
    for (const auto& [flag, given] :
         {std::pair<const char*, bool>{"--token", flags.token.has_value()},
          {"--token-file", flags.token_file.has_value()},
          {"--tls-ca", !flags.tls_ca.empty()}}) {
      if (given) {
        return UsageError(command, std::string(flag) +
                                       " applies only with --connect, not "
                                       "with --data");
      }
    }
    return kExitOk;
  }
  if (flags.token && flags.token_file) {
    return UsageError(command, "give --token or --token-file, not both");
  }
  Result<HostPort> address = ParseHostPort("--connect", *flags.connect);
  if (!address.ok()) return UsageError(command, address.status().message());
  if (flags.token_file) {
    Result<std::string> token = ReadTokenFile(*flags.token_file);
    if (!token.ok()) return UsageError(command, token.status().message());
  }
  return kExitOk;
}

namespace {

// Another process holds the directory's LOCK (RocksDB's flock, which
// FromRocks reports as kBusy).
bool IsLocked(const Status& s) {
  return s.code() == StatusCode::kBusy &&
         s.message().find("lock") != std::string::npos;
}

// The token for the connection: --token, --token-file, or CUSTDB_TOKEN;
// empty for none (a server without a tokens file).
Result<std::string> TokenOf(const StoreFlags& flags) {
  if (flags.token) return *flags.token;
  if (flags.token_file) return ReadTokenFile(*flags.token_file);
  const char* env = std::getenv(kTokenEnvVar);
  return std::string(env == nullptr ? "" : env);
}

}  // namespace

std::unique_ptr<Engine> OpenEngine(const StoreFlags& flags,
                                   const std::string& command, Access access,
                                   Reach reach, Options options) {
  options.path = flags.data;
  options.create_if_missing = access == Access::kCreate;
  options.read_only = access == Access::kReadOnly;
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) {
    // For a locked directory: which server holds it (server/holder_file.h)
    // and, when the command takes --connect, how to reach it instead.
    std::cerr << "custdb " << command << ": cannot open the database in "
              << flags.data << ": "
              << (IsLocked(engine.status())
                      ? server::LockedReason(flags.data, engine.status(),
                                             reach == Reach::kLocalOrRemote)
                      : engine.status().ToString())
              << "\n";
    return nullptr;
  }
  return std::move(engine).value();
}

std::unique_ptr<Client> OpenClient(const StoreFlags& flags,
                                   const std::string& command) {
  Result<HostPort> address = ParseHostPort("--connect", *flags.connect);
  Result<std::string> token =
      address.ok() ? TokenOf(flags) : Result<std::string>(address.status());
  if (!token.ok()) {
    UsageError(command, token.status().message());
    return nullptr;
  }
  ClientOptions options;
  options.host = address->host;
  options.port = address->port;
  options.token = std::move(token).value();
  options.tls_ca_file = flags.tls_ca;
  options.connections = 1;  // one command, one call at a time
  options.client_name = "custdb " + command;
  Result<std::unique_ptr<Client>> client = Client::Connect(options);
  if (!client.ok()) {
    std::cerr << "custdb " << command << ": cannot connect to "
              << *flags.connect << ": " << client.status().ToString() << "\n";
    return nullptr;
  }
  return std::move(client).value();
}

}  // namespace tools
}  // namespace custdb
