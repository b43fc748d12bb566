// Verify's tiering pass: every customer's derived attributes against
// Derive, and the tier_index entries and tier-summary counters against the
// ones TierEntries computes from the customer records.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "storage/codec.h"
#include "tiering/derive.h"
#include "tiering/tier_entries.h"
#include "verify/verify_context.h"

namespace custdb {
namespace {

bool IsCustomerIndexTag(uint8_t tag) {
  return tag >= static_cast<uint8_t>(keys::TierTag::kOwnerSpend) &&
         tag <= static_cast<uint8_t>(keys::TierTag::kNextChange);
}

std::string DescribeDerived(const Derived& d) {
  return std::string("tier ") + ValueTierName(d.value_tier) + ", r/f/m " +
         std::to_string(d.r) + "/" + std::to_string(d.f) + "/" +
         std::to_string(d.m) + ", segment " + std::to_string(d.segment) + " '" +
         d.segment_name + "', " + LifecycleStageName(d.lifecycle) +
         (d.churn_risk ? ", churn risk" : "") + ", points " +
         std::to_string(d.loyalty_points) + ", next change " +
         std::to_string(d.next_change_ms);
}

std::string DescribeVec(const keys::CounterVec& v) {
  std::string s = "{";
  for (const auto& [slot, value] : v) {
    if (s.size() > 1) s += ", ";
    s += std::to_string(slot) + ": " + std::to_string(value);
  }
  return s + "}";
}

// What the customer records give: the tier_index entries and tier-summary
// counters they should have.
struct ExpectedTiering {
  std::map<std::string, std::string> entries;  // key -> value
  CounterDeltas counters;
  // Customers whose aggregates cannot be read (the customer pass reports
  // them): their entries cannot be recomputed, so they are not checked, and
  // neither are the summary counters they count in.
  std::set<uint64_t> unreadable;
};

// The stored policy; *policy is empty (and a problem reported) when it is
// absent or does not decode.
Status LoadPolicy(VerifyContext* ctx, std::optional<TierPolicy>* policy) {
  std::string raw;
  bool found = false;
  policy->reset();
  Status s =
      ctx->Get(keys::Cf::kMeta, std::string(keys::kMetaPolicy), &raw, &found);
  if (!s.ok()) return s;
  if (!found) {
    ctx->Problem("meta: no tier policy stored");
    return Status::OK();
  }
  TierPolicy decoded;
  s = codec::Decode(raw, &decoded);
  if (!s.ok()) {
    ctx->Problem("meta: the tier policy does not decode: " + s.message());
    return Status::OK();
  }
  *policy = std::move(decoded);
  return Status::OK();
}

// One customer's stored derived attributes against Derive at their as_of.
void CheckDerived(VerifyContext* ctx, const std::string& who,
                  const TierPolicy& policy, const Aggregates& aggregates,
                  const DerivedState& state) {
  if (state.policy_version == policy.version) {
    const Derived want = Derive(aggregates, policy, state.as_of_ms);
    if (want != state.derived) {
      ctx->Problem(who + ": derived attributes as of " +
                   std::to_string(state.as_of_ms) + " are [" +
                   DescribeDerived(state.derived) + "], Derive gives [" +
                   DescribeDerived(want) + "]");
    }
  } else if (state.policy_version > policy.version) {
    ctx->Problem(who + ": derived under policy version " +
                 std::to_string(state.policy_version) +
                 ", newer than the stored policy's " +
                 std::to_string(policy.version));
  }
}

// Walks the customers: checks each one's derived attributes and collects
// the entries and counters its records give.
Status ExpectTiering(VerifyContext* ctx, const TierPolicy& policy,
                     ExpectedTiering* out) {
  StorageIterator it = ctx->Scan(keys::Cf::kCustomers);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    uint64_t id = 0;
    Customer profile;
    if (!keys::DecodeIdKey(it.key(), &id) ||
        !codec::Decode(it.value(), &profile).ok()) {
      continue;  // reported by the customer pass
    }
    std::string value;
    bool found = false;
    Status s = ctx->Get(keys::Cf::kAggregates, keys::IdKey(id), &value, &found);
    if (!s.ok()) return s;
    Aggregates aggregates;
    DerivedState state;
    if (!found || !codec::Decode(value, &aggregates, &state).ok()) {
      out->unreadable.insert(id);
      continue;
    }
    const std::string who = "customer " + std::to_string(id);
    if (!state.present) {
      ctx->Problem(who + ": no derived attributes");
      out->unreadable.insert(id);
      continue;
    }
    CheckDerived(ctx, who, policy, aggregates, state);
    const TierFacts facts = FactsOf(profile, aggregates, state.derived);
    for (TierIndexEntry& entry : TierIndexEntries(facts)) {
      out->entries.emplace(std::move(entry.key), std::move(entry.value));
    }
    AddSummaryContribution(facts, +1, &out->counters);
  }
  return it.status("verify: scanning customers for tiering");
}

// The tier_index CF against the expected entries, both sorted.
Status CompareTierIndex(VerifyContext* ctx, const ExpectedTiering& expected) {
  StorageIterator it = ctx->Scan(keys::Cf::kTierIndex);
  auto want = expected.entries.begin();
  auto report_missing = [ctx](const std::string& key) {
    uint64_t id = 0;
    keys::TierKeyCustomerId(key, &id);
    ctx->Problem("tier index entry " + Hex(key) + " of customer " +
                 std::to_string(id) + " is missing");
  };
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    const std::string_view key = it.key();
    const uint8_t tag = key.empty() ? 0 : static_cast<uint8_t>(key[0]);
    if (!IsCustomerIndexTag(tag)) {
      // Channel-report entries and alias lists are checked elsewhere; any
      // other tag (a retired one a migration missed) has no owner.
      if (tag != static_cast<uint8_t>(keys::TierTag::kResolveTime) &&
          tag != static_cast<uint8_t>(keys::TierTag::kAliasOf)) {
        ctx->Problem("tier_index key " + Hex(key) + " has an unknown tag");
      }
      continue;
    }
    ++ctx->report()->tier_entries_checked;
    while (want != expected.entries.end() && want->first < key) {
      report_missing((want++)->first);
    }
    if (want != expected.entries.end() && want->first == key) {
      if (it.value() != want->second) {
        ctx->Problem("tier index entry " + Hex(key) + " holds " +
                     Hex(it.value()) + ", recomputed " + Hex(want->second));
      }
      ++want;
      continue;
    }
    uint64_t id = 0;
    keys::TierKeyCustomerId(key, &id);
    if (expected.unreadable.count(id)) continue;
    ctx->Problem("tier index entry " + Hex(key) + " names customer " +
                 std::to_string(id) + ", whose records do not give it");
  }
  Status s = it.status("verify: scanning the tier index");
  if (!s.ok()) return s;
  while (want != expected.entries.end()) report_missing((want++)->first);
  return Status::OK();
}

