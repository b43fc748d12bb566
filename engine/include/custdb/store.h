// Store: the one custdb API, implemented in-process by Engine and over TCP
// by Client. Every method is safe to call from many threads at once.
//
// Every method returns a Status (or Result<T>): kInvalidArgument names the
// field and value at fault; a failed write changes nothing.
#ifndef CUSTDB_STORE_H_
#define CUSTDB_STORE_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "custdb/policy.h"
#include "custdb/query.h"
#include "custdb/reports.h"
#include "custdb/rescore.h"
#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {

// A page of a customer's history, newest first. Returns orders or
// interactions with from_ms <= ts_ms < to_ms.
struct HistoryQuery {
  uint64_t customer_id = 0;
  int64_t from_ms = INT64_MIN;
  int64_t to_ms = INT64_MAX;
  uint32_t limit = 100;  // 1..kMaxHistoryLimit
  // Empty for the first page; else the next_cursor of the previous page of
  // the same query (kInvalidArgument for a cursor of another query).
  std::string cursor;
};
constexpr uint32_t kMaxHistoryLimit = 10000;

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // empty when there is nothing more
};

// Events accepted by ApplyBatch.
struct OrderStatusChange {
  uint64_t order_id = 0;
  OrderStatus status = OrderStatus::kCompleted;
};
struct OrderRefund {
  uint64_t order_id = 0;
  int64_t amount_minor = 0;  // > 0, at most what is left to refund
};
struct InteractionResolution {
  uint64_t interaction_id = 0;
  int64_t resolved_at_ms = 0;
};
// Spends loyalty points of a customer (see RedeemLoyaltyPoints).
struct LoyaltyRedemption {
  uint64_t customer_id = 0;
  int64_t points = 0;  // > 0, at most the balance
};
using Event =
    std::variant<Customer, Order, Interaction, OrderStatusChange, OrderRefund,
                 InteractionResolution, LoyaltyRedemption>;

class Store {
 public:
  virtual ~Store() = default;

  // --- Channels ---------------------------------------------------------
  // Creates or replaces a channel. kInvalidArgument for a bad field, an
  // unknown parent or a parent chain that would form a cycle.
  virtual Status PutChannel(const Channel& channel) = 0;
  // kNotFound if there is no such channel.
  virtual Result<Channel> GetChannel(uint64_t channel_id) = 0;
  // Every channel, by id.
  virtual Result<std::vector<Channel>> ListChannels() = 0;

  // --- Customers --------------------------------------------------------
  // Creates a customer and returns its id (the given one, or a new one when
  // customer.id is 0). kAlreadyExists if the id, code, email or phone is
  // taken (the message names the customer that holds it); kInvalidArgument
  // for a bad field or an unknown channel id.
  virtual Result<uint64_t> CreateCustomer(const Customer& customer) = 0;
  // Changes the fields set in `patch`; same errors as CreateCustomer, and
  // kNotFound for an unknown id.
  virtual Status UpdateCustomer(uint64_t customer_id,
                                const CustomerPatch& patch) = 0;
  // kNotFound if absent. Email and phone are normalised before the lookup.
  virtual Result<CustomerRecord> GetCustomer(uint64_t customer_id) = 0;
  virtual Result<CustomerRecord> GetCustomerByCode(const std::string& code) = 0;
  virtual Result<CustomerRecord> GetCustomerByEmail(
      const std::string& email) = 0;
  virtual Result<CustomerRecord> GetCustomerByPhone(
      const std::string& phone) = 0;

  // --- Orders -----------------------------------------------------------
  // Records `order` and updates its customer's aggregates in one atomic
  // write. kAlreadyExists if the order id exists (nothing changes),
  // kNotFound if the customer does not, kInvalidArgument naming the field
  // for a malformed order or a currency other than the base currency.
  virtual Status RecordOrder(const Order& order) = 0;
  // Moves a sale order along placed -> paid -> completed; placed or paid ->
  // cancelled; paid or completed -> refunded (refunds what is left).
  // kNotFound for an unknown order, kFailedPrecondition for any other
  // transition.
  virtual Status UpdateOrderStatus(uint64_t order_id, OrderStatus status) = 0;
  // Refunds part or all of a paid or completed sale order; reaching the
  // full amount sets status refunded. kInvalidArgument if amount_minor is
  // not positive or exceeds what is left; kFailedPrecondition for an order
  // in another status.
  virtual Status RefundOrder(uint64_t order_id, int64_t amount_minor) = 0;
  // kNotFound if absent.
  virtual Result<Order> GetOrder(uint64_t order_id) = 0;
  // kNotFound if the customer does not exist.
  virtual Result<Page<Order>> ListOrders(const HistoryQuery& query) = 0;

  // --- Interactions -----------------------------------------------------
  // Records an interaction and returns its id (assigned when id is 0).
  // Errors as RecordOrder.
  virtual Result<uint64_t> RecordInteraction(
      const Interaction& interaction) = 0;
  // Closes a complaint or ticket. kFailedPrecondition if it is another kind
  // or already resolved; kInvalidArgument if resolved_at_ms < its ts.
  virtual Status ResolveInteraction(uint64_t interaction_id,
                                    int64_t resolved_at_ms) = 0;
  virtual Result<Interaction> GetInteraction(uint64_t interaction_id) = 0;
  virtual Result<Page<Interaction>> ListInteractions(
      const HistoryQuery& query) = 0;

