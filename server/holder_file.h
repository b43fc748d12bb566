// The holder file: DIR/SERVER.json, written by `custdb serve` once it holds
// the database in DIR and removed when it shuts down cleanly, so that an
// offline command that finds DIR locked can say which server holds it and
// where to --connect instead.
#ifndef CUSTDB_SERVER_HOLDER_FILE_H_
#define CUSTDB_SERVER_HOLDER_FILE_H_

#include <cstdint>
#include <string>

#include "custdb/status.h"

namespace custdb {
namespace server {

// The file's name inside the database directory. RocksDB ignores it; a
// checkpoint or backup does not copy it.
inline constexpr char kHolderFileName[] = "SERVER.json";

// What DIR/SERVER.json says: {"program": "custdb serve", "pid": 1234,
// "listen": "127.0.0.1:7420", "started_ms": ..., "started": "<ISO-8601>"}.
struct HolderInfo {
  std::string program;
  int64_t pid = 0;
  std::string listen;  // the bound address (the real port when 0 was asked)
  int64_t started_ms = 0;
};

// DIR/SERVER.json.
std::string HolderFilePath(const std::string& dir);

// Writes DIR/SERVER.json for this process (its pid, `listen`, the start
// time now) through a temporary file renamed over it, so a reader never
// sees half of it. The server calls it after Engine::Open succeeded (it
// holds the LOCK, so no other server is writing the file). kIOError
// naming the file on failure.
Status WriteHolderFile(const std::string& dir, const std::string& listen);

// Removes DIR/SERVER.json if it names this process (a file another
// process wrote is left alone); OK when there is none. The server calls it
// on clean shutdown, before closing the engine.
Status RemoveHolderFile(const std::string& dir);

// Reads DIR/SERVER.json: kNotFound when there is none, kCorruption naming
// the file when it is not the object above.
Result<HolderInfo> ReadHolderFile(const std::string& dir);

// Whether process `pid` exists (kill(pid, 0)); a stale file from a server
// that died names a pid that is gone (or, rarely, reused).
bool ProcessIsRunning(int64_t pid);

// The reason an offline `custdb <command>` gives when DIR is locked
// (Engine::Open returned kBusy), after "cannot open the database in DIR: ":
// "it is locked (DIR/LOCK) by custdb serve, pid 1234, listening on
// 127.0.0.1:7420 since <time>; use --connect 127.0.0.1:7420 or stop the
// server" when a running server's holder file is there (`can_connect`:
// whether the command takes --connect; otherwise "stop the server first"),
// else "it is locked (DIR/LOCK) by another process" and the engine's
// `error`.
std::string LockedReason(const std::string& dir, const Status& error,
                         bool can_connect);

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_HOLDER_FILE_H_
