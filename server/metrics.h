// Metrics: the server's counters and latency histograms, rendered in the
// Prometheus text format (served on /metrics by MetricsHttp). Updated from
// every I/O thread, so every figure is an atomic; recording a request is a
// few relaxed increments (it is on the hot path).
#ifndef CUSTDB_SERVER_METRICS_H_
#define CUSTDB_SERVER_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "custdb/engine.h"
#include "custdb/status.h"
#include "custdb_schema/protocol_generated.h"

namespace boost {
namespace asio {
class io_context;
}  // namespace asio
}  // namespace boost

namespace custdb {
namespace server {

class Metrics {
 public:
  Metrics();
  ~Metrics();

  void ConnectionOpened();
  void ConnectionClosed();
  void ConnectionRefused();  // over max_connections
  // One answered request of operation `op`, its status code and how long
  // it took from being read to its response being queued.
  void RecordRequest(wire::Op op, StatusCode code, int64_t micros);
  // A frame that could not be read (too big, unverifiable, before Hello).
  void RecordBadFrame();

  uint64_t open_connections() const;
  uint64_t requests() const;

  // The text exposition of every figure, and of `stats` (RocksDB figures:
  // keys, SST and memtable bytes per column family) when given.
  std::string Render(const EngineStats* stats) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An HTTP/1.1 listener (Boost.Beast) answering GET (and HEAD) /metrics
// with 200, "text/plain; version=0.0.4" and metrics.Render(engine stats);
// 405 for another method on /metrics, 404 for any other path. Keep-alive
// is honoured; a request whose header is over 8 KiB or whose body is over
// 1 KiB, a malformed one, or a connection silent for 30 s is closed
// without an answer. Engine::Stats scans the order and interaction id
// indexes, so its figures are reused for 10 s between scrapes; the scrape
// that refreshes them runs on an `io` thread, so a server gives the
// listener an io_context of its own if that must never delay requests.
// `metrics` and `engine` (null: no RocksDB figures) must outlive every
// handler the listener queued on `io` (until io.run() has returned).
class MetricsHttp {
 public:
  // Binds `host:port` (port 0: any) on `io` and starts accepting;
  // kInvalidArgument naming the address when the host is not an IP
  // address or "localhost" (no DNS at start-up),
  // kIOError naming it when it cannot be bound.
  static Result<std::unique_ptr<MetricsHttp>> Start(boost::asio::io_context& io,
                                                    const std::string& host,
                                                    uint16_t port,
                                                    Metrics* metrics,
                                                    Engine* engine);
  ~MetricsHttp();
  uint16_t port() const;
  // Closes the listener and every open connection (from their strands,
  // so they are closed once `io` runs the posted closes); idempotent and
  // safe from any thread. The destructor calls it.
  void Stop();

 private:
  struct Impl;
  explicit MetricsHttp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_METRICS_H_
