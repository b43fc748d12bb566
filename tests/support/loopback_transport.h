// LoopbackTransport: a client::Transport that answers in-process, from its
// own thread, with protocol::Dispatch on a Store, so that a Client in a
// test exercises every byte of the real encoders, verifier and decoders
// without a socket.
#ifndef CUSTDB_TESTS_SUPPORT_LOOPBACK_TRANSPORT_H_
#define CUSTDB_TESTS_SUPPORT_LOOPBACK_TRANSPORT_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "client/src/transport.h"
#include "custdb/engine.h"
#include "custdb/store.h"
#include "protocol/dispatch.h"

namespace custdb {
namespace test {

class LoopbackTransport : public client::Transport {
 public:
  // Dispatches onto `store`, which must outlive the transport. With
  // `engine` (the same object, or null), also answers the session and
  // administration operations a server would (Ping, Stats, Compact,
  // Flush, Checkpoint); without one they get Dispatch's invalid_argument.
  explicit LoopbackTransport(Store* store, Engine* engine = nullptr,
                             protocol::DispatchOptions options = {});
  // Fails requests not yet answered with kUnavailable, then joins the
  // thread.
  ~LoopbackTransport() override;

  // Copies the frame as a socket would, stamps the next request id, and
  // answers in order, one request at a time, like one connection. A frame
  // that fails VerifyRequest gets its error (as the server's id-0
  // response); a response that fails VerifyResponse or answers another id
  // is kInternal.
  void Send(protocol::Frame request, bool is_write, Done done) override;

  // Requests answered so far.
  uint64_t answered() const;

 private:
  struct Pending {
    protocol::Frame request;
    Done done;
  };
  void Run();
  Result<protocol::Frame> Answer(protocol::Frame& request);
  protocol::Frame Session(const wire::Request& request);

  Store* const store_;
  Engine* const engine_;
  const protocol::DispatchOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  // Guarded by mu_.
  std::deque<Pending> queue_;
  bool stopping_ = false;
  uint64_t next_id_ = 1;
  uint64_t answered_ = 0;
  std::thread thread_;
};

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_LOOPBACK_TRANSPORT_H_
