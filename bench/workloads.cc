// The workload table and the workloads' bodies: each times every call with
// std::chrono::steady_clock and keeps the whole loop's wall time.
#include "workloads.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>

#include "tiering_workloads.h"

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

// Runs body(client, t, recorder) for t in [0, input.threads): on the
// calling thread when there is one, else on a thread each, client 0 being
// `backend` and the others connected before the clock starts. Each thread
// records into its own recorder, merged after the join. Sets out->seconds
// (wall time of all threads), out->latency and out->threads.
template <typename Body>
Status RunClients(Backend* backend, const WorkloadInput& input,
                  size_t calls_per_thread, Body body, Measurement* out) {
  const size_t threads = std::max<size_t>(input.threads, 1);
  std::vector<std::unique_ptr<Backend>> owned;
  std::vector<Backend*> clients = {backend};
  for (size_t t = 1; t < threads; ++t) {
    Result<std::unique_ptr<Backend>> client = backend->NewClient();
    if (!client.ok()) {
      return WithContext(client.status(), "client " + std::to_string(t));
    }
    owned.push_back(std::move(client).value());
    clients.push_back(owned.back().get());
  }
  std::vector<LatencyRecorder> recorders(threads);
  for (LatencyRecorder& r : recorders) r.Reserve(calls_per_thread);
  std::vector<Status> statuses(threads);
  const Clock::time_point begin = Clock::now();
  if (threads == 1) {
    statuses[0] = body(backend, 0, &recorders[0]);
  } else {
    std::vector<std::thread> workers;
    for (size_t t = 0; t < threads; ++t) {
      workers.emplace_back(
          [&, t] { statuses[t] = body(clients[t], t, &recorders[t]); });
    }
    for (std::thread& w : workers) w.join();
  }
  out->seconds = Seconds(begin, Clock::now());
  for (size_t t = 0; t < threads; ++t) {
    if (!statuses[t].ok()) {
      return threads == 1 ? statuses[t]
                          : WithContext(statuses[t],
                                        "client thread " + std::to_string(t));
    }
    if (t > 0) recorders[0].Merge(recorders[t]);
  }
  out->latency = recorders[0].Summarize();
  out->threads = threads;
  return Status::OK();
}

// Thread t records orders begin + t, begin + t + threads, ...: each thread
// still writes in time order.
Status IngestOneByOne(Backend* backend, const WorkloadInput& input,
                      Measurement* out) {
  const std::vector<Order>& orders = input.data->orders;
  const size_t count = input.orders_end - input.orders_begin;
  const size_t step = std::max<size_t>(input.threads, 1);
  auto body = [&](Backend* client, size_t t,
                  LatencyRecorder* recorder) -> Status {
    for (size_t i = input.orders_begin + t; i < input.orders_end; i += step) {
      const Clock::time_point start = Clock::now();
      Status s = client->RecordOrder(orders[i]);
      recorder->Record(start, Clock::now());
      if (!s.ok()) {
        return WithContext(s, "order " + std::to_string(orders[i].id));
      }
    }
    return Status::OK();
  };
  out->ops = count;
  return RunClients(backend, input, count / step + 1, body, out);
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
    // The interactions' share of the aggregates.
    check = check * 31 + static_cast<uint64_t>(a.last_activity_ms) +
            static_cast<uint64_t>(a.interaction_count) +
            static_cast<uint64_t>(a.complaint_count) * 3 +
            static_cast<uint64_t>(a.open_complaint_count) * 5 +
            static_cast<uint64_t>(a.satisfaction_sum) * 7 +
            static_cast<uint64_t>(a.satisfaction_count) * 11 +
            static_cast<uint64_t>(a.last_nps) * 13;
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
  const size_t step = std::max<size_t>(input.threads, 1) * kBatchSize;
  auto body = [&](Backend* client, size_t t,
                  LatencyRecorder* recorder) -> Status {
    for (size_t i = input.orders_begin + t * kBatchSize; i < input.orders_end;
         i += step) {
      const size_t n = std::min(kBatchSize, input.orders_end - i);
      const Clock::time_point start = Clock::now();
      Status s = client->RecordOrders(&orders[i], n);
      recorder->Record(start, Clock::now());
      if (!s.ok()) {
        return WithContext(s, "batch at order " + std::to_string(orders[i].id));
      }
    }
    return Status::OK();
  };
  out->ops = count;
  out->ops_per_call = kBatchSize;
  return RunClients(backend, input, count / step + 1, body, out);
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

Status LoadInteractions(Backend* backend, const WorkloadInput& input,
                        Measurement* out) {
  const std::vector<Interaction>& interactions = input.data->interactions;
  LatencyRecorder recorder;
  recorder.Reserve(interactions.size() / kBatchSize + 1);
  const Clock::time_point begin = Clock::now();
  for (size_t i = 0; i < interactions.size(); i += kBatchSize) {
    const size_t n = std::min(kBatchSize, interactions.size() - i);
    const Clock::time_point start = Clock::now();
    Status s = backend->RecordInteractions(&interactions[i], n);
    recorder.Record(start, Clock::now());
    if (!s.ok()) {
      return WithContext(
          s, "batch at interaction " + std::to_string(interactions[i].id));
    }
  }
  out->seconds = Seconds(begin, Clock::now());
  out->ops = interactions.size();
  out->ops_per_call = kBatchSize;
  out->latency = recorder.Summarize();
  return Status::OK();
}

const std::vector<Workload>& Workloads() {
  static const std::vector<Workload> kWorkloads = {
      {"ingest1", WorkloadKind::kIngest,
       "RecordOrder, one order per write (one commit each)", &IngestOneByOne,
       0},
      {"ingest1000", WorkloadKind::kIngest,
       "ApplyBatch of 1,000 orders per write; ops are orders, latency is "
       "per batch",
       &IngestOrdersBatched, 0},
      {"get_customer", WorkloadKind::kRead,
       "GetCustomer (profile + aggregates) of a uniformly random customer",
       &GetCustomers, 0},
      {"recent_orders", WorkloadKind::kRead,
       "ListOrders: the 20 newest orders of a uniformly random customer",
       &ListRecentOrders, 0},
      {"tier_summary", WorkloadKind::kRead,
       "GetTierSummary by tier: customers and spend per value tier",
       &RunTierSummary, 100},
      {"top100", WorkloadKind::kRead,
       "FindCustomers: the top 100 high-tier customers by spend of a random "
       "owner channel",
       &RunTop100, 2000},
      {"churn_watch", WorkloadKind::kRead,
       "GetChurnWatch: high and medium customers idle for 90 days, count "
       "and first 1,000 by spend",
       &RunChurnWatch, 20},
      {"channel_report", WorkloadKind::kRead,
       "GetChannelReport: one month's totals for every channel",
       &RunChannelReport, 20},
      {"rescore_full", WorkloadKind::kRead,
       "Rescore (full) of every customer as of the end of the data",
       &RunRescoreFull, 1},
      {"rescore_day", WorkloadKind::kRead,
       "Rescore a day later, for 7 days in a row, after an untimed full "
       "one (SQLite: its full NTILE rescoring each day)",
       &RunRescoreDay, 7},
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
