// custdb as a benchmark backend: any Store, and the embedded Engine.
#include <memory>
#include <string>
#include <utility>

#include "backend.h"
#include "custdb/engine.h"
#include "dataset.h"

namespace custdb {
namespace bench {
namespace {

class StoreBackend : public Backend {
 public:
  explicit StoreBackend(std::shared_ptr<Store> store)
      : store_(std::move(store)) {}

  Result<std::unique_ptr<Backend>> NewClient() override {
    return std::unique_ptr<Backend>(std::make_unique<StoreBackend>(store_));
  }

  Status PutChannels(const std::vector<Channel>& channels) override {
    // Parents come before children in the data set, so one call each is
    // enough; channels are few.
    for (const Channel& c : channels) {
      Status s = store_->PutChannel(c);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  Status CreateCustomers(const Customer* customers, size_t count) override {
    events_.clear();
    for (size_t i = 0; i < count; ++i) events_.emplace_back(customers[i]);
    return ApplyEvents();
  }

  Status RecordOrder(const Order& order) override {
    return store_->RecordOrder(order);
  }

  // Converting to Events is part of what a caller of ApplyBatch pays, so it
  // is inside the timed region.
  Status RecordOrders(const Order* orders, size_t count) override {
    events_.clear();
    for (size_t i = 0; i < count; ++i) events_.emplace_back(orders[i]);
    return ApplyEvents();
  }

  Status RecordInteractions(const Interaction* interactions,
                            size_t count) override {
    events_.clear();
    for (size_t i = 0; i < count; ++i) events_.emplace_back(interactions[i]);
    return ApplyEvents();
  }

  Status GetCustomer(uint64_t customer_id, CustomerRecord* out) override {
    Result<CustomerRecord> r = store_->GetCustomer(customer_id);
    if (!r.ok()) return r.status();
    *out = std::move(r).value();
    return Status::OK();
  }

  Status RecentOrders(uint64_t customer_id, uint32_t limit,
                      std::vector<Order>* out) override {
    HistoryQuery query;
    query.customer_id = customer_id;
    query.limit = limit;
    Result<Page<Order>> r = store_->ListOrders(query);
    if (!r.ok()) return r.status();
    out->swap(r->items);
    return Status::OK();
  }

  Status GetTierSummary(TierSummary* out) override {
    TierSummaryQuery query;
    query.by = SummaryGroup::kTier;
    return Assign(store_->GetTierSummary(query), out);
  }

  Status TopBySpend(const TopSpendQuery& q,
                    std::vector<CustomerRecord>* out) override {
    CustomerQuery query;
    query.tiers = {q.tier};
    query.owner_channel_id = q.owner_channel_id;
    query.order = CustomerOrder::kSpendDesc;
    query.limit = q.limit;
    Result<CustomerPage> r = store_->FindCustomers(query);
    if (!r.ok()) return r.status();
    out->swap(r->customers);
    return Status::OK();
  }

  Status GetChurnWatch(const ChurnWatchQuery& query, ChurnWatch* out) override {
    return Assign(store_->GetChurnWatch(query), out);
  }

  Status GetChannelReport(int64_t from_ms, int64_t to_ms,
                          ChannelReport* out) override {
    ChannelReportQuery query;
    query.channel_id = 0;  // every channel
    // Each channel's own events, as SQLite's GROUP BY channel_id counts
    // them, not its subtree's.
    query.include_subtree = false;
    query.from_ms = from_ms;
    query.to_ms = to_ms;
    query.by_day = false;
    return Assign(store_->GetChannelReport(query), out);
  }

  Status Rescore(int64_t as_of_ms, bool full, RescoreReport* out) override {
    RescoreOptions options;
    options.as_of_ms = as_of_ms;
    options.full = full;
    // The bench's clock stands at the data's end and its one-day rescores
    // walk past it, as time passing would (SQLite has no such check).
    options.force = true;
    return Assign(store_->Rescore(options), out);
  }

 private:
  template <typename T>
  static Status Assign(Result<T> r, T* out) {
    if (!r.ok()) return r.status();
    *out = std::move(r).value();
    return Status::OK();
  }

  Status ApplyEvents() {
    Status s = store_->ApplyBatch(events_, &statuses_);
    if (!s.ok()) return s;
    for (size_t i = 0; i < statuses_.size(); ++i) {
      if (!statuses_[i].ok()) {
        return Status(statuses_[i].code(),
                      "event " + std::to_string(i) +
                          " of the batch: " + statuses_[i].message());
      }
    }
    return Status::OK();
  }

  std::shared_ptr<Store> store_;  // shared with this backend's clients
  std::vector<Event> events_;     // reused between batches
  std::vector<Status> statuses_;
};

}  // namespace

std::unique_ptr<Backend> MakeStoreBackend(std::unique_ptr<Store> store) {
  return std::make_unique<StoreBackend>(std::move(store));
}

Result<std::unique_ptr<Backend>> OpenCustdbBackend(
    const BackendConfig& config) {
  Options options;  // defaults: WAL on, sync off
  options.path = config.dir;
  // Derived attributes are computed at write time as of the clock; the
  // data set's clock stands at its end, so that they and the as_of of the
  // tiering workloads refer to the same time.
  options.clock_ms = [] { return kDataEndMs; };
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) return engine.status();
  return MakeStoreBackend(std::move(engine).value());
}

}  // namespace bench
}  // namespace custdb
