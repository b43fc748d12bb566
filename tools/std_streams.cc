// Checks of the standard descriptors (see std_streams.h).
#include "std_streams.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace custdb {
namespace tools {
namespace {

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

// Writes straight to fd 2: iostreams may not be usable yet.
void SayOnStderr(const char* message) {
  const size_t n = std::strlen(message);
  if (write(2, message, n) < 0) {
    // Nothing else can be told: stderr itself failed.
  }
}

}  // namespace

bool EnsureStandardStreams() {
  bool closed[3] = {false, false, false};
  for (int fd = 0; fd < 3; ++fd) {
    if (IsOpen(fd)) continue;
    closed[fd] = true;
    // open() returns the lowest free descriptor: this one, since the lower
    // ones are open by now.
    const int reopened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (reopened != fd) {
      if (reopened >= 0) close(reopened);
      return false;
    }
  }
  if (closed[1] || closed[2]) {
    if (!closed[2]) {
      SayOnStderr(
          "custdb: standard output (descriptor 1) is closed; redirect it "
          "(>/dev/null to discard it) instead of closing it\n");
    }
    return false;
  }
  return true;
}

bool StandardOutputWritten() {
  std::cout.flush();
  return static_cast<bool>(std::cout);
}

}  // namespace tools
}  // namespace custdb
