// The event loop of one --net cell: connect every AsyncClient, prime each
// with `pipeline` requests, send the next request on a connection as each
// answer arrives, stop when every request is answered.
#include "net_cell.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "custdb/async_client.h"

namespace custdb {
namespace bench {
namespace {

// Beyond the client's own deadlines, before the cell gives up on them.
constexpr int kGraceMs = 5000;

class NetCell {
 public:
  NetCell(const NetCellSpec& spec, NetRow* row)
      : spec_(spec),
        row_(row),
        timer_(io_),
        target_(spec.op == NetOp::kRecordOrder ? spec.orders.size()
                                               : spec.customer_ids.size()),
        starts_(target_) {
    clients_.resize(static_cast<size_t>(spec.connections));
    recorder_.Reserve(target_);
  }

  void Run() {
    Connect();
    io_.run();
    // Every client goes before the io_context it was created on; ready
    // handlers (closing sockets) run once more, and find the cell
    // finished.
    finished_ = true;
    clients_.clear();
    io_.restart();
    io_.poll();
    row_->status = status_;
    if (!status_.ok()) return;
    row_->ops = answered_ok_;
    row_->seconds = Seconds(begin_, end_);
    row_->latency = recorder_.Summarize();
    row_->client_cpu_seconds = cpu_end_ - cpu_begin_;
    if (issued_ < target_) {
      row_->note = "stopped by --net-seconds after " + std::to_string(issued_) +
                   " of " + std::to_string(target_) + " requests";
    }
  }

 private:
  void Connect() {
    ClientOptions options = spec_.client_options;
    options.connections = 1;
    for (size_t c = 0; c < clients_.size(); ++c) {
      AsyncClient::Connect(
          io_, options, [this, c](Result<std::shared_ptr<AsyncClient>> client) {
            OnConnected(c, std::move(client));
          });
    }
    if (finished_) return;  // a connection failed at once
    Arm(options.connect_timeout_ms + kGraceMs, [this] {
      Fail(Status::Unavailable(
          std::to_string(connected_) + " of " +
          std::to_string(clients_.size()) +
          " connections answered within the connect timeout"));
    });
  }

  void OnConnected(size_t c, Result<std::shared_ptr<AsyncClient>> client) {
    if (finished_) return;
    if (!client.ok()) {
      Fail(Status(client.status().code(),
                  "connection " + std::to_string(c) + " to " +
                      spec_.client_options.host + ":" +
                      std::to_string(spec_.client_options.port) + ": " +
                      client.status().message()));
      return;
    }
    clients_[c] = std::move(client).value();
    if (++connected_ < clients_.size()) return;
    timer_.cancel();
    Start();
  }

  void Start() {
    Arm(static_cast<int>(spec_.max_seconds * 1000), [this] {
      stop_sending_ = true;
      Arm(spec_.client_options.request_timeout_ms + kGraceMs, [this] {
        Fail(Status::Unavailable(std::to_string(issued_ - answered_) +
                                 " requests unanswered " +
                                 std::to_string(kGraceMs) +
                                 " ms past the client's request timeout"));
      });
      MaybeFinish();
    });
    cpu_begin_ = ProcessCpuSeconds();
    begin_ = end_ = Clock::now();
    for (int p = 0; p < spec_.pipeline; ++p) {
      for (size_t c = 0; c < clients_.size(); ++c) Send(c);
    }
    MaybeFinish();  // nothing to send at all
  }

  void Send(size_t c) {
    if (finished_ || stop_sending_ || issued_ == target_) return;
    const size_t i = issued_++;
    starts_[i] = Clock::now();
    AsyncClient& client = *clients_[c];
    switch (spec_.op) {
      case NetOp::kGetCustomer:
        client.GetCustomer(
            spec_.customer_ids[i], [this, c, i](Result<CustomerRecord> r) {
              OnAnswer(c, i, Check(i, r, r.ok() ? &*r : nullptr));
            });
        break;
      case NetOp::kViewCustomer:
        client.ViewCustomer(
            spec_.customer_ids[i], [this, c, i](Result<CustomerView> r) {
              OnAnswer(c, i, Check(i, r, r.ok() ? &r->customer : nullptr));
            });
        break;
      case NetOp::kRecordOrder:
        client.RecordOrder(spec_.orders[i], [this, c, i](Status s) {
          OnAnswer(c, i,
                   s.ok()
                       ? s
                       : Status(s.code(),
                                "order " + std::to_string(spec_.orders[i].id) +
                                    ": " + s.message()));
        });
        break;
    }
  }

  template <typename T>
  Status Check(size_t i, const Result<T>& r, const CustomerRecord* record) {
    const uint64_t asked = spec_.customer_ids[i];
    if (!r.ok()) {
      return Status(r.status().code(), "customer " + std::to_string(asked) +
                                           ": " + r.status().message());
    }
    if (record->profile.id != asked) {
      return Status::Internal("asked for customer " + std::to_string(asked) +
                              ", got customer " +
                              std::to_string(record->profile.id));
    }
    return Status::OK();
  }

  void OnAnswer(size_t c, size_t i, const Status& s) {
    if (finished_) return;
    const Clock::time_point now = Clock::now();
    ++answered_;
    end_ = now;
    if (s.ok()) {
      recorder_.Record(starts_[i], now);
      ++answered_ok_;
    } else if (status_.ok()) {
      status_ = s;
      stop_sending_ = true;
    }
    Send(c);
    MaybeFinish();
  }

  void MaybeFinish() {
    if (finished_ || answered_ < issued_) return;
    if (!stop_sending_ && issued_ < target_) return;
    Finish();
  }

  void Fail(Status s) {
    if (finished_) return;
    if (status_.ok()) status_ = std::move(s);
    Finish();
  }

  void Finish() {
    cpu_end_ = ProcessCpuSeconds();
    finished_ = true;
    timer_.cancel();
    io_.stop();
  }

  template <typename Fn>
  void Arm(int ms, Fn fn) {
    timer_.expires_after(std::chrono::milliseconds(ms));
    timer_.async_wait([this, fn](const boost::system::error_code& ec) {
      if (ec || finished_) return;  // cancelled: re-armed or finished
      fn();
    });
  }

  const NetCellSpec& spec_;
  NetRow* row_;
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;  // the phase's watchdog
  // Declared after io_: destroyed (and cleared in Run) before it.
  std::vector<std::shared_ptr<AsyncClient>> clients_;
  const size_t target_;                    // requests to send
  std::vector<Clock::time_point> starts_;  // when request i was sent
  LatencyRecorder recorder_;
  size_t connected_ = 0;
  size_t issued_ = 0;
  size_t answered_ = 0;
  uint64_t answered_ok_ = 0;
  bool stop_sending_ = false;
  bool finished_ = false;
  Status status_;
  Clock::time_point begin_;
  Clock::time_point end_;
  double cpu_begin_ = 0;
  double cpu_end_ = 0;
};

}  // namespace

void RunNetCell(const NetCellSpec& spec, NetRow* row) {
  NetCell cell(spec, row);
  cell.Run();
}

}  // namespace bench
}  // namespace custdb
