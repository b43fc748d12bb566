// Uses the installed custdb::client alone: a Store over TCP. Nothing
// listens on the port it dials (one the OS just handed out and took
// back), so it proves the package links and that a client with no server
// fails cleanly, within its deadline, with kUnavailable.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "custdb/client.h"

namespace {

// A loopback port nothing listens on: bound, read back, closed.
uint16_t UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

int main() {
  custdb::ClientOptions options;
  options.port = UnusedPort();
  options.connect_timeout_ms = 2000;
  custdb::Result<std::unique_ptr<custdb::Client>> client =
      custdb::Client::Connect(options);
  if (client.ok()) {
    std::printf("client: connected to an unused port?\n");
    return 1;
  }
  std::printf("client: %s\n", custdb::StatusCodeName(client.status().code()));
  return 0;
}
