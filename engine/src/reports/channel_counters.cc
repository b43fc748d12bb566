// Channel-day counter rules; see channel_counters.h.
#include "reports/channel_counters.h"

#include <algorithm>

#include "tiering/aggregate_rules.h"

namespace custdb {

using keys::ChannelDaySlot;

int64_t DayOf(int64_t ts_ms) {
  int64_t rem = ts_ms % kDayMs;
  if (rem < 0) rem += kDayMs;
  return ts_ms - rem;
}

void AddSlot(ChannelDayDeltas* out, uint64_t channel_id, int64_t day_ms,
             ChannelDaySlot slot, int64_t delta) {
  if (delta == 0) return;
  // In place: this runs several times for every order on the write path.
  auto key = std::make_pair(channel_id, day_ms);
  keys::CounterVec& vec = (*out)[key];
  auto it = std::lower_bound(vec.begin(), vec.end(), slot,
                             [](const std::pair<uint16_t, int64_t>& e,
                                uint16_t s) { return e.first < s; });
  if (it == vec.end() || it->first != slot) {
    vec.insert(it, {slot, delta});
    return;
  }
  // Wrapping, as the merge operator adds.
  it->second = static_cast<int64_t>(static_cast<uint64_t>(it->second) +
                                    static_cast<uint64_t>(delta));
  if (it->second == 0) vec.erase(it);
  if (vec.empty()) out->erase(key);
}

void AddDeltas(ChannelDayDeltas* out, const ChannelDayDeltas& deltas) {
  for (const auto& [key, vec] : deltas) {
    keys::CounterVec& sum = (*out)[key];
    keys::AddCounterVec(&sum, vec);
    if (sum.empty()) out->erase(key);
  }
}

void AddOrderState(const Order& order, int sign, ChannelDayDeltas* out) {
  const int64_t day = DayOf(order.ts_ms);
  // Wrapping, as the counters add: a revenue counter cannot fail a write
  // that the customer's (checked) spend accepted.
  const int64_t revenue = static_cast<int64_t>(
      static_cast<uint64_t>(SpendOf(order)) * static_cast<uint64_t>(sign));
  AddSlot(out, order.channel_id, day, keys::kDayRevenue, revenue);
  if (order.kind == OrderKind::kSale) {
    AddSlot(out, order.channel_id, day, keys::kDayOrders, sign);
  }
}

void AddBuyerDay(uint64_t channel_id, int64_t day_ms, int64_t first_day_ms,
                 int sign, ChannelDayDeltas* out) {
  AddSlot(out, channel_id, day_ms, keys::kDayBuyingCustomers, sign);
  AddSlot(out, channel_id, day_ms,
          day_ms == first_day_ms ? keys::kDayNewCustomers
                                 : keys::kDayRepeatCustomers,
          sign);
}

void AddCrossChannel(uint64_t channel_id, int64_t day_ms,
                     uint64_t owner_channel_id, int sign,
                     ChannelDayDeltas* out) {
  if (owner_channel_id == 0 || owner_channel_id == channel_id) return;
  AddSlot(out, channel_id, day_ms, keys::kDayCrossChannelIn, sign);
  AddSlot(out, owner_channel_id, day_ms, keys::kDayCrossChannelOut, sign);
}

void AddInteractionState(const Interaction& i, int sign,
                         ChannelDayDeltas* out) {
  if (i.channel_id == 0) return;
  const uint64_t ch = i.channel_id;
  const int64_t day = DayOf(i.ts_ms);
  AddSlot(out, ch, day, keys::kDayInteractions, sign);
  if (i.satisfaction) {
    AddSlot(out, ch, day, keys::kDaySatisfactionSum, sign * *i.satisfaction);
    AddSlot(out, ch, day, keys::kDaySatisfactionCount, sign);
  }
  if (i.nps) {
    const ChannelDaySlot bucket = *i.nps >= 9   ? keys::kDayPromoters
                                  : *i.nps >= 7 ? keys::kDayPassives
                                                : keys::kDayDetractors;
    AddSlot(out, ch, day, bucket, sign);
  }
  if (i.kind != InteractionKind::kComplaint) return;
  AddSlot(out, ch, day, keys::kDayComplaintsOpened, sign);
  if (i.resolved_at_ms) {
    AddSlot(out, ch, DayOf(*i.resolved_at_ms), keys::kDayComplaintsResolved,
            sign);
  }
}

std::optional<std::string> ResolveTimeEntry(const Interaction& i) {
  if (i.channel_id == 0 || i.kind != InteractionKind::kComplaint ||
      !i.resolved_at_ms) {
    return std::nullopt;
  }
  return keys::ResolveTimeKey(i.channel_id, DayOf(*i.resolved_at_ms),
                              *i.resolved_at_ms - i.ts_ms, i.id);
}

int64_t SlotValue(const keys::CounterVec& counters, uint16_t slot) {
  for (const auto& [s, v] : counters) {
    if (s == slot) return v;
  }
  return 0;
}

ChannelContribution ContributionOf(uint64_t owner_channel_id,
                                   const std::vector<Order>& orders,
                                   const std::vector<Interaction>& interactions,
                                   int sign) {
  ChannelContribution c;
  std::vector<std::pair<uint64_t, int64_t>> sales;
  for (const Order& order : orders) {
    AddOrderState(order, sign, &c.counters);
    if (order.kind == OrderKind::kSale) {
      sales.emplace_back(order.channel_id, DayOf(order.ts_ms));
    }
  }
  for (const Interaction& interaction : interactions) {
    AddInteractionState(interaction, sign, &c.counters);
    if (auto entry = ResolveTimeEntry(interaction)) {
      c.resolve_times.push_back(std::move(*entry));
    }
  }
  if (sales.empty()) return c;
  int64_t first_day = sales.front().second;
  for (const auto& [channel, day] : sales) {
    first_day = std::min(first_day, day);
    AddCrossChannel(channel, day, owner_channel_id, sign, &c.counters);
  }
  std::sort(sales.begin(), sales.end());
  sales.erase(std::unique(sales.begin(), sales.end()), sales.end());
  for (const auto& [channel, day] : sales) {
    AddBuyerDay(channel, day, first_day, sign, &c.counters);
  }
  return c;
}

}  // namespace custdb
