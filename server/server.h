// Server: `custdb serve` in-process. It listens on the configured address
// (plain TCP, or TLS when a certificate is configured), runs a fixed pool
// of I/O threads and a separate worker pool for long operations, serves
// docs/PROTOCOL.md on every connection, runs the incremental rescore on a
// timer, serves /metrics when asked, and writes the holder file
// (holder_file.h) while it holds the database.
#ifndef CUSTDB_SERVER_SERVER_H_
#define CUSTDB_SERVER_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "custdb/engine.h"
#include "custdb/status.h"
#include "server/config.h"

namespace custdb {
namespace server {

// Figures of a running server, for operators' tests and the log.
struct ServerFigures {
  size_t connections = 0;  // open now
  // Unsent response bytes of every connection now, and the most one
  // connection ever held at once (bounded by max_output_bytes plus one
  // response: reading stops at the limit).
  size_t output_bytes = 0;
  size_t peak_connection_output_bytes = 0;
  // Connections not being read because they are at max_in_flight or
  // max_output_bytes.
  int read_paused = 0;
  uint64_t requests = 0;    // answered since start
  size_t long_running = 0;  // long operations running on the worker pool
  size_t long_queued = 0;   // and waiting for a worker
};

class Server {
 public:
  // Validates `config` (ValidateConfig), loads the tokens file and the TLS
  // certificate, binds config.listen (port 0: any free port), starts the
  // threads and writes config.data's holder file. `engine` holds
  // config.data and must outlive the server (until Stop has returned).
  // kInvalidArgument naming the field for a bad config, a bad tokens file
  // or certificate, or a listen host that is not an IP address or
  // "localhost"; kIOError naming the address when it cannot be bound.
  // Nothing keeps running after a failure.
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config,
                                               Engine* engine);

  // Stop() if it has not been called.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound address, "127.0.0.1:7420" ("[::1]:7420"), with the real port
  // when 0 was asked, and the port alone.
  const std::string& address() const;
  uint16_t port() const;
  // The metrics listener's port; 0 without --metrics.
  uint16_t metrics_port() const;

  // Graceful shutdown (docs/PROTOCOL.md, "Shutdown"): closes the listener,
  // stops reading, answers what was read (long operations not yet
  // started: kUnavailable "server is shutting down"), closes every
  // connection once answered or after drain_timeout_ms, waits for running
  // long operations to return (the engine is in use until then), stops
  // the threads and removes the holder file. Blocks until all of that is
  // done; idempotent; call it from a thread of one's own, never from a
  // handler of the server.
  void Stop();

  // Reloads the tokens file (SIGHUP), whole: Hellos from now on use the
  // new file and open sessions keep theirs. On error (the error of
  // TokenFile::Load) the old file stays in force. kFailedPrecondition
  // when the server has no tokens file.
  Status ReloadTokens();

  ServerFigures Figures() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_SERVER_H_
