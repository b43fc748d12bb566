// The values of --connect, --token-file and CUSTDB_TOKEN, parsed into what
// a custdb::Client connects with.
#ifndef CUSTDB_TOOLS_REMOTE_FLAGS_H_
#define CUSTDB_TOOLS_REMOTE_FLAGS_H_

#include <cstdint>
#include <string>

#include "custdb/status.h"

namespace custdb {
namespace tools {

// The environment variable a remote command reads its token from when
// neither --token nor --token-file is given (docs/OPERATIONS.md).
constexpr char kTokenEnvVar[] = "CUSTDB_TOKEN";

// A server address as `flag` gave it.
struct HostPort {
  std::string host;  // a name, an IPv4 address or a bare IPv6 address
  uint16_t port = 0;
};

// Parses "HOST:PORT" or "[IPV6]:PORT" (PORT a decimal 1..65535). Returns
// kInvalidArgument naming `flag` and `text` for an empty host, a missing or
// bad port, or an IPv6 address without brackets.
Result<HostPort> ParseHostPort(const std::string& flag,
                               const std::string& text);

// The token in `path`: its first line, blanks trimmed. kInvalidArgument
// naming --token-file and the path if the file cannot be read or its first
// line is blank.
Result<std::string> ReadTokenFile(const std::string& path);

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_REMOTE_FLAGS_H_
