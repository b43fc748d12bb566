// The workload table and the workloads' bodies: each times every call with
// std::chrono::steady_clock and keeps the whole loop's wall time.
#include "workloads.h"

#include <algorithm>
#include <string>

namespace custdb {
namespace bench {
namespace {

Status WithContext(const Status& s, const std::string& what) {
  return Status(s.code(), what + ": " + s.message());
}

// Customer ids to read, drawn uniformly before the clock starts.
std::vector<uint64_t> RandomCustomerIds(const WorkloadInput& input) {
  Random rng(input.seed);
  std::vector<uint64_t> ids(input.read_ops);
  const uint64_t customers = input.data->customers.size();
  for (uint64_t& id : ids) id = 1 + rng.Below(customers);
  return ids;
}

Status IngestOneByOne(Backend* backend, const WorkloadInput& input,
                      Measurement* out) {
  const std::vector<Order>& orders = input.data->orders;
  LatencyRecorder recorder;
  recorder.Reserve(input.orders_end - input.orders_begin);
  const Clock::time_point begin = Clock::now();
  for (size_t i = input.orders_begin; i < input.orders_end; ++i) {
    const Clock::time_point start = Clock::now();
    Status s = backend->RecordOrder(orders[i]);
    recorder.Record(start, Clock::now());
    if (!s.ok()) {
      return WithContext(s, "order " + std::to_string(orders[i].id));
    }
  }
  out->seconds = Seconds(begin, Clock::now());
  out->ops = input.orders_end - input.orders_begin;
  out->latency = recorder.Summarize();
  return Status::OK();
}

Status GetCustomers(Backend* backend, const WorkloadInput& input,
                    Measurement* out) {
  const std::vector<uint64_t> ids = RandomCustomerIds(input);
  LatencyRecorder recorder;
  recorder.Reserve(ids.size());
  CustomerRecord record;
  uint64_t check = 0;
  const Clock::time_point begin = Clock::now();
  for (uint64_t id : ids) {
    const Clock::time_point start = Clock::now();
    Status s = backend->GetCustomer(id, &record);
    recorder.Record(start, Clock::now());
    if (!s.ok()) return WithContext(s, "customer " + std::to_string(id));
    const Aggregates& a = record.aggregates;
    check += record.profile.id + static_cast<uint64_t>(a.order_count) +
             static_cast<uint64_t>(a.total_spend_minor) +
             static_cast<uint64_t>(a.last_order_ms) +
             std::hash<std::string>()(record.profile.email);
  }
  out->seconds = Seconds(begin, Clock::now());
  out->ops = ids.size();
  out->rows = ids.size();
  out->latency = recorder.Summarize();
  out->check = check;
  return Status::OK();
}

Status ListRecentOrders(Backend* backend, const WorkloadInput& input,
                        Measurement* out) {
  const std::vector<uint64_t> ids = RandomCustomerIds(input);
  LatencyRecorder recorder;
  recorder.Reserve(ids.size());
  std::vector<Order> orders;
  uint64_t check = 0, rows = 0;
  const Clock::time_point begin = Clock::now();
  for (uint64_t id : ids) {
    const Clock::time_point start = Clock::now();
    Status s = backend->RecentOrders(id, kRecentOrdersLimit, &orders);
    recorder.Record(start, Clock::now());
    if (!s.ok()) return WithContext(s, "customer " + std::to_string(id));
    rows += orders.size();
    for (const Order& o : orders) {
      check = check * 31 + o.id + static_cast<uint64_t>(o.amount_minor);
    }
  }
  out->seconds = Seconds(begin, Clock::now());
  out->ops = ids.size();
  out->rows = rows;
  out->latency = recorder.Summarize();
  out->check = check;
  return Status::OK();
}

}  // namespace

Status IngestOrdersBatched(Backend* backend, const WorkloadInput& input,
                           Measurement* out) {
  const std::vector<Order>& orders = input.data->orders;
  const size_t count = input.orders_end - input.orders_begin;
  LatencyRecorder recorder;
  recorder.Reserve(count / kBatchSize + 1);
  const Clock::time_point begin = Clock::now();
  for (size_t i = input.orders_begin; i < input.orders_end; i += kBatchSize) {
    const size_t n = std::min(kBatchSize, input.orders_end - i);
    const Clock::time_point start = Clock::now();
    Status s = backend->RecordOrders(&orders[i], n);
    recorder.Record(start, Clock::now());
    if (!s.ok()) {
      return WithContext(s, "batch at order " + std::to_string(orders[i].id));
    }
  }
  out->seconds = Seconds(begin, Clock::now());
  out->ops = count;
  out->ops_per_call = kBatchSize;
  out->latency = recorder.Summarize();
  return Status::OK();
}

Status LoadCustomers(Backend* backend, const WorkloadInput& input,
                     Measurement* out) {
  const Dataset& data = *input.data;
  const std::vector<Customer>& customers = data.customers;
  LatencyRecorder recorder;
  recorder.Reserve(customers.size() / kBatchSize + 1);
  const Clock::time_point begin = Clock::now();
  Status s = backend->PutChannels(data.channels);
  if (!s.ok()) return WithContext(s, "channels");
  for (size_t i = 0; i < customers.size(); i += kBatchSize) {
    const size_t n = std::min(kBatchSize, customers.size() - i);
    const Clock::time_point start = Clock::now();
    s = backend->CreateCustomers(&customers[i], n);
    recorder.Record(start, Clock::now());
    if (!s.ok()) {
      return WithContext(
          s, "batch at customer " + std::to_string(customers[i].id));
    }
  }
  out->seconds = Seconds(begin, Clock::now());
  out->ops = customers.size();
  out->ops_per_call = kBatchSize;
  out->latency = recorder.Summarize();
  return Status::OK();
}

const std::vector<Workload>& Workloads() {
  static const std::vector<Workload> kWorkloads = {
      {"ingest1", WorkloadKind::kIngest,
       "RecordOrder, one order per write (one commit each)", &IngestOneByOne},
      {"ingest1000", WorkloadKind::kIngest,
       "ApplyBatch of 1,000 orders per write; ops are orders, latency is "
       "per batch",
       &IngestOrdersBatched},
      {"get_customer", WorkloadKind::kRead,
       "GetCustomer (profile + aggregates) of a uniformly random customer",
       &GetCustomers},
      {"recent_orders", WorkloadKind::kRead,
       "ListOrders: the 20 newest orders of a uniformly random customer",
       &ListRecentOrders},
  };
  return kWorkloads;
}

const Workload* FindWorkload(const std::string& name) {
  for (const Workload& w : Workloads()) {
    if (name == w.name) return &w;
  }
  return nullptr;
}

}  // namespace bench
}  // namespace custdb
