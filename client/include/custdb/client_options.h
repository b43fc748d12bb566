// ClientOptions: where a custdb::Client or AsyncClient connects and how it
// behaves when the server is slow or gone.
#ifndef CUSTDB_CLIENT_OPTIONS_H_
#define CUSTDB_CLIENT_OPTIONS_H_

#include <cstdint>
#include <string>

namespace custdb {

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 7420;
  // The token `custdb token add` printed; empty for a server without a
  // tokens file (loopback clients only).
  std::string token;
  // TLS: on when tls_ca_file is set (the CA that signed the server's
  // certificate; the server name is checked against `host`).
  std::string tls_ca_file;
  // Connections in the pool; calls from many threads are pipelined over
  // them.
  int connections = 2;
  int connect_timeout_ms = 5000;
  // Per-call deadline: a call not answered by then returns kUnavailable.
  int request_timeout_ms = 10000;
  // Reconnect backoff: doubles from min to max, with jitter.
  int reconnect_min_ms = 50;
  int reconnect_max_ms = 5000;
  std::string client_name = "custdb-client";
};

}  // namespace custdb

#endif  // CUSTDB_CLIENT_OPTIONS_H_
