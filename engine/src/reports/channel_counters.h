// How orders and interactions feed ChannelReport (custdb/reports.h): the
// counters of each (channel, day) and the complaint resolve-time entries. Pure
// functions, no I/O: the write path (event_apply.cc) applies them to each
// event, and Verify to every stored record, so the rules live here only.
//
// Every counter is a function of stored state, not of the order writes
// arrive in, so Verify can recompute it:
//  - an order adds, at (its channel, the day of its ts): revenue = what it
//    adds to its customer's spend now (aggregate_rules.h SpendOf: paid,
//    completed or refunded sale orders net of refunds, minus credit
//    notes); orders = 1 for a sale order, whatever its status;
//  - a buyer-day is a (channel, day, customer) with at least one sale
//    order: buying_customers = 1, and new_customers = 1 if the day is the
//    customer's first day with a sale order (any channel), else
//    repeat_customers = 1 (so new + repeat = buying);
//  - a sale order of a customer owned by another channel adds
//    cross_channel_in at (its channel, day) and cross_channel_out at
//    (owner, day); the owner is the customer's current one;
//  - an interaction with a channel adds, at the day of its ts,
//    interactions = 1, complaints_opened for a complaint, satisfaction
//    sum/count, and NPS promoter (9-10) / passive (7-8) / detractor (0-6);
//    a resolved complaint adds complaints_resolved at the day of
//    resolved_at and a resolve-time entry. Interactions without a channel
//    (channel_id 0) count nowhere.
#ifndef CUSTDB_ENGINE_REPORTS_CHANNEL_COUNTERS_H_
#define CUSTDB_ENGINE_REPORTS_CHANNEL_COUNTERS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "custdb/types.h"
#include "storage/keys.h"
#include "tiering/derive.h"  // kDayMs

namespace custdb {

// Midnight UTC of the day that holds `ts_ms` (floor, also for negatives).
int64_t DayOf(int64_t ts_ms);

// Counter deltas by (channel_id, day_ms), each a CounterVec of
// keys::ChannelDaySlot; the map orders entries as their keys sort.
using ChannelDayDeltas =
    std::map<std::pair<uint64_t, int64_t>, keys::CounterVec>;
void AddSlot(ChannelDayDeltas* out, uint64_t channel_id, int64_t day_ms,
             keys::ChannelDaySlot slot, int64_t delta);
// Adds `deltas` into *out, dropping entries that become all zero.
void AddDeltas(ChannelDayDeltas* out, const ChannelDayDeltas& deltas);

// The part of an order's contribution that depends on the order alone
// (revenue, orders), times `sign` (+1 to add, -1 to remove).
void AddOrderState(const Order& order, int sign, ChannelDayDeltas* out);

// One buyer-day (channel, day) of a customer whose first day with a sale
// order is `first_day_ms`, times `sign`.
void AddBuyerDay(uint64_t channel_id, int64_t day_ms, int64_t first_day_ms,
                 int sign, ChannelDayDeltas* out);

// A sale order through `channel_id` on `day_ms` by a customer owned by
// `owner_channel_id` (0: no owner), times `sign`.
void AddCrossChannel(uint64_t channel_id, int64_t day_ms,
                     uint64_t owner_channel_id, int sign,
                     ChannelDayDeltas* out);

// An interaction's contribution in its current state, times `sign`.
void AddInteractionState(const Interaction& interaction, int sign,
                         ChannelDayDeltas* out);

// The resolve-time entry (tier_index CF) a resolved complaint with a
// channel has; none otherwise.
std::optional<std::string> ResolveTimeEntry(const Interaction& interaction);

// Everything one customer's records contribute to channel reports, times
// `sign`: the counters, and the resolve-time entries (tier_index keys) it
// holds. Verify recomputes with it; erase (-1) and merge (-1 for both
// customers, +1 for the merged one) apply it.
struct ChannelContribution {
  ChannelDayDeltas counters;
  std::vector<std::string> resolve_times;
};
ChannelContribution ContributionOf(uint64_t owner_channel_id,
                                   const std::vector<Order>& orders,
                                   const std::vector<Interaction>& interactions,
                                   int sign);

// The value of `slot` in `counters` (0 when absent).
int64_t SlotValue(const keys::CounterVec& counters, uint16_t slot);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_REPORTS_CHANNEL_COUNTERS_H_
