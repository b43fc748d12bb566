// ServerProcess: a private `custdb serve` run as a child process for the
// remote benchmarks, on a loopback port the kernel picks.
#ifndef CUSTDB_BENCH_SERVER_PROCESS_H_
#define CUSTDB_BENCH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "custdb/status.h"

namespace custdb {
namespace bench {

struct ServerProcessOptions {
  // The custdb executable (the build's bin/custdb unless --custdb-binary
  // says otherwise).
  std::string binary;
  // The server's data directory: private to this process, created by
  // Start() if missing. The caller removes it after Stop().
  std::string data_dir;
  // --clock-ms: the server's clock stands still here, as the embedded
  // backend's does, so that derived attributes agree. 0: not passed (the
  // wall clock).
  int64_t clock_ms = 0;
  // How long to wait for the "listening on HOST:PORT" line.
  int start_timeout_ms = 60000;
  // After SIGTERM, how long the server may take to drain and close the
  // database before it gets SIGKILL.
  int stop_timeout_ms = 30000;
  // Appended to `custdb serve --data DIR --listen 127.0.0.1:0
  // --rescore-every 0 [--clock-ms MS]`.
  std::vector<std::string> extra_args;
};

// Not thread-safe; one owner. The server's output (its log) is copied to
// this process's stderr, each line prefixed with "custdb serve: ". The
// server gets SIGTERM if the thread that called Start() dies
// (PR_SET_PDEATHSIG), so call it from the main thread or one that outlives
// the server. The server must flush the listening line (spdlog does).
class ServerProcess {
 public:
  // Spawns the server and waits (at most options.start_timeout_ms) until
  // it prints "listening on HOST:PORT" on stdout or stderr. Returns
  // kNotFound naming the binary if it is missing or not executable,
  // kUnavailable with the server's last output if it exits first or the
  // wait times out (the child is then stopped), kIOError if the data
  // directory cannot be created or the process
  // cannot be spawned.
  static Result<std::unique_ptr<ServerProcess>> Start(
      const ServerProcessOptions& options);

  // Stop(), ignoring its result.
  ~ServerProcess();

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Sends SIGTERM and waits for the exit; SIGKILL after
  // options.stop_timeout_ms. OK if the server exited with status 0 (or had
  // already been stopped); kInternal naming the exit status or signal
  // otherwise.
  Status Stop();

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  ServerProcess(const ServerProcessOptions& options, pid_t pid, int out_fd);

  // Reads the child's output until the listening line, EOF or the
  // deadline; then hands the descriptor to the copying thread.
  Status AwaitListening();
  // Waits for the child's exit for at most `timeout_ms`; true if it did
  // (exit_status_ holds the waitpid status).
  bool WaitForExit(int timeout_ms);
  void StartCopyingOutput();

  const ServerProcessOptions options_;
  pid_t pid_;
  int out_fd_;           // read end of the child's stdout and stderr
  bool exited_ = false;  // reaped: pid_ may no longer be signalled
  int exit_status_ = 0;  // waitpid's status once exited_
  std::string host_;
  uint16_t port_ = 0;
  std::string pending_;  // output read but not yet a whole line
  std::thread copier_;   // copies the output to stderr after start-up
  std::atomic<bool> reaped_{false};  // tells copier_ to drain and stop
};

// Splits "HOST:PORT" (the port 1..65535). kInvalidArgument naming `what`
// and the value otherwise.
Status ParseHostPort(const std::string& text, const std::string& what,
                     std::string* host, uint16_t* port);

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_SERVER_PROCESS_H_
