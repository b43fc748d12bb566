// Metrics: STUB until the server-ops work lands (counts nothing).
#include "server/metrics.h"

namespace custdb {
namespace server {

struct Metrics::Impl {};
Metrics::Metrics() : impl_(new Impl) {}
Metrics::~Metrics() = default;
void Metrics::ConnectionOpened() {}
void Metrics::ConnectionClosed() {}
void Metrics::ConnectionRefused() {}
void Metrics::RecordRequest(wire::Op, StatusCode, int64_t) {}
void Metrics::RecordBadFrame() {}
uint64_t Metrics::open_connections() const { return 0; }
uint64_t Metrics::requests() const { return 0; }
std::string Metrics::Render(const EngineStats*) const { return ""; }

struct MetricsHttp::Impl {};
MetricsHttp::MetricsHttp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetricsHttp::~MetricsHttp() = default;
Result<std::unique_ptr<MetricsHttp>> MetricsHttp::Start(
    boost::asio::io_context&, const std::string&, uint16_t, Metrics*, Engine*) {
  return Status::Internal("metrics: not implemented");
}
uint16_t MetricsHttp::port() const { return 0; }
void MetricsHttp::Stop() {}

}  // namespace server
}  // namespace custdb
