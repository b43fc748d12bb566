// Recomputing a customer's Aggregates from its histories with the write
// path's rules: MergeCustomers builds the survivor's aggregates with it,
// Verify checks every customer's against it.
#ifndef CUSTDB_ENGINE_WRITE_AGGREGATES_REPLAY_H_
#define CUSTDB_ENGINE_WRITE_AGGREGATES_REPLAY_H_

#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {

// Replays one customer's orders and interactions through the write path's
// own rules (aggregate_rules.h), in the order the history column families
// yield them: newest first (descending ts, then descending id). Each
// record is fed in its current state; the rules are additive in a
// record's state, so that equals recording it and applying every change.
//
// Fields whose stored value depends on the order of the writes:
//  - recent_order_ms keeps the kRecentOrders largest ts, whatever the
//    order they arrive in.
//  - first_order_ms: AddOrder takes 0 for "none yet". Fed newest first, an
//    order at ts 0 comes last, so the replay yields the earliest ts, as
//    types.h defines it.
//  - last_nps is the latest by (ts, id), which does not depend on the
//    order interactions are fed in.
//  - loyalty_redeemed is not derived from histories: it is not checked.
class AggregatesReplay {
 public:
  // Requires orders newest first. On spend overflow (which the write path
  // refuses) the replay is failed and further orders are ignored.
  void FeedOrder(const Order& order);
  // Requires interactions newest first.
  void FeedInteraction(const Interaction& interaction);

  const Aggregates& result() const { return aggregates_; }
  // Non-ok if the replay could not be completed.
  const Status& status() const { return status_; }

 private:
  Aggregates aggregates_;
  Status status_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_WRITE_AGGREGATES_REPLAY_H_
