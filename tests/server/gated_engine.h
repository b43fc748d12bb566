// GatedEngine: an Engine that forwards every call to a real one, except
// that CompactAll can be held at a gate, so that a test has a long
// operation that runs exactly as long as it wants, and that Rescore calls
// are counted.
#ifndef CUSTDB_TESTS_SERVER_GATED_ENGINE_H_
#define CUSTDB_TESTS_SERVER_GATED_ENGINE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "custdb/engine.h"

namespace custdb {
namespace test {

class GatedEngine : public Engine {
 public:
  explicit GatedEngine(std::unique_ptr<Engine> base) : base_(std::move(base)) {}

  // From now on CompactAll waits until Open() (or the destructor's).
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    gate_open_ = false;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      gate_open_ = true;
    }
    cv_.notify_all();
  }
  // Waits (at most `wait`) until `n` CompactAll calls are held at the gate.
  bool WaitForWaiters(int n, std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, wait, [&] { return waiters_ >= n; });
  }
  int compactions() const { return compactions_.load(); }
  int rescores() const { return rescores_.load(); }

  Status CompactAll() override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++waiters_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return gate_open_; });
      --waiters_;
    }
    ++compactions_;
    return base_->CompactAll();
  }
  Result<RescoreReport> Rescore(const RescoreOptions& options) override {
    ++rescores_;
    return base_->Rescore(options);
  }

  Status PutChannel(const Channel& c) override { return base_->PutChannel(c); }
  Result<Channel> GetChannel(uint64_t id) override {
    return base_->GetChannel(id);
  }
  Result<std::vector<Channel>> ListChannels() override {
    return base_->ListChannels();
  }
  Result<uint64_t> CreateCustomer(const Customer& c) override {
    return base_->CreateCustomer(c);
  }
  Status UpdateCustomer(uint64_t id, const CustomerPatch& p) override {
    return base_->UpdateCustomer(id, p);
  }
  Result<CustomerRecord> GetCustomer(uint64_t id) override {
    return base_->GetCustomer(id);
  }
  Result<CustomerRecord> GetCustomerByCode(const std::string& s) override {
    return base_->GetCustomerByCode(s);
  }
  Result<CustomerRecord> GetCustomerByEmail(const std::string& s) override {
    return base_->GetCustomerByEmail(s);
  }
  Result<CustomerRecord> GetCustomerByPhone(const std::string& s) override {
    return base_->GetCustomerByPhone(s);
  }
  Status RecordOrder(const Order& o) override { return base_->RecordOrder(o); }
  Status UpdateOrderStatus(uint64_t id, OrderStatus s) override {
    return base_->UpdateOrderStatus(id, s);
  }
  Status RefundOrder(uint64_t id, int64_t amount) override {
    return base_->RefundOrder(id, amount);
  }
  Result<Order> GetOrder(uint64_t id) override { return base_->GetOrder(id); }
  Result<Page<Order>> ListOrders(const HistoryQuery& q) override {
    return base_->ListOrders(q);
  }
  Result<uint64_t> RecordInteraction(const Interaction& i) override {
    return base_->RecordInteraction(i);
  }
  Status ResolveInteraction(uint64_t id, int64_t at) override {
    return base_->ResolveInteraction(id, at);
  }
  Result<Interaction> GetInteraction(uint64_t id) override {
    return base_->GetInteraction(id);
  }
  Result<Page<Interaction>> ListInteractions(const HistoryQuery& q) override {
    return base_->ListInteractions(q);
  }
  Status RedeemLoyaltyPoints(uint64_t id, int64_t points) override {
    return base_->RedeemLoyaltyPoints(id, points);
  }
  using Store::ApplyBatch;
  Status ApplyBatch(const std::vector<Event>& events,
                    std::vector<Status>* statuses,
                    std::vector<uint64_t>* ids) override {
    return base_->ApplyBatch(events, statuses, ids);
  }
  Result<TierPolicy> GetPolicy() override { return base_->GetPolicy(); }
  Result<RescoreReport> SetPolicy(const TierPolicy& p,
                                  const ProgressFn& progress) override {
    return base_->SetPolicy(p, progress);
  }
  Result<CustomerPage> FindCustomers(const CustomerQuery& q) override {
    return base_->FindCustomers(q);
  }
  Result<QueryPlan> Explain(const CustomerQuery& q) override {
    return base_->Explain(q);
  }
  Result<ChurnWatch> GetChurnWatch(const ChurnWatchQuery& q) override {
    return base_->GetChurnWatch(q);
  }
  Result<TierSummary> GetTierSummary(const TierSummaryQuery& q) override {
    return base_->GetTierSummary(q);
  }
  Result<ChannelReport> GetChannelReport(const ChannelReportQuery& q) override {
    return base_->GetChannelReport(q);
  }
  Result<CustomerView> ViewCustomer(uint64_t id) override {
    return base_->ViewCustomer(id);
  }
  Status MergeCustomers(uint64_t survivor, uint64_t duplicate) override {
    return base_->MergeCustomers(survivor, duplicate);
  }
  Status EraseCustomer(uint64_t id) override {
    return base_->EraseCustomer(id);
  }

  using Engine::ApplyBatchUnlogged;
  Status ApplyBatchUnlogged(const std::vector<Event>& events,
                            std::vector<Status>* statuses,
                            std::vector<uint64_t>* ids) override {
    return base_->ApplyBatchUnlogged(events, statuses, ids);
  }
  Status Flush() override { return base_->Flush(); }
  Status ReserveCustomerIds(uint64_t through) override {
    return base_->ReserveCustomerIds(through);
  }
  Status Checkpoint(const std::string& dir) override {
    return base_->Checkpoint(dir);
  }
  Result<VerifyReport> Verify(size_t max_problems) override {
    return base_->Verify(max_problems);
  }
  Result<RecordCounts> Counts() override { return base_->Counts(); }
  Result<EngineStats> Stats() override { return base_->Stats(); }
  Status ForEachCustomer(
      const std::function<Status(const CustomerRecord&)>& fn) override {
    return base_->ForEachCustomer(fn);
  }
  const std::string& base_currency() const override {
    return base_->base_currency();
  }

 private:
  std::unique_ptr<Engine> base_;
  std::mutex mu_;  // Guards gate_open_ and waiters_.
  std::condition_variable cv_;
  bool gate_open_ = true;
  int waiters_ = 0;
  std::atomic<int> compactions_{0};
  std::atomic<int> rescores_{0};
};

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SERVER_GATED_ENGINE_H_
