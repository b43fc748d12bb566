// Runs `custdb serve` as a child process for the CLI tests of --connect,
// the shell and the quick start: a free loopback port, a bounded wait for
// the listener, SIGTERM and a bounded wait for the exit.
#ifndef CUSTDB_TESTS_TOOLS_SERVE_PROCESS_H_
#define CUSTDB_TESTS_TOOLS_SERVE_PROCESS_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/cli_run.h"

extern char** environ;

namespace custdb {
namespace test {

// A loopback port the OS just handed out and that nothing listens on. (The
// server is told the number; a server that binds port 0 itself would need
// a way to report it, which `custdb serve` does not promise.)
inline int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (fd >= 0 &&
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

// Whether something accepts TCP connections on 127.0.0.1:`port`.
inline bool Listening(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// Why the remote half cannot be tested in this build, or "" when it can:
// Client::Connect is the stub that answers "not implemented", or there is
// no `custdb serve`. The tests that need a live server GTEST_SKIP() on it.
inline std::string RemoteUnavailableReason() {
  const CommandRun client =
      Custdb("stats --connect 127.0.0.1:" + std::to_string(FreeLoopbackPort()));
  if (client.output.find("not implemented") != std::string::npos) {
    return "Client::Connect is a stub in this build: " + client.output;
  }
  const CommandRun serve = Custdb("serve --help");
  if (serve.exit_code != 0) return "no `custdb serve` in this build";
  return "";
}

// A child process with stdin on /dev/null and stdout and stderr in a log
// file; signalled and waited for with bounded waits, killed (SIGKILL) if
// still running when destroyed.
class ChildProcess {
 public:
  // Starts argv[0] (a path) with `args`; `env` entries ("NAME=value") are
  // added to this process's environment.
  ChildProcess(const std::vector<std::string>& args,
               const std::string& log_file,
               const std::vector<std::string>& env = {})
      : log_file_(log_file) {
    std::vector<char*> argv;
    for (const std::string& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    for (const std::string& e : env) {
      envp.push_back(const_cast<char*>(e.c_str()));
    }
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(),
                    envp.data()) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }

  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return false;
  }

  // Sends `signal` (if still running), then waits at most `timeout` for
  // the exit (SIGKILL after that). Returns the exit code, or -1 if the
  // process did not exit by itself or a signal ended it.
  int Stop(int signal, std::chrono::seconds timeout) {
    if (running()) ::kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
  }

  std::string Log() const {
    std::ifstream in(log_file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  const std::string log_file_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Waits (at most `timeout`) until something listens on 127.0.0.1:`port`;
// false, with `process`'s log in the test's output, if `process` exited
// first or nothing listened in time.
inline bool WaitUntilListening(
    int port, ChildProcess& process,
    std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (process.running() && std::chrono::steady_clock::now() < deadline) {
    if (Listening(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "nothing listened on 127.0.0.1:" << port << ":\n"
                << process.Log();
  return false;
}

// `custdb serve` on a directory, stopped (SIGTERM) when destroyed.
class ServeProcess {
 public:
  // Starts `custdb serve --data DIR --listen 127.0.0.1:PORT --rescore-every
  // 0` with stdout and stderr in `log_file`; then Ready() says whether it
  // listens.
  ServeProcess(const std::string& dir, const std::string& log_file)
      : port_(FreeLoopbackPort()),
        process_({CustdbBinary(), "serve", "--data", dir, "--listen",
                  "127.0.0.1:" + std::to_string(port_), "--rescore-every", "0"},
                 log_file) {}

  ~ServeProcess() { Stop(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Waits (at most 60 s) until the server listens; false, with the log in
  // the test's output, if it exited or never listened.
  bool Ready() { return WaitUntilListening(port_, process_); }

  // SIGTERM, then waits (at most 60 s) for the exit code.
  int Stop() { return process_.Stop(SIGTERM, std::chrono::seconds(60)); }

  std::string Log() const { return process_.Log(); }

 private:
  const int port_;
  ChildProcess process_;
};

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_TOOLS_SERVE_PROCESS_H_
