// How each event changes a customer's Aggregates: the one place these rules
// live (definitions in custdb/types.h). Pure functions, no I/O.
#ifndef CUSTDB_ENGINE_TIERING_AGGREGATE_RULES_H_
#define CUSTDB_ENGINE_TIERING_AGGREGATE_RULES_H_

#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {

// Adds a newly recorded order. kInvalidArgument (and *agg unchanged) if the
// customer's spend would overflow.
Status AddOrder(const Order& order, Aggregates* agg);
// Replaces the contribution of `before` by that of `after` (same order,
// changed status or refunded amount). Errors as AddOrder.
Status ChangeOrder(const Order& before, const Order& after, Aggregates* agg);

// What `order` in its current state adds to its customer's
// total_spend_minor (negative for a credit note). Channel-day revenue
// (channel_counters.h) follows it, so revenue sums to spend.
int64_t SpendOf(const Order& order);

// Adds a newly recorded interaction.
void AddInteraction(const Interaction& interaction, Aggregates* agg);
// Replaces the contribution of `before` by that of `after` (resolution).
void ChangeInteraction(const Interaction& before, const Interaction& after,
                       Aggregates* agg);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_TIERING_AGGREGATE_RULES_H_
