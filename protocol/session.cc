// Session and administration messages, both directions.
#include "protocol/session.h"

#include <string>
#include <vector>

namespace custdb {
namespace protocol {

namespace {

template <typename Op>
Frame FinishRequest(flatbuffers::FlatBufferBuilder& builder, wire::Op type,
                    flatbuffers::Offset<Op> op) {
  wire::RequestHeader header(0);
  wire::RequestBuilder request(builder);
  request.add_header(&header);
  request.add_op_type(type);
  request.add_op(op.Union());
  builder.FinishSizePrefixed(request.Finish(), wire::RequestIdentifier());
  return Frame::FromBuilder(builder);
}

template <typename R>
Frame FinishResult(flatbuffers::FlatBufferBuilder& builder, uint64_t id,
                   wire::Result type, flatbuffers::Offset<R> result) {
  wire::RequestHeader header(id);
  wire::ResponseBuilder response(builder);
  response.add_header(&header);
  response.add_code(0);
  response.add_result_type(type);
  response.add_result(result.Union());
  builder.FinishSizePrefixed(response.Finish(), wire::RequestIdentifier());
  return Frame::FromBuilder(builder);
}

std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

Status MissingResult(const char* what) {
  return Status::Internal(std::string("response lacks its ") + what);
}

}  // namespace

Frame EncodeHello(const std::string& token, const std::string& client_name,
                  uint32_t protocol_version) {
  flatbuffers::FlatBufferBuilder builder(128 + token.size());
  auto op = wire::CreateHelloDirect(builder, protocol_version, token.c_str(),
                                    client_name.c_str());
  return FinishRequest(builder, wire::Op::Hello, op);
}

Frame EncodePing() {
  flatbuffers::FlatBufferBuilder builder(64);
  return FinishRequest(builder, wire::Op::Ping, wire::CreatePing(builder));
}

Frame EncodeServerInfo() {
  flatbuffers::FlatBufferBuilder builder(64);
  return FinishRequest(builder, wire::Op::ServerInfo,
                       wire::CreateServerInfo(builder));
}

Frame EncodeStats() {
  flatbuffers::FlatBufferBuilder builder(64);
  return FinishRequest(builder, wire::Op::Stats, wire::CreateStats(builder));
}

Frame EncodeCompact() {
  flatbuffers::FlatBufferBuilder builder(64);
  return FinishRequest(builder, wire::Op::Compact,
                       wire::CreateCompact(builder));
}

Frame EncodeFlush() {
  flatbuffers::FlatBufferBuilder builder(64);
  return FinishRequest(builder, wire::Op::Flush, wire::CreateFlush(builder));
}

Frame EncodeCheckpoint(const std::string& dir) {
  flatbuffers::FlatBufferBuilder builder(64 + dir.size());
  return FinishRequest(builder, wire::Op::Checkpoint,
                       wire::CreateCheckpointDirect(builder, dir.c_str()));
}

Frame EncodeOk(uint64_t id) {
  flatbuffers::FlatBufferBuilder builder(64);
  wire::RequestHeader header(id);
  wire::ResponseBuilder response(builder);
  response.add_header(&header);
  builder.FinishSizePrefixed(response.Finish(), wire::RequestIdentifier());
  return Frame::FromBuilder(builder);
}

Frame EncodeHelloResult(uint64_t id, const SessionInfo& info) {
  flatbuffers::FlatBufferBuilder builder(256);
  auto result = wire::CreateHelloResultDirect(
      builder, info.server_version.c_str(), info.protocol_version,
      info.role.c_str(), info.has_scope, info.scope_channel_id,
      info.max_frame_bytes, info.max_in_flight, info.max_rows);
  return FinishResult(builder, id, wire::Result::HelloResult, result);
}

Frame EncodeServerInfoResult(uint64_t id, const ServerInfoFigures& info) {
  flatbuffers::FlatBufferBuilder builder(128);
  auto result = wire::CreateServerInfoResultDirect(
      builder, info.server_version.c_str(), kProtocolVersion, info.uptime_ms,
      info.connections, info.requests);
  return FinishResult(builder, id, wire::Result::ServerInfoResult, result);
}

Frame EncodeStatsResult(uint64_t id, const EngineStats& stats) {
  flatbuffers::FlatBufferBuilder builder(1024);
  std::vector<flatbuffers::Offset<wire::ColumnFamilyStats>> cfs;
  for (const ColumnFamilyStats& cf : stats.column_families) {
    cfs.push_back(wire::CreateColumnFamilyStatsDirect(
        builder, cf.name.c_str(), cf.estimate_num_keys, cf.sst_bytes,
        cf.memtable_bytes, cf.num_files));
  }
  auto result = wire::CreateStatsResultDirect(
      builder, stats.base_currency.c_str(), stats.schema_version,
      stats.counts.channels, stats.counts.customers, stats.counts.orders,
      stats.counts.interactions, &cfs);
  return FinishResult(builder, id, wire::Result::StatsResult, result);
}

Status ResponseStatus(const wire::Response& response) {
  if (response.code() == 0) return Status::OK();
  return Status(static_cast<StatusCode>(response.code()),
                Str(response.message()));
}

Result<SessionInfo> DecodeHelloResult(const wire::Response& response) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::HelloResult* r = response.result_as_HelloResult();
  if (r == nullptr) return MissingResult("HelloResult");
  SessionInfo info;
  info.server_version = Str(r->server_version());
  info.protocol_version = r->protocol_version();
  info.role = Str(r->role());
  info.has_scope = r->has_scope();
  info.scope_channel_id = r->scope_channel_id();
  info.max_frame_bytes = r->max_frame_bytes();
  info.max_in_flight = r->max_in_flight();
  info.max_rows = r->max_rows();
  return info;
}

Result<ServerInfoFigures> DecodeServerInfoResult(
    const wire::Response& response) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::ServerInfoResult* r = response.result_as_ServerInfoResult();
  if (r == nullptr) return MissingResult("ServerInfoResult");
  ServerInfoFigures info;
  info.server_version = Str(r->server_version());
  info.uptime_ms = r->uptime_ms();
  info.connections = r->connections();
  info.requests = r->requests();
  return info;
}

Result<EngineStats> DecodeStatsResult(const wire::Response& response) {
  Status status = ResponseStatus(response);
  if (!status.ok()) return status;
  const wire::StatsResult* r = response.result_as_StatsResult();
  if (r == nullptr) return MissingResult("StatsResult");
  EngineStats stats;
  stats.base_currency = Str(r->base_currency());
  stats.schema_version = r->schema_version();
  stats.counts.channels = r->channels();
  stats.counts.customers = r->customers();
  stats.counts.orders = r->orders();
  stats.counts.interactions = r->interactions();
  if (r->column_families() != nullptr) {
    for (const wire::ColumnFamilyStats* cf : *r->column_families()) {
      ColumnFamilyStats out;
      out.name = Str(cf->name());
      out.estimate_num_keys = cf->estimate_num_keys();
      out.sst_bytes = cf->sst_bytes();
      out.memtable_bytes = cf->memtable_bytes();
      out.num_files = cf->num_files();
      stats.column_families.push_back(std::move(out));
    }
  }
  return stats;
}

}  // namespace protocol
}  // namespace custdb
