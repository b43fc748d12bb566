// How a command reaches its database: the flags that say where it is
// (--data DIR) and the one place that opens it, as a Store or an Engine.
#ifndef CUSTDB_TOOLS_STORE_OPENER_H_
#define CUSTDB_TOOLS_STORE_OPENER_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

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

// Where a command's database is. Today always a directory; the server
// issue's --connect HOST:PORT joins it here, and OpenStore gains a Client
// branch, so the commands that take a Store stay as they are.
struct StoreFlags {
  std::string data;  // --data DIR
};

// Adds --data to `cmd`, required, with the help text and the checks that
// `access` implies (an existing directory unless kCreate).
void AddStoreFlags(CLI::App& cmd, Access access, StoreFlags* flags);

// Opens the database `flags` name for a command that needs only the Store
// API (rescore, report, find, churn, view, policy). Null after printing
// why to stderr, as `command`, on failure; never creates a database unless
// `access` is kCreate.
std::unique_ptr<Store> OpenStore(const StoreFlags& flags,
                                 const std::string& command, Access access);

// Opens the Engine in flags.data for a command that needs the embedded
// engine itself (import, export, stats, verify). `options` gives what
// the command sets beyond the path and `access` (import: the base
// currency of a new database). Null after printing why to stderr, as
// `command`, on failure.
std::unique_ptr<Engine> OpenEngine(const StoreFlags& flags,
                                   const std::string& command, Access access,
                                   Options options = Options());

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_STORE_OPENER_H_
