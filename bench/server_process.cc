// Spawning, watching and stopping the benchmark's private `custdb serve`.
#include "server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace custdb {
namespace bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kListening = "listening on ";
constexpr size_t kLastLines = 8;

int MillisLeft(SteadyClock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - SteadyClock::now())
                        .count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  }
  return "stopped (wait status " + std::to_string(status) + ")";
}

// The address after "listening on " in `line`, if any: the word up to the
// next blank, without trailing punctuation.
bool FindListenAddress(const std::string& line, std::string* host,
                       uint16_t* port) {
  const size_t at = line.find(kListening);
  if (at == std::string::npos) return false;
  const size_t begin = at + std::strlen(kListening);
  size_t end = line.find_first_of(" \t\r\n", begin);
  if (end == std::string::npos) end = line.size();
  std::string word = line.substr(begin, end - begin);
  while (!word.empty() && std::strchr(",;.)]'\"", word.back()) != nullptr) {
    word.pop_back();
  }
  // "listening on 127.0.0.1:0" is a request, not an address: wait for the
  // port the kernel picked.
  return ParseHostPort(word, "listen address", host, port).ok();
}

// Writes all of `text` to `fd`, retrying on EINTR and short writes.
void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

void ForwardLine(const std::string& line) {
  WriteAll(STDERR_FILENO, "custdb serve: " + line + "\n");
}

}  // namespace

Status ParseHostPort(const std::string& text, const std::string& what,
                     std::string* host, uint16_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument(what + ": \"" + text +
                                   "\" is not HOST:PORT");
  }
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument(what + ": port \"" + digits +
                                   "\" is not a number");
  }
  const unsigned long value = std::stoul(digits);
  if (value == 0 || value > 65535) {
    return Status::InvalidArgument(what + ": port " + digits +
                                   " is not in 1..65535");
  }
  std::string h = text.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);  // [::1]:7420
  }
  *host = h;
  *port = static_cast<uint16_t>(value);
  return Status::OK();
}

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const ServerProcessOptions& options) {
  if (access(options.binary.c_str(), X_OK) != 0) {
    return Status::NotFound(
        "custdb binary " + options.binary + ": " + std::strerror(errno) +
        " (build the custdb target or pass --custdb-binary)");
  }
  // `custdb serve --data` wants a directory that exists; the database in
  // it is the caller's to create.
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return Status::IOError("server data directory " + options.data_dir + ": " +
                           ec.message());
  }
  std::vector<std::string> args = {options.binary,    "serve",    "--data",
                                   options.data_dir,  "--listen", "127.0.0.1:0",
                                   "--rescore-every", "0"};
  if (options.clock_ms != 0) {
    args.push_back("--clock-ms");
    args.push_back(std::to_string(options.clock_ms));
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string exec_failed = "cannot execute " + options.binary + "\n";

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    return Status::IOError(std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    // A server outliving a crashed benchmark would hold its port and
    // directory: it gets SIGTERM when the parent dies.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    // The server handles SIGTERM, SIGINT and SIGHUP itself: it must not
    // inherit a mask or an ignored disposition from this thread.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) signal(sig, SIG_DFL);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    execv(argv[0], argv.data());
    ssize_t ignored =
        write(STDERR_FILENO, exec_failed.data(), exec_failed.size());
    (void)ignored;
    _exit(127);
  }
  close(fds[1]);
  std::unique_ptr<ServerProcess> server(
      new ServerProcess(options, pid, fds[0]));
  Status s = server->AwaitListening();
  if (!s.ok()) return s;  // the destructor stops the child
  server->StartCopyingOutput();
  return server;
}

ServerProcess::ServerProcess(const ServerProcessOptions& options, pid_t pid,
                             int out_fd)
    : options_(options), pid_(pid), out_fd_(out_fd) {}

ServerProcess::~ServerProcess() {
  Status ignored = Stop();
  (void)ignored;
}

