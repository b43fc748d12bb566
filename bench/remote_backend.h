// The server the remote benchmarks talk to: a private `custdb serve`
// started for the run, or a running one named by --remote.
#ifndef CUSTDB_BENCH_REMOTE_BACKEND_H_
#define CUSTDB_BENCH_REMOTE_BACKEND_H_

#include <memory>
#include <string>

#include "backend.h"
#include "custdb/client_options.h"
#include "custdb/status.h"
#include "server_process.h"

namespace custdb {
namespace bench {

struct RemoteServer {
  // The private server; null when settings.address named a running one.
  // Whatever talks to the server holds a copy, so the process is stopped
  // only after its last client is gone.
  std::shared_ptr<ServerProcess> process;
  // Host, port and token; timeouts long enough for the slowest workload
  // (a full rescore), since a benchmark measures rather than gives up.
  ClientOptions client_options;
};

// With settings.address: parses it (kInvalidArgument naming --remote).
// Without: creates an empty database in `dir` (which must not exist yet)
// and starts `custdb serve` (settings.custdb_binary, else
// DefaultCustdbBinary()) on it, on 127.0.0.1 port 0, its clock at
// kDataEndMs as the embedded backend's is; Engine::Open's and
// ServerProcess::Start's errors otherwise.
Result<RemoteServer> StartRemoteServer(const RemoteSettings& settings,
                                       const std::string& dir);

// A Store backend over a new custdb::Client to the server: kUnavailable
// (or Connect's other errors) naming the address if it cannot connect.
Result<std::unique_ptr<Backend>> ConnectClientBackend(
    const ClientOptions& options);

// The custdb executable this build made (CMake's $<TARGET_FILE:custdb>).
std::string DefaultCustdbBinary();

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_REMOTE_BACKEND_H_