  // --- Loyalty ----------------------------------------------------------
  // Spends `points` of the customer's balance (Derived::loyalty_points:
  // earned by completed spend under the policy, less what was redeemed).
  // kInvalidArgument if points is not positive, kFailedPrecondition if it
  // exceeds the balance (the message names both), kNotFound for an unknown
  // customer; nothing changes then.
  virtual Status RedeemLoyaltyPoints(uint64_t customer_id, int64_t points) = 0;

  // --- Batch ingest -----------------------------------------------------
  // Applies each event as the single-event call would, in order, and
  // commits every successful one in one atomic write. `statuses` receives
  // one Status per event; a failed event writes nothing and does not stop
  // the others. `ids` (may be null) receives one id per event: the id of the
  // customer created or the interaction recorded (assigned or given), 0 for
  // other events and failed ones. Returns non-ok only if the commit itself
  // failed (then nothing was written).
  virtual Status ApplyBatch(const std::vector<Event>& events,
                            std::vector<Status>* statuses,
                            std::vector<uint64_t>* ids) = 0;
  Status ApplyBatch(const std::vector<Event>& events,
                    std::vector<Status>* statuses) {
    return ApplyBatch(events, statuses, nullptr);
  }

  // --- Tier policy and time ---------------------------------------------
  // The stored policy (DefaultPolicy() version 1 in a new database).
  virtual Result<TierPolicy> GetPolicy() = 0;
  // Validates `policy`, stores it as the next version (exactly one per
  // call) and re-derives every customer under it (a full rescore at the
  // database time, rescore.h, reporting progress). A quantile policy is
  // stored with the breakpoints the rescore computes from the buyers
  // (quantiles.h has the rule); with no buyer yet, with the breakpoints
  // given, which stand until a full rescore finds buyers. kInvalidArgument
  // listing every problem of an invalid policy; nothing changes then.
  virtual Result<RescoreReport> SetPolicy(const TierPolicy& policy,
                                          const ProgressFn& progress) = 0;
  // Brings every customer's derived attributes up to options.as_of_ms and
  // sets the database time to it. Writes derive at the database time. The
  // time model, and what is refused: rescore.h, "Database time".
  virtual Result<RescoreReport> Rescore(const RescoreOptions& options) = 0;

  // --- Queries and reports (query.h, reports.h) ------------------------
  // One page of the customers that pass every filter of `query`, in its
  // order, with the plan that found them. kInvalidArgument naming the field
  // and value for a limit outside 1..kMaxQueryLimit, a segment name the
  // current policy lacks, min above max (spend, orders), active_since_ms
  // not before inactive_since_ms, an unknown tier, stage or order, or a
  // cursor of another query; kNotFound for an unknown owner_channel_id.
  virtual Result<CustomerPage> FindCustomers(const CustomerQuery& query) = 0;
  // Runs the query and returns only its plan, with keys examined. Errors as
  // FindCustomers.
  virtual Result<QueryPlan> Explain(const CustomerQuery& query) = 0;
  // See ChurnWatch in reports.h for the definition and the errors.
  virtual Result<ChurnWatch> GetChurnWatch(const ChurnWatchQuery& query) = 0;
  // From counters only. kInvalidArgument for an unknown query.by or
  // query.split_by, kNotFound for an unknown owner_channel_id (reports.h).
  virtual Result<TierSummary> GetTierSummary(const TierSummaryQuery& query) = 0;
  // Revenue, orders, customers, interactions and service figures per
  // channel (and day) from counters; see reports.h for the definitions.
  // kInvalidArgument if query.from_ms >= query.to_ms, kNotFound for an
  // unknown query.channel_id.
  virtual Result<ChannelReport> GetChannelReport(
      const ChannelReportQuery& query) = 0;
  // The customer with its 20 newest orders and interactions (reports.h).
  // kNotFound if the customer does not exist.
  virtual Result<CustomerView> ViewCustomer(uint64_t customer_id) = 0;

  // --- Merge and erasure -------------------------------------------------
  // Moves the duplicate's orders and interactions to the survivor,
  // recomputes the survivor's aggregates and derived attributes, re-points
  // the duplicate's code, email and phone to the survivor (where the
  // survivor has none), and makes lookups of the duplicate's id resolve to
  // the survivor; one atomic write. kNotFound for an unknown id,
  // kInvalidArgument if they are the same customer.
  virtual Status MergeCustomers(uint64_t survivor_id,
                                uint64_t duplicate_id) = 0;
  // Removes the customer's profile, aggregates, histories, index entries
  // and counter contributions in one atomic write, leaving an audit entry
  // without personal data (id and time of erasure). kNotFound if absent.
  virtual Status EraseCustomer(uint64_t customer_id) = 0;
};

}  // namespace custdb

#endif  // CUSTDB_STORE_H_
