// SessionInfo: what a custdb server tells a client about its session in
// the answer to Hello (docs/PROTOCOL.md, "Handshake").
#ifndef CUSTDB_SESSION_INFO_H_
#define CUSTDB_SESSION_INFO_H_

#include <cstdint>
#include <string>

namespace custdb {

struct SessionInfo {
  std::string server_version;
  uint32_t protocol_version = 0;
  std::string role;  // "admin", "writer", "reader"
  bool has_scope = false;
  uint64_t scope_channel_id = 0;  // with its subtree
  uint64_t max_frame_bytes = 0;
  uint32_t max_in_flight = 0;
  uint32_t max_rows = 0;
};

}  // namespace custdb

#endif  // CUSTDB_SESSION_INFO_H_
