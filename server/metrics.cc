// Metrics: the counters and latency histograms, and their Prometheus text
// exposition (format version 0.0.4).
#include "server/metrics.h"

#include <array>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <string>

namespace custdb {
namespace server {
namespace {

// Slots of the per-op tables: every wire::Op value; slot 0 (NONE) holds
// requests whose operation the server does not know.
constexpr size_t kOps = static_cast<size_t>(wire::Op::MAX) + 1;
constexpr size_t kCodes = static_cast<size_t>(StatusCode::kCancelled) + 1;

// Upper bounds of the latency buckets, in microseconds, and the same in
// seconds as Prometheus' `le` labels: 50 µs (a cached GetCustomer) to 10 s
// (a full report or a rescore batch).
constexpr std::array<int64_t, 17> kBucketMicros = {
    50,    100,    250,    500,    1000,    2500,    5000,    10000,   25000,
    50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
constexpr std::array<const char*, 17> kBucketLe = {
    "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025",
    "0.005",   "0.01",   "0.025",   "0.05",   "0.1",   "0.25",
    "0.5",     "1",      "2.5",     "5",      "10"};
// One slot a bucket (not cumulative) and one for slower requests: the
// count is their sum, so _count and the +Inf bucket always agree.
constexpr size_t kSlots = kBucketMicros.size() + 1;

using Counter = std::atomic<uint64_t>;

struct OpFigures {
  std::array<Counter, kCodes> by_code{};
  std::array<Counter, kSlots> latency{};
  Counter micros_sum{0};
};

uint64_t Load(const Counter& c) { return c.load(std::memory_order_relaxed); }
void Add(Counter& c, uint64_t n = 1) {
  c.fetch_add(n, std::memory_order_relaxed);
}

size_t SlotOf(int64_t micros) {
  for (size_t i = 0; i < kBucketMicros.size(); ++i) {
    if (micros <= kBucketMicros[i]) return i;
  }
  return kBucketMicros.size();
}

std::string OpName(size_t op) {
  if (op == 0) return "unknown";
  return wire::EnumNameOp(static_cast<wire::Op>(op));
}

// A label value with Prometheus' three escapes.
std::string Escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string* out, const char* name, const char* type,
            const char* help) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

void Sample(std::string* out, const std::string& name,
            const std::string& labels, uint64_t value) {
  *out += name;
  if (!labels.empty()) *out += "{" + labels + "}";
  *out += ' ';
  *out += std::to_string(value);
  *out += '\n';
}

// Microseconds as seconds, exactly ("1.000250").
std::string Seconds(uint64_t micros) {
  char text[32];
  std::snprintf(text, sizeof(text), "%" PRIu64 ".%06" PRIu64, micros / 1000000,
                micros % 1000000);
  return text;
}

}  // namespace

struct Metrics::Impl {
  Counter open{0};
  Counter opened{0};
  Counter refused{0};
  Counter bad_frames{0};
  std::array<OpFigures, kOps> ops{};

