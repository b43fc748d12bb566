// RequestHandler: authentication, the role check, and the session and
// admin operations; Store operations go to protocol::Dispatch.
#include "server/request_handler.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <string>
#include <utility>

#include "protocol/dispatch.h"
#include "protocol/session.h"

namespace custdb {
namespace server {
namespace {

using protocol::DescribeOp;
using protocol::EncodeError;
using protocol::Frame;
using protocol::OpAccess;
using protocol::OpInfo;

const char* AccessRoleName(OpAccess access) {
  switch (access) {
    case OpAccess::kSession:
    case OpAccess::kRead:
      return "reader";
    case OpAccess::kWrite:
      return "writer";
    case OpAccess::kAdmin:
      return "admin";
  }
  return "admin";
}

RequestHandler::Admission Answer(Frame response, bool close = false) {
  RequestHandler::Admission a;
  a.response = std::move(response);
  a.close = close;
  return a;
}

Frame StatusFrame(uint64_t id, const Status& status) {
  return status.ok() ? protocol::EncodeOk(id) : EncodeError(id, status);
}

}  // namespace

bool RoleAllows(Role role, OpAccess access) {
  switch (access) {
    case OpAccess::kSession:
    case OpAccess::kRead:
      return true;
    case OpAccess::kWrite:
      return role == Role::kWriter || role == Role::kAdmin;
    case OpAccess::kAdmin:
      return role == Role::kAdmin;
  }
  return false;
}

RequestHandler::RequestHandler(ServerContext* context, bool peer_is_loopback,
                               std::string peer)
    : context_(context),
      peer_is_loopback_(peer_is_loopback),
      peer_(std::move(peer)) {}

RequestHandler::Admission RequestHandler::Admit(const wire::Request& request) {
  const uint64_t id = request.header()->id();
  const wire::Op op = request.op_type();
  const OpInfo info = DescribeOp(op);
  // Nothing but Hello before a session is open, and the peer learns
  // nothing else of the server.
  if (!authenticated()) {
    if (op == wire::Op::Hello) return Hello(request);
    std::string got = info.known ? info.name
                                 : "unknown operation " +
                                       std::to_string(static_cast<int>(op));
    return Answer(
        EncodeError(id, Status::Unauthenticated(
                            "Hello must be the first request, got " + got)),
        /*close=*/true);
  }
  if (op == wire::Op::Hello) {
    return Answer(EncodeError(
        id, Status::FailedPrecondition("Hello was already sent on this "
                                       "connection")));
  }
  // A newer client's operation: refused, but the stream is still in step.
  if (op == wire::Op::NONE) {
    return Answer(EncodeError(
        id,
        Status::InvalidArgument("request without an operation (op_type 0)")));
  }
  if (!info.known) {
    return Answer(EncodeError(
        id, Status::InvalidArgument("unknown operation " +
                                    std::to_string(static_cast<int>(op)) +
                                    " (op_type)")));
  }
  if (!RoleAllows(principal_->role, info.access)) {
    return Answer(EncodeError(
        id, Status::PermissionDenied(std::string(info.name) + " needs the " +
                                     AccessRoleName(info.access) +
                                     " role; this token is " +
                                     RoleName(principal_->role))));
  }
  Admission run;
  run.long_running = info.long_running;
  return run;
}

RequestHandler::Admission RequestHandler::Hello(const wire::Request& request) {
  const uint64_t id = request.header()->id();
  const wire::Hello* hello = request.op_as_Hello();
  const uint32_t version = hello == nullptr ? 0 : hello->protocol_version();
  if (version != protocol::kProtocolVersion) {
    return Answer(
        EncodeError(id, Status::FailedPrecondition(
                            "protocol version " + std::to_string(version) +
                            " is not supported (the server speaks " +
                            std::to_string(protocol::kProtocolVersion) + ")")),
        /*close=*/true);
  }
  const std::string token = hello == nullptr || hello->token() == nullptr
                                ? std::string()
                                : hello->token()->str();
  std::optional<Principal> principal;
  if (std::shared_ptr<const TokenFile> tokens = context_->tokens()) {
    principal = tokens->Authenticate(token);
  } else if (peer_is_loopback_) {
    // No tokens file: loopback peers are trusted whatever they send.
    principal = Principal{"loopback", Role::kAdmin, std::nullopt};
  } else if (token.empty()) {
    return Answer(EncodeError(id, Status::Unauthenticated(
                                      "this server accepts loopback clients "
                                      "only (no tokens file)")),
                  /*close=*/true);
  }
  if (!principal) {
    spdlog::warn("connection {}: Hello with an unknown token", peer_);
    return Answer(EncodeError(id, Status::Unauthenticated("unknown token")),
                  /*close=*/true);
  }
  principal_ = std::move(principal);
  store_ = std::make_unique<ScopedStore>(context_->engine(), *principal_);
  const ServerConfig& config = context_->config();
  SessionInfo info;
  info.server_version = kServerVersion;
  info.protocol_version = protocol::kProtocolVersion;
  info.role = RoleName(principal_->role);
  info.has_scope = principal_->channel_id.has_value();
  info.scope_channel_id = principal_->channel_id.value_or(0);
  info.max_frame_bytes = config.max_frame_bytes;
  info.max_in_flight = config.max_in_flight;
  info.max_rows = config.max_rows;
  const std::string client =
      hello->client_name() == nullptr ? "" : hello->client_name()->str();
  spdlog::debug("connection {}: session open as {} ({}), client \"{}\"", peer_,
                principal_->name, info.role, client);
  return Answer(protocol::EncodeHelloResult(id, info));
}

Frame RequestHandler::Execute(const wire::Request& request) {
  const OpInfo info = DescribeOp(request.op_type());
  try {
    if (info.session_op) return ExecuteSessionOp(request);
    const ServerConfig& config = context_->config();
    protocol::DispatchOptions options;
    options.max_rows = config.max_rows;
    options.max_batch_events = config.max_batch_events;
    return protocol::Dispatch(*store_, request, options);
  } catch (const std::exception& e) {
    // An allocation failure or a bug fails this request alone.
    spdlog::error("connection {}: {} failed: {}", peer_, info.name, e.what());
    return EncodeError(
        request.header()->id(),
        Status::Internal(std::string(info.name) + ": " + e.what()));
  }
}

Frame RequestHandler::ExecuteSessionOp(const wire::Request& request) {
  const uint64_t id = request.header()->id();
  Engine* engine = context_->engine();
  switch (request.op_type()) {
    case wire::Op::Ping:
      return protocol::EncodeOk(id);
    case wire::Op::ServerInfo: {
      protocol::ServerInfoFigures figures;
      figures.server_version = kServerVersion;
      figures.uptime_ms = context_->uptime_ms();
      figures.connections = context_->metrics()->open_connections();
      figures.requests = context_->metrics()->requests();
      return protocol::EncodeServerInfoResult(id, figures);
    }
    case wire::Op::Stats: {
      Result<EngineStats> stats = engine->Stats();
      if (!stats.ok()) return EncodeError(id, stats.status());
      return protocol::EncodeStatsResult(id, *stats);
    }
    case wire::Op::Compact:
      return StatusFrame(id, engine->CompactAll());
    case wire::Op::Flush:
      return StatusFrame(id, engine->Flush());
    case wire::Op::Checkpoint: {
      const wire::Checkpoint* checkpoint = request.op_as_Checkpoint();
      if (checkpoint == nullptr || checkpoint->dir() == nullptr ||
          checkpoint->dir()->size() == 0) {
        return EncodeError(id,
                           Status::InvalidArgument("Checkpoint.dir: missing"));
      }
      return StatusFrame(id, engine->Checkpoint(checkpoint->dir()->str()));
    }
    default:
      // Hello is answered by Admit; nothing else is a session op.
      return EncodeError(
          id, Status::Internal(std::string("no session handler for ") +
                               DescribeOp(request.op_type()).name));
  }
}

}  // namespace server
}  // namespace custdb