// Each alias a survivor lists resolves to it.
Status CheckAliasLists(VerifyContext* ctx) {
  StorageIterator it = ctx->Scan(keys::Cf::kTierIndex);
  const std::string alias_tag(1, static_cast<char>(keys::TierTag::kAliasOf));
  for (it.Seek(alias_tag); it.Valid() && it.KeyStartsWith(alias_tag);
       it.Next()) {
    std::string_view rest = it.key().substr(1);
    uint64_t survivor = 0;
    if (!keys::GetU64(&rest, &survivor) || rest.empty()) {
      ctx->Problem("alias list key " + Hex(it.key()) + " is malformed");
      continue;
    }
    std::string target;
    bool found = false;
    Status s = ctx->Get(keys::Cf::kIndexes, std::string(rest), &target, &found);
    if (!s.ok()) return s;
    if (!found || target != keys::IdKey(survivor)) {
      ctx->Problem("customer " + std::to_string(survivor) + " lists alias " +
                   Hex(rest) + ", which does not resolve to it");
    }
  }
  return it.status("verify: scanning alias lists");
}

// The stored tier-summary counters against the recomputed ones, both ways.
Status CompareSummaryCounters(VerifyContext* ctx,
                              const CounterDeltas& counters) {
  StorageIterator it = ctx->Scan(keys::Cf::kCounters);
  const std::string prefix(1,
                           static_cast<char>(keys::CounterTag::kTierSummary));
  std::set<std::string> seen;
  for (it.Seek(prefix); it.Valid() && it.KeyStartsWith(prefix); it.Next()) {
    const std::string key(it.key());
    seen.insert(key);
    keys::CounterVec stored;
    if (!keys::DecodeCounterVec(it.value(), &stored)) {
      ctx->Problem("tier-summary counter " + Hex(key) + " holds " +
                   Hex(it.value()) + ", not a counter vector");
      continue;
    }
    keys::CounterVec want_vec;
    auto w = counters.find(key);
    if (w != counters.end()) keys::AddCounterVec(&want_vec, w->second);
    keys::CounterVec zero;
    keys::AddCounterVec(&want_vec, zero);  // drops zero slots
    if (stored != want_vec) {
      ctx->Problem("tier-summary counter " + Hex(key) + ": stored " +
                   DescribeVec(stored) + ", recomputed " +
                   DescribeVec(want_vec));
    }
  }
  Status s = it.status("verify: scanning tier-summary counters");
  if (!s.ok()) return s;
  for (const auto& [key, vec] : counters) {
    keys::CounterVec want_vec;
    keys::AddCounterVec(&want_vec, vec);
    if (!seen.count(key) && !want_vec.empty()) {
      ctx->Problem("tier-summary counter " + Hex(key) + " is missing (" +
                   DescribeVec(want_vec) + ")");
    }
  }
  return Status::OK();
}

}  // namespace

Status VerifyTiering(VerifyContext* ctx) {
  std::optional<TierPolicy> policy;
  Status s = LoadPolicy(ctx, &policy);
  if (!s.ok() || !policy) return s;
  ExpectedTiering expected;
  s = ExpectTiering(ctx, *policy, &expected);
  if (s.ok()) s = CompareTierIndex(ctx, expected);
  if (s.ok()) s = CheckAliasLists(ctx);
  if (!s.ok()) return s;
  // A customer left out would make every counter it counts in differ.
  if (!expected.unreadable.empty()) return Status::OK();
  return CompareSummaryCounters(ctx, expected.counters);
}

}  // namespace custdb
