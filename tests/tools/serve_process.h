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
  const CommandRun client = Custdb(
      "stats --connect 127.0.0.1:" + std::to_string(FreeLoopbackPort()));
  if (client.output.find("not implemented") != std::string::npos) {
    return "Client::Connect is a stub in this build: " + client.output;
  }
  const CommandRun serve = Custdb("serve --help");
  if (serve.exit_code != 0) return "no `custdb serve` in this build";
  return "";
}

// `custdb serve` on a directory, stopped (SIGTERM) when destroyed.
class ServeProcess {
 public:
  // Starts `custdb serve --data DIR --listen 127.0.0.1:PORT --rescore-every
  // 0` with stdout and stderr in `log_file`; then Ready() says whether it
  // listens.
  ServeProcess(const std::string& dir, const std::string& log_file)
      : port_(FreeLoopbackPort()), log_file_(log_file) {
    const std::vector<std::string> args = {
        CustdbBinary(), "serve",   "--data",          dir,
        "--listen",     address(), "--rescore-every", "0"};
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) !=
        0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }

  ~ServeProcess() { Stop(); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  std::string address() const {
    return "127.0.0.1:" + std::to_string(port_);
  }

  // Waits (at most 60 s) until the server listens; false, with the log in
  // the test's output, if it exited or never listened.
  bool Ready() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      if (Listening(port_)) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "custdb serve did not listen on " << address() << ":\n"
                  << Log();
    return false;
  }

  // SIGTERM, then waits (at most 60 s, then SIGKILL) for the exit. Returns
  // the exit code, or -1 if it did not exit by itself.
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string Log() const {
    std::ifstream in(log_file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  const int port_;
  const std::string log_file_;
  pid_t pid_ = -1;
};

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_TOOLS_SERVE_PROCESS_H_
