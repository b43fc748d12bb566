// How a command reaches its database: the flags that say where it is
// (--data DIR, or --connect HOST:PORT with a token and a CA) and the one
// place that opens it, as an Engine or a Client.
#ifndef CUSTDB_TOOLS_STORE_OPENER_H_
#define CUSTDB_TOOLS_STORE_OPENER_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "custdb/client.h"
#include "custdb/engine.h"
#include "custdb/options.h"
#include "custdb/store.h"

namespace custdb {
namespace tools {

// How a command opens its database. The commands that only read (stats,
// verify, export, view, find, report, churn, policy get) open it
// read-only (Options::read_only), so they work on a read-only mount or
// snapshot and leave every file in the directory as it was.
enum class Access {
  kReadOnly,   // the directory must hold a database; nothing is written
  kReadWrite,  // the directory must hold a database
  kCreate,     // a database is created if the directory holds none (import)
};

// Whether a command can also run against a server (--connect).
enum class Reach {
  kLocalOnly,  // --data only: the command needs the embedded engine itself
  kLocalOrRemote,
};

// Where a command's database is: exactly one of `data` and `connect`, as
// CheckStoreFlags enforces.
struct StoreFlags {
  std::string data;                       // --data DIR; empty: not given
  std::optional<std::string> connect;     // --connect HOST:PORT
  std::optional<std::string> token;       // --token T
  std::optional<std::string> token_file;  // --token-file F
  std::string tls_ca;                     // --tls-ca FILE; empty: no TLS

  bool remote() const { return connect.has_value(); }
  // The directory or the server address, for messages and output.
  std::string where() const { return remote() ? *connect : data; }
};

// Adds --data and the remote flags (--connect, --token, --token-file,
// --tls-ca) to `cmd`, with the help text and the checks that `access`
// implies (an existing directory unless kCreate). For a kLocalOnly command
// the remote flags are hidden from --help and refused by CheckStoreFlags,
// so that --connect gets a message saying why rather than "not expected".
void AddStoreFlags(CLI::App& cmd, Access access, Reach reach,
                   StoreFlags* flags);

// Checks the flags AddStoreFlags added, before anything is opened: exactly
// one of --data and --connect; --connect only where `reach` allows it; the
// token and CA flags only with --connect, and at most one of --token and
// --token-file; a well-formed HOST:PORT. kExitOk, or kExitUsage after
// printing why (naming the flags and the value), as `command`.
int CheckStoreFlags(const StoreFlags& flags, const std::string& command,
                    Reach reach);

// Opens the Engine in flags.data. `options` gives what the command sets
// beyond the path and `access` (import: the base currency of a new
// database). On a directory a server holds, the message names the server
// and, for a kLocalOrRemote command, suggests --connect. Null after
// printing why to stderr, as `command`; never creates a database unless
// `access` is kCreate.
std::unique_ptr<Engine> OpenEngine(const StoreFlags& flags,
                                   const std::string& command, Access access,
                                   Reach reach, Options options = Options());

// Connects to the server flags.connect names (after CheckStoreFlags), with
// the token of --token, --token-file or the CUSTDB_TOKEN variable, in that
// order, and TLS when --tls-ca is given. Null after printing why to
// stderr, as `command` (an unreachable server, a refused token).
std::unique_ptr<Client> OpenClient(const StoreFlags& flags,
                                   const std::string& command);

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_STORE_OPENER_H_