  void RenderRequests(std::string* out) const;
  void RenderLatency(std::string* out) const;
};

Metrics::Metrics() : impl_(new Impl) {}
Metrics::~Metrics() = default;

void Metrics::ConnectionOpened() {
  Add(impl_->open);
  Add(impl_->opened);
}

void Metrics::ConnectionClosed() {
  impl_->open.fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::ConnectionRefused() { Add(impl_->refused); }

void Metrics::RecordRequest(wire::Op op, StatusCode code, int64_t micros) {
  size_t op_slot = static_cast<size_t>(op);
  if (op_slot >= kOps) op_slot = 0;
  size_t code_slot = static_cast<size_t>(code);
  if (code_slot >= kCodes)
    code_slot = static_cast<size_t>(StatusCode::kInternal);
  if (micros < 0) micros = 0;
  OpFigures& figures = impl_->ops[op_slot];
  Add(figures.by_code[code_slot]);
  Add(figures.latency[SlotOf(micros)]);
  Add(figures.micros_sum, static_cast<uint64_t>(micros));
}

void Metrics::RecordBadFrame() { Add(impl_->bad_frames); }

uint64_t Metrics::open_connections() const { return Load(impl_->open); }

uint64_t Metrics::requests() const {
  uint64_t total = 0;
  for (const OpFigures& figures : impl_->ops) {
    for (const Counter& c : figures.by_code) total += Load(c);
  }
  return total;
}

void Metrics::Impl::RenderRequests(std::string* out) const {
  Header(out, "custdb_requests_total", "counter",
         "Requests answered, by operation and status code.");
  for (size_t op = 0; op < kOps; ++op) {
    for (size_t code = 0; code < kCodes; ++code) {
      const uint64_t n = Load(ops[op].by_code[code]);
      if (n == 0) continue;
      Sample(out, "custdb_requests_total",
             "op=\"" + OpName(op) + "\",code=\"" +
                 StatusCodeName(static_cast<StatusCode>(code)) + "\"",
             n);
    }
  }
}

void Metrics::Impl::RenderLatency(std::string* out) const {
  Header(out, "custdb_request_duration_seconds", "histogram",
         "Time from a request being read to its response being queued.");
  for (size_t op = 0; op < kOps; ++op) {
    std::array<uint64_t, kSlots> slots;
    uint64_t count = 0;
    for (size_t i = 0; i < kSlots; ++i) {
      slots[i] = Load(ops[op].latency[i]);
      count += slots[i];
    }
    if (count == 0) continue;
    const std::string label = "op=\"" + OpName(op) + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBucketLe.size(); ++i) {
      cumulative += slots[i];
      Sample(out, "custdb_request_duration_seconds_bucket",
             label + ",le=\"" + kBucketLe[i] + "\"", cumulative);
    }
    Sample(out, "custdb_request_duration_seconds_bucket",
           label + ",le=\"+Inf\"", count);
    *out += "custdb_request_duration_seconds_sum{" + label + "} " +
            Seconds(Load(ops[op].micros_sum)) + "\n";
    Sample(out, "custdb_request_duration_seconds_count", label, count);
  }
}

namespace {

void RenderEngine(const EngineStats& stats, std::string* out) {
  Header(out, "custdb_records", "gauge",
         "Records in the database, by kind (orders include credit notes).");
  const std::pair<const char*, int64_t> records[] = {
      {"channels", stats.counts.channels},
      {"customers", stats.counts.customers},
      {"orders", stats.counts.orders},
      {"interactions", stats.counts.interactions}};
  for (const auto& [kind, n] : records) {
    Sample(out, "custdb_records", std::string("kind=\"") + kind + "\"",
           static_cast<uint64_t>(n < 0 ? 0 : n));
  }
  struct Figure {
    const char* name;
    const char* help;
    uint64_t ColumnFamilyStats::*value;
  };
  const Figure figures[] = {
      {"custdb_rocksdb_estimated_keys",
       "RocksDB's estimate of the keys in a column family.",
       &ColumnFamilyStats::estimate_num_keys},
      {"custdb_rocksdb_sst_bytes", "Bytes of a column family's SST files.",
       &ColumnFamilyStats::sst_bytes},
      {"custdb_rocksdb_memtable_bytes", "Bytes of a column family's memtables.",
       &ColumnFamilyStats::memtable_bytes},
      {"custdb_rocksdb_sst_files", "SST files of a column family.",
       &ColumnFamilyStats::num_files},
  };
  for (const Figure& f : figures) {
    Header(out, f.name, "gauge", f.help);
    for (const ColumnFamilyStats& cf : stats.column_families) {
      Sample(out, f.name, "cf=\"" + Escaped(cf.name) + "\"", cf.*(f.value));
    }
  }
}

}  // namespace

std::string Metrics::Render(const EngineStats* stats) const {
  std::string out;
  out.reserve(8192);
  Header(&out, "custdb_connections_open", "gauge", "Client connections open.");
  Sample(&out, "custdb_connections_open", "", Load(impl_->open));
  Header(&out, "custdb_connections_total", "counter",
         "Client connections accepted.");
  Sample(&out, "custdb_connections_total", "", Load(impl_->opened));
  Header(&out, "custdb_connections_refused_total", "counter",
         "Client connections refused (over max_connections).");
  Sample(&out, "custdb_connections_refused_total", "", Load(impl_->refused));
  Header(&out, "custdb_bad_frames_total", "counter",
         "Frames that could not be read: too big, unverifiable, or before "
         "Hello.");
  Sample(&out, "custdb_bad_frames_total", "", Load(impl_->bad_frames));
  impl_->RenderRequests(&out);
  impl_->RenderLatency(&out);
  if (stats != nullptr) RenderEngine(*stats, &out);
  return out;
}

}  // namespace server
}  // namespace custdb
