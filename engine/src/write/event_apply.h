// The write operations: each checks one event against the database state
// seen through a WriteTxn and, only if every check passes, stages the
// record, the new aggregates, the index entries and the counter deltas.
#ifndef CUSTDB_ENGINE_WRITE_EVENT_APPLY_H_
#define CUSTDB_ENGINE_WRITE_EVENT_APPLY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "channel_registry.h"
#include "custdb/status.h"
#include "custdb/store.h"
#include "write/write_txn.h"

namespace custdb {

struct ApplyContext {
  const ChannelRegistry* channels;
  const std::string* base_currency;
  std::function<int64_t()> now_ms;
};

// `customer` is normalised and field-valid, with its id assigned.
Status ApplyCreateCustomer(const ApplyContext& ctx, const Customer& customer,
                           WriteTxn* txn);
// `patch` is normalised and field-valid.
Status ApplyUpdateCustomer(const ApplyContext& ctx, uint64_t customer_id,
                           const CustomerPatch& patch, WriteTxn* txn);
Status ApplyRecordOrder(const ApplyContext& ctx, const Order& order,
                        WriteTxn* txn);
Status ApplyOrderStatus(const ApplyContext& ctx,
                        const OrderStatusChange& change, WriteTxn* txn);
Status ApplyRefund(const ApplyContext& ctx, const OrderRefund& refund,
                   WriteTxn* txn);
// `interaction` has its id assigned.
Status ApplyRecordInteraction(const ApplyContext& ctx,
                              const Interaction& interaction, WriteTxn* txn);
// Checks the balance under the transaction's policy and time.
Status ApplyRedemption(const ApplyContext& ctx,
                       const LoyaltyRedemption& redemption, WriteTxn* txn);
Status ApplyResolution(const ApplyContext& ctx,
                       const InteractionResolution& resolution, WriteTxn* txn);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_WRITE_EVENT_APPLY_H_
