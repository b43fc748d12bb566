// custdb shell on a terminal (a pseudo-terminal here): libedit prints the
// prompt, edits the line, and keeps a history that the next session loads
// (an up arrow recalls the last command).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

// A `custdb shell` on the slave side of a pseudo-terminal.
class TtyShell {
 public:
  TtyShell(const std::string& db, const std::string& history) {
    pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      setenv("TERM", "xterm", 1);
      setenv("CUSTDB_HISTORY", history.c_str(), 1);
      const std::string binary = test::CustdbBinary();
      execl(binary.c_str(), binary.c_str(), "shell", "--data", db.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  ~TtyShell() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (master_ >= 0) close(master_);
  }

  bool started() const { return pid_ > 0; }

  void Type(const std::string& keys) {
    ASSERT_EQ(write(master_, keys.data(), keys.size()),
              static_cast<ssize_t>(keys.size()));
  }

  // Reads what the terminal shows until it contains `text` (true) or 30 s
  // pass or the shell closes the terminal (false).
  bool WaitFor(const std::string& text) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (screen_.find(text, seen_) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = read(master_, buf, sizeof(buf));
      if (n <= 0) return false;  // EIO: the shell exited
      screen_.append(buf, static_cast<size_t>(n));
    }
    seen_ = screen_.find(text, seen_) + text.size();
    return true;
  }

  // Waits until libedit has the terminal in raw mode (30 s at most): it
  // prints the prompt before it leaves canonical mode, and keys typed in
  // between are taken by the line discipline instead (an up arrow echoed
  // as ^[[A, a Ctrl-D lost), which made the test hang under load. On
  // Linux tcgetattr on the master reads the slave's modes.
  bool WaitUntilEditing() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    termios modes{};
    while (tcgetattr(master_, &modes) == 0 && (modes.c_lflag & ICANON) != 0) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
  }

  // Waits (30 s at most) for the exit; returns the exit code, or -1 (and
  // kills the shell) if it did not exit.
  int Wait() {
    WaitFor("\x01never");  // drain until the terminal closes
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int status = 0;
    for (;;) {
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) break;
      if (done < 0 || std::chrono::steady_clock::now() >= deadline) {
        return -1;  // the destructor kills and reaps it
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  const std::string& screen() const { return screen_; }

 private:
  pid_t pid_ = -1;
  int master_ = -1;
  std::string screen_;
  size_t seen_ = 0;
};

TEST(ShellTtyCliTest, PromptsEditsAndRemembersHistory) {
  test::TempDir dir;
  const std::string db = dir.Sub("db");
  {
    std::unique_ptr<Engine> engine = test::OpenTestEngine(db);
    ASSERT_NE(engine, nullptr);
    Customer c;
    c.id = 1;
    c.code = "C-1";
    ASSERT_TRUE(engine->CreateCustomer(c).ok());
  }
  const std::string history = dir.Sub("history");
  const std::string prompt = "custdb " + db + "> ";
  {
    TtyShell shell(db, history);
    ASSERT_TRUE(shell.started());
    ASSERT_TRUE(shell.WaitFor(prompt)) << shell.screen();
    ASSERT_TRUE(shell.WaitUntilEditing());
    // A typo fixed with backspace before Enter: libedit edits the line.
    shell.Type(
        "view --code C-2\x7f"
        "1\r");
    EXPECT_TRUE(shell.WaitFor("code:             C-1")) << shell.screen();
    ASSERT_TRUE(shell.WaitFor(prompt)) << shell.screen();
    ASSERT_TRUE(shell.WaitUntilEditing());
    shell.Type("quit\r");
    EXPECT_EQ(shell.Wait(), 0) << shell.screen();
  }
  std::ifstream saved(history);
  std::stringstream text;
  text << saved.rdbuf();
  EXPECT_NE(text.str().find("view"), std::string::npos) << text.str();

  // The next session recalls it: up arrow twice (past "quit"), Enter.
  TtyShell again(db, history);
  ASSERT_TRUE(again.started());
  ASSERT_TRUE(again.WaitFor(prompt)) << again.screen();
  ASSERT_TRUE(again.WaitUntilEditing());
  again.Type("\x1b[A\x1b[A\r");
  EXPECT_TRUE(again.WaitFor("code:             C-1")) << again.screen();
  ASSERT_TRUE(again.WaitFor(prompt)) << again.screen();
  ASSERT_TRUE(again.WaitUntilEditing());
  again.Type("\x04");  // Ctrl-D ends the session
  EXPECT_EQ(again.Wait(), 0) << again.screen();
}

}  // namespace
}  // namespace custdb
