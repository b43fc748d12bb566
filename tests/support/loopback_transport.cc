// The in-process transport: a queue and one thread that dispatches.
#include "support/loopback_transport.h"

#include <cstring>
#include <string>

#include "protocol/session.h"

namespace custdb {
namespace test {

LoopbackTransport::LoopbackTransport(Store* store, Engine* engine,
                                     protocol::DispatchOptions options)
    : store_(store), engine_(engine), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

LoopbackTransport::~LoopbackTransport() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // Run leaves what it did not start; fail it as a closed connection does.
  for (Pending& p : queue_) {
    p.done(Status::Unavailable("loopback transport closed; outcome unknown"));
  }
}

void LoopbackTransport::Send(protocol::Frame request, bool, Done done) {
  // A socket delivers bytes, not the sender's buffer.
  protocol::Frame copy(request.size());
  std::memcpy(copy.data(), request.data(), request.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(Pending{std::move(copy), std::move(done)});
  }
  wake_.notify_one();
}

uint64_t LoopbackTransport::answered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return answered_;
}

void LoopbackTransport::Run() {
  for (;;) {
    Pending next;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    Result<protocol::Frame> response = Answer(next.request);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++answered_;
    }
    next.done(std::move(response));
  }
}

Result<protocol::Frame> LoopbackTransport::Answer(protocol::Frame& request) {
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
  }
  Result<const wire::Request*> verified = protocol::VerifyRequest(request);
  if (!verified.ok()) return verified.status();
  protocol::StampRequestId(&request, id);
  const wire::Request& root = **verified;
  protocol::Frame answer =
      protocol::DescribeOp(root.op_type()).session_op && engine_ != nullptr
          ? Session(root)
          : protocol::Dispatch(*store_, root, options_);
  Result<const wire::Response*> response = protocol::VerifyResponse(answer);
  if (!response.ok()) {
    return Status::Internal("loopback: " + response.status().message());
  }
  if ((*response)->header()->id() != id) {
    return Status::Internal("loopback: response id " +
                            std::to_string((*response)->header()->id()) +
                            " answers request " + std::to_string(id));
  }
  return answer;
}

// What the server's session layer does for the operations Dispatch leaves
// to it, on the engine directly.
protocol::Frame LoopbackTransport::Session(const wire::Request& request) {
  const uint64_t id = request.header()->id();
  auto answer = [id](const Status& s) {
    return s.ok() ? protocol::EncodeOk(id) : protocol::EncodeError(id, s);
  };
  switch (request.op_type()) {
    case wire::Op::Ping:
      return protocol::EncodeOk(id);
    case wire::Op::Stats: {
      Result<EngineStats> stats = engine_->Stats();
      if (!stats.ok()) return protocol::EncodeError(id, stats.status());
      return protocol::EncodeStatsResult(id, *stats);
    }
    case wire::Op::Compact:
      return answer(engine_->CompactAll());
    case wire::Op::Flush:
      return answer(engine_->Flush());
    case wire::Op::Checkpoint: {
      const wire::Checkpoint* op = request.op_as_Checkpoint();
      std::string dir = op == nullptr || op->dir() == nullptr
                            ? std::string()
                            : op->dir()->str();
      if (dir.empty()) {
        return answer(Status::InvalidArgument("Checkpoint.dir: missing"));
      }
      return answer(engine_->Checkpoint(dir));
    }
    default:
      return protocol::Dispatch(*store_, request, options_);
  }
}

}  // namespace test
}  // namespace custdb