Status ServerProcess::AwaitListening() {
  const SteadyClock::time_point deadline =
      SteadyClock::now() + std::chrono::milliseconds(options_.start_timeout_ms);
  std::vector<std::string> last;
  char buffer[4096];
  while (true) {
    pollfd pfd = {out_fd_, POLLIN, 0};
    const int left = MillisLeft(deadline);
    const int ready = left > 0 ? poll(&pfd, 1, left) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      std::string tail;
      for (const std::string& l : last) tail += "\n  " + l;
      return Status::Unavailable(
          "custdb serve (" + options_.binary + ") printed no \"" + kListening +
          "HOST:PORT\" line within " +
          std::to_string(options_.start_timeout_ms) +
          " ms; its last output:" + (tail.empty() ? " none" : tail));
    }
    const ssize_t n = read(out_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child has exited
    pending_.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending_.find('\n')) != std::string::npos) {
      const std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      ForwardLine(line);
      last.push_back(line);
      if (last.size() > kLastLines) last.erase(last.begin());
      if (FindListenAddress(line, &host_, &port_)) return Status::OK();
    }
  }
  if (!pending_.empty()) last.push_back(pending_);
  std::string tail;
  for (const std::string& l : last) tail += "\n  " + l;
  WaitForExit(options_.stop_timeout_ms);
  const std::string how =
      exited_ ? DescribeExit(exit_status_) : "closed its output";
  return Status::Unavailable(
      "custdb serve (" + options_.binary + ") " + how +
      " before it printed \"" + kListening +
      "HOST:PORT\"; its last output:" + (tail.empty() ? " none" : tail));
}

void ServerProcess::StartCopyingOutput() {
  copier_ = std::thread([this] {
    char buffer[4096];
    std::string partial = std::move(pending_);
    while (true) {
      // Once the server is reaped, only what is already in the pipe is
      // left to copy: a process it left behind may hold the pipe open.
      const bool draining = reaped_.load();
      pollfd pfd = {out_fd_, POLLIN, 0};
      const int ready = poll(&pfd, 1, draining ? 0 : 100);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0 || (ready == 0 && draining)) break;
      if (ready == 0) continue;
      const ssize_t n = read(out_fd_, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      partial.append(buffer, static_cast<size_t>(n));
      size_t newline;
      while ((newline = partial.find('\n')) != std::string::npos) {
        ForwardLine(partial.substr(0, newline));
        partial.erase(0, newline + 1);
      }
    }
    if (!partial.empty()) ForwardLine(partial);
  });
}

bool ServerProcess::WaitForExit(int timeout_ms) {
  if (exited_) return true;
  const SteadyClock::time_point deadline =
      SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      exited_ = true;
      exit_status_ = r == pid_ ? status : 0;
      return true;
    }
    if (MillisLeft(deadline) == 0) return false;
    // No portable way to wait on a child with a timeout short of a
    // SIGCHLD handler; a 5 ms poll costs nothing beside a server's exit.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status ServerProcess::Stop() {
  Status result;
  if (!exited_) {
    kill(pid_, SIGTERM);
    if (!WaitForExit(options_.stop_timeout_ms)) {
      kill(pid_, SIGKILL);
      WaitForExit(options_.stop_timeout_ms);
      result = Status::Internal("custdb serve (pid " + std::to_string(pid_) +
                                ") did not exit within " +
                                std::to_string(options_.stop_timeout_ms) +
                                " ms of SIGTERM; killed");
    } else if (!WIFEXITED(exit_status_) || WEXITSTATUS(exit_status_) != 0) {
      result =
          Status::Internal("custdb serve (pid " + std::to_string(pid_) + ") " +
                           DescribeExit(exit_status_) + " on SIGTERM");
    }
  }
  reaped_ = true;
  if (copier_.joinable()) copier_.join();
  if (out_fd_ >= 0) {
    close(out_fd_);
    out_fd_ = -1;
  }
  return result;
}

}  // namespace bench
}  // namespace custdb
