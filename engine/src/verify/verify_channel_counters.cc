// Channel-day counters and resolve-time entries against
// the records; see verify_channel_counters.h.
#include "verify/verify_channel_counters.h"

#include <algorithm>
#include <memory>

#include "custdb/time_format.h"
#include "storage/keys.h"
#include "verify/verify_context.h"

namespace custdb {
namespace {

std::string Day(int64_t day_ms) {
  return FormatIso8601(day_ms).substr(0, 10);  // "2024-01-01"
}

std::string DescribeChannelDay(uint64_t channel_id, int64_t day_ms) {
  return "channel-day counter (channel " + std::to_string(channel_id) +
         ", day " + Day(day_ms) + ")";
}

// "orders 2, revenue_minor 500" (zeros left out).
std::string Slots(const keys::CounterVec& vec) {
  std::string out;
  for (const auto& [slot, value] : vec) {
    if (!out.empty()) out += ", ";
    out += std::string(keys::ChannelDaySlotName(slot)) + " " +
           std::to_string(value);
  }
  return out.empty() ? "all zero" : out;
}

void CompareCounters(VerifyContext* ctx, const std::string& what,
                     const keys::CounterVec& stored,
                     const keys::CounterVec& recomputed) {
  std::set<uint16_t> slots;
  for (const auto& entry : stored) slots.insert(entry.first);
  for (const auto& entry : recomputed) slots.insert(entry.first);
  for (uint16_t slot : slots) {
    const int64_t s = SlotValue(stored, slot), r = SlotValue(recomputed, slot);
    if (s != r) {
      ctx->Problem(what + ": " + keys::ChannelDaySlotName(slot) + ": stored " +
                   std::to_string(s) + ", recomputed " + std::to_string(r));
    }
  }
}

std::string DescribeEntry(keys::TierTag tag, std::string_view key) {
  uint64_t channel = 0, id = 0;
  int64_t day = 0, resolve_ms = 0;
  if (tag == keys::TierTag::kResolveTime &&
      keys::DecodeResolveTimeKey(key, &channel, &day, &resolve_ms, &id)) {
    return "resolve-time entry (channel " + std::to_string(channel) + ", day " +
           Day(day) + ", interaction " + std::to_string(id) + ", " +
           std::to_string(resolve_ms) + " ms)";
  }
  return "";
}

}  // namespace

void ChannelCountersReplay::FeedOrder(const Order& order) {
  orders_.push_back(order);
}

void ChannelCountersReplay::FeedInteraction(const Interaction& interaction) {
  interactions_.push_back(interaction);
}

void ChannelCountersReplay::EndCustomer(uint64_t owner_channel_id) {
  ChannelContribution c =
      ContributionOf(owner_channel_id, orders_, interactions_, +1);
  AddDeltas(&expected_, c.counters);
  for (auto& key : c.resolve_times) resolve_times_.push_back(std::move(key));
  orders_.clear();
  interactions_.clear();
}

Status ChannelCountersReplay::Check(VerifyContext* ctx) {
  Status s = CheckCounters(ctx);
  if (s.ok()) {
    s = CheckEntries(ctx, keys::TierTag::kResolveTime, &resolve_times_);
  }
  return s;
}

// A merge walk of the stored channel-day keys and the recomputed ones:
// both are ordered by (channel, day).
Status ChannelCountersReplay::CheckCounters(VerifyContext* ctx) {
  const char tag = static_cast<char>(keys::CounterTag::kChannelDay);
  StorageIterator it = ctx->Scan(keys::Cf::kReportCounters);
  auto expected = expected_.begin();
  auto report_missing_before = [&](const std::pair<uint64_t, int64_t>* key) {
    for (; expected != expected_.end() &&
           (key == nullptr || expected->first < *key);
         ++expected) {
      ctx->Problem(
          DescribeChannelDay(expected->first.first, expected->first.second) +
          " is missing; recomputed " + Slots(expected->second));
    }
  };
  for (it.Seek(std::string(1, tag)); it.Valid(); it.Next()) {
    std::string_view key = it.key();
    if (key.empty() || key[0] != tag) break;
    std::pair<uint64_t, int64_t> channel_day;
    if (!keys::DecodeChannelDayKey(key, &channel_day.first,
                                   &channel_day.second)) {
      ctx->Problem("counters key " + Hex(key) + " is not a channel-day key");
      continue;
    }
    report_missing_before(&channel_day);
    const std::string what =
        DescribeChannelDay(channel_day.first, channel_day.second);
    keys::CounterVec stored, recomputed;
    if (expected != expected_.end() && expected->first == channel_day) {
      recomputed = expected->second;
      ++expected;
    }
    if (!keys::DecodeCounterVec(it.value(), &stored)) {
      ctx->Problem(what + " holds " + Hex(it.value()) +
                   ", not a counter vector");
    } else if (recomputed.empty() && !stored.empty()) {
      ctx->Problem(what + " has no records behind it; stored " + Slots(stored));
    } else {
      CompareCounters(ctx, what, stored, recomputed);
    }
  }
  if (it.corrupted()) {  // e.g. the merge operator refused
    ctx->Problem("channel-day counters cannot be read: " + it.error_text());
    return Status::OK();
  }
  Status s = it.status("verify: scanning channel-day counters");
  if (s.ok()) report_missing_before(nullptr);
  return s;
}

// A merge walk of the stored entries of `tag` (tier_index CF) and the
// recomputed ones.
Status ChannelCountersReplay::CheckEntries(VerifyContext* ctx,
                                           keys::TierTag tag,
                                           std::vector<std::string>* expected) {
  std::sort(expected->begin(), expected->end());
  const char tag_byte = static_cast<char>(tag);
  const char* noun = "resolved complaint";
  StorageIterator it = ctx->Scan(keys::Cf::kTierIndex);
  auto next = expected->begin();
  for (it.Seek(std::string(1, tag_byte)); it.Valid(); it.Next()) {
    std::string_view key = it.key();
    if (key.empty() || key[0] != tag_byte) break;
    for (; next != expected->end() && *next < key; ++next) {
      ctx->Problem(DescribeEntry(tag, *next) + " is missing");
    }
    const std::string what = DescribeEntry(tag, key);
    if (what.empty()) {
      ctx->Problem("tier_index key " + Hex(key) + " is malformed");
      continue;
    }
    if (next != expected->end() && *next == key) {
      ++next;
    } else {
      ctx->Problem(what + " has no " + noun + " behind it");
    }
    if (!it.value().empty()) {
      ctx->Problem(what + " holds " + Hex(it.value()) + ", not an empty value");
    }
  }
  Status s = it.status("verify: scanning tier_index");
  if (!s.ok()) return s;
  for (; next != expected->end(); ++next) {
    ctx->Problem(DescribeEntry(tag, *next) + " is missing");
  }
  expected->clear();
  return Status::OK();
}

}  // namespace custdb
