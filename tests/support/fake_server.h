// FakeServer: a tiny custdb server for the client's network tests, on its
// own thread and io_context, listening on 127.0.0.1 (or another loopback
// address) port 0. It answers Hello with a configured SessionInfo and
// every later request with an empty ok response, and can be told to
// misbehave: delay, drop the connection, answer with the wrong id or with
// garbage, never answer, refuse Hello. With a certificate and key it
// speaks TLS only, as the real server does.
//
// Each connection is served one request at a time (read, answer, read):
// a client's pipelined requests wait in the socket. All setters are safe
// from any thread and apply to the next request read.
#ifndef CUSTDB_TESTS_SUPPORT_FAKE_SERVER_H_
#define CUSTDB_TESTS_SUPPORT_FAKE_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "custdb/session_info.h"
#include "custdb/status.h"

namespace custdb {
namespace test {

class FakeServer {
 public:
  enum class Behaviour {
    kAnswer,   // ok with the request's id, after delay_ms
    kDrop,     // close the connection without answering
    kWrongId,  // ok, but with the request's id + 1000
    kGarbage,  // a well-framed 16-byte payload that is no FlatBuffer
    kSilent,   // read, never answer
  };

  struct Options {
    std::string address = "127.0.0.1";
    // Both set: TLS (server::MakeServerTlsContext).
    std::string cert_file;
    std::string key_file;
    SessionInfo session = DefaultSession();
  };
  static SessionInfo DefaultSession();

  // Listening when it returns; kInternal/kIOError if it cannot.
  static Result<std::unique_ptr<FakeServer>> Start(const Options& options);
  // Stops the thread; every socket is closed.
  ~FakeServer();

  uint16_t port() const { return port_; }

  void set_behaviour(Behaviour b) { behaviour_ = static_cast<int>(b); }
  void set_delay_ms(int ms) { delay_ms_ = ms; }
  // The next `n` requests (after Hello) are dropped as by kDrop, whatever
  // the behaviour; the ones after get the behaviour.
  void DropNext(int n) { drop_next_ = n; }
  // Hello answered with this status (then close) when not ok.
  void RefuseHello(Status status);
  // false: Hello is read and never answered.
  void set_answer_hello(bool answer) { answer_hello_ = answer; }

  // Counts since Start.
  int64_t hellos() const { return hellos_; }
  int64_t requests() const { return requests_; }  // after Hello
  int64_t accepted() const { return accepted_; }
  int64_t open_connections() const { return open_; }

  // Stops listening and closes every connection (the server "goes away");
  // returns when done.
  void Stop();
  // Listens again on the same port.
  Status Resume();

 private:
  class Impl;
  class SessionBase;
  template <typename Stream>
  class Session;
  FakeServer() = default;

  uint16_t port_ = 0;
  std::string address_;
  SessionInfo options_session_;
  std::atomic<int> behaviour_{static_cast<int>(Behaviour::kAnswer)};
  std::atomic<int> delay_ms_{0};
  std::atomic<int> drop_next_{0};
  std::atomic<bool> answer_hello_{true};
  std::atomic<int64_t> hellos_{0};
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> accepted_{0};
  std::atomic<int64_t> open_{0};
  // Last: its sessions count themselves out of open_ as they go.
  std::unique_ptr<Impl> impl_;
};

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_FAKE_SERVER_H_
