// ServerConfig: everything `custdb serve` can be told, with its defaults
// (docs/PROTOCOL.md, "Limits", and the README's serve section). A JSON
// config file sets any of these by name; command-line flags override it.
#ifndef CUSTDB_SERVER_CONFIG_H_
#define CUSTDB_SERVER_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "custdb/status.h"

namespace custdb {
namespace server {

struct ServerConfig {
  std::string data;  // the database directory; required
  std::string listen = "127.0.0.1:7420";
  int io_threads = 0;                    // 0: the core count
  int worker_threads = 2;                // long operations
  size_t worker_queue = 16;              // queued long operations; kBusy beyond
  uint32_t max_frame_bytes = 16u << 20;  // payload, after Hello
  uint32_t max_pre_hello_frame_bytes = 64u << 10;
  size_t max_connections = 1024;
  uint32_t max_in_flight = 64;          // per connection: stop reading beyond
  size_t max_output_bytes = 32u << 20;  // unsent responses: stop reading beyond
  int64_t write_stall_timeout_ms = 30000;  // pending output unread: drop
  int64_t hello_timeout_ms = 10000;
  int64_t idle_timeout_ms = 0;         // 0: off; counted with nothing in flight
  uint32_t max_rows = 10000;           // per response; cursors page the rest
  uint32_t max_batch_events = 10000;   // per ApplyBatch
  int64_t drain_timeout_ms = 10000;    // graceful shutdown
  int64_t rescore_every_ms = 3600000;  // 0: off
  std::string tokens_file;             // empty: loopback clients only
  std::string tls_cert;                // PEM; with tls_key: TLS 1.2+
  std::string tls_key;
  std::string metrics;             // HOST:PORT of /metrics; empty: off
  std::string log_level = "info";  // spdlog level name
};

// Sets the fields named in the JSON object in `path` (kInvalidArgument
// naming an unknown key or a value of the wrong type or range; `config`
// unchanged then).
Status LoadConfigFile(const std::string& path, ServerConfig* config);

// Splits "HOST:PORT" ("[::1]:7420" for IPv6). kInvalidArgument naming
// `field` and the value otherwise.
Status ParseHostPort(const std::string& field, const std::string& value,
                     std::string* host, uint16_t* port);

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_CONFIG_H_
