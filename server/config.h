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

// Sets the fields named in the JSON object in `path`, whose keys are the
// field names above (integers for the numbers, strings for the rest).
// kInvalidArgument naming the file, the key and the value for an unknown
// or repeated key, a value of the wrong type or out of its field's range
// (ValidateField), a file that is not one JSON object or is over 1 MiB;
// kNotFound / kIOError naming the file when it cannot be read. All or
// nothing: `config` is unchanged unless every key is good. Fields the file
// does not name keep their values, so flags can be applied after it.
Status LoadConfigFile(const std::string& path, ServerConfig* config);

// Checks every field of `config` against its range (the table in
// config.cc: e.g. max_rows 1..1048576, io_threads 0..1024, listen a
// HOST:PORT, log_level a spdlog level name) and the rules between fields
// (max_pre_hello_frame_bytes <= max_frame_bytes; tls_cert and tls_key
// both or neither; data not empty). kInvalidArgument naming the field and
// the value. The server calls it after applying flags over the file.
Status ValidateConfig(const ServerConfig& config);

// Splits "HOST:PORT" ("[::1]:7420" for IPv6; a bare IPv6 address needs
// the brackets). The port is decimal digits only, 0..65535 (0: any); the
// host is not empty and has no spaces. kInvalidArgument naming `field` and
// the value otherwise; *host and *port unchanged then.
Status ParseHostPort(const std::string& field, const std::string& value,
                     std::string* host, uint16_t* port);

// A duration flag (--rescore-every) in milliseconds: "0", or decimal digits
// followed by one unit, "ms", "s", "m" or "h" ("250ms", "45s", "30m",
// "1h"), at most 366 days. kInvalidArgument naming `field` and the text
// otherwise (a bare number other than 0, a sign, a fraction, an unknown
// unit, spaces, overflow).
Result<int64_t> ParseDuration(const std::string& field,
                              const std::string& text);

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_CONFIG_H_
