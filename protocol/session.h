// The session and administration messages (Hello, Ping, ServerInfo, Stats,
// Compact, Flush, Checkpoint): built and read here for both sides, so the
// server and the client cannot disagree about them.
#ifndef CUSTDB_PROTOCOL_SESSION_H_
#define CUSTDB_PROTOCOL_SESSION_H_

#include <cstdint>
#include <string>

#include "custdb/engine.h"
#include "custdb/session_info.h"
#include "custdb/status.h"
#include "protocol/frame.h"

namespace custdb {
namespace protocol {

// Requests (id 0: the transport stamps it).
Frame EncodeHello(const std::string& token, const std::string& client_name,
                  uint32_t protocol_version = kProtocolVersion);
Frame EncodePing();
Frame EncodeServerInfo();
Frame EncodeStats();
Frame EncodeCompact();
Frame EncodeFlush();
Frame EncodeCheckpoint(const std::string& dir);

// Server answers.
Frame EncodeOk(uint64_t id);  // success without a result
Frame EncodeHelloResult(uint64_t id, const SessionInfo& info);
struct ServerInfoFigures {
  std::string server_version;
  int64_t uptime_ms = 0;
  uint64_t connections = 0;
  uint64_t requests = 0;
};
Frame EncodeServerInfoResult(uint64_t id, const ServerInfoFigures& info);
Frame EncodeStatsResult(uint64_t id, const EngineStats& stats);

// The Status a response carries (its code and message, unchanged).
Status ResponseStatus(const wire::Response& response);
// Client side: the result of a verified response, or its error Status;
// kInternal if an ok response lacks the expected result.
Result<SessionInfo> DecodeHelloResult(const wire::Response& response);
Result<ServerInfoFigures> DecodeServerInfoResult(
    const wire::Response& response);
Result<EngineStats> DecodeStatsResult(const wire::Response& response);

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_SESSION_H_
