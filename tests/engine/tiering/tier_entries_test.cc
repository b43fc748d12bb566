// TierEntries: the write path's moves and summary changes are exactly the
// difference between the full entry lists and contributions that Verify
// recomputes, for random pairs of facts (fixed seed).
#include "tiering/tier_entries.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace custdb {
namespace {

struct Side {
  TierFacts facts;
  Derived derived;
  std::string region;
};

// Random facts of one customer, drawn from few values so that pairs often
// agree on some fields and differ on others.
void RandomSide(std::mt19937_64* rng, uint64_t id, Side* s) {
  auto pick = [rng](int n) { return static_cast<int>((*rng)() % n); };
  const char* regions[] = {"", "UK", "FR"};
  s->region = regions[pick(3)];
  s->derived = Derived();
  s->derived.value_tier = static_cast<ValueTier>(1 + pick(3));
  s->derived.segment = pick(4) - 1;
  s->derived.lifecycle = static_cast<LifecycleStage>(1 + pick(6));
  s->derived.next_change_ms = pick(3) == 0 ? INT64_MAX : 1000 * pick(3);
  s->facts.customer_id = id;
  s->facts.owner_channel_id = static_cast<uint64_t>(pick(3));
  s->facts.region = s->region;
  s->facts.spend_minor = 100 * pick(3);
  s->facts.last_activity_ms = 5000 * pick(2);
  s->facts.has_orders = pick(2) == 1;
  s->facts.derived = &s->derived;
}

// What the moves must do: the entries of `before` that `after` lacks or
// holds with another value are deleted or replaced, the rest stay.
std::map<std::string, std::string> Apply(
    std::map<std::string, std::string> entries,
    const std::vector<TierIndexMove>& moves) {
  for (const TierIndexMove& m : moves) {
    if (m.put) {
      entries[m.key] = m.value;
    } else {
      EXPECT_EQ(entries.erase(m.key), 1u) << "deleted an absent key";
    }
  }
  return entries;
}

std::map<std::string, std::string> AsMap(const TierFacts* f) {
  std::map<std::string, std::string> m;
  if (f == nullptr) return m;
  for (TierIndexEntry& e : TierIndexEntries(*f)) m[e.key] = e.value;
  return m;
}

TEST(TierEntriesTest, MovesTakeBeforesEntriesToAftersAndNoFurther) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 5000; ++round) {
    Side b, a;
    RandomSide(&rng, 42, &b);
    RandomSide(&rng, 42, &a);
    const int shape = round % 5;  // both, new, removed, unchanged, same
    const TierFacts* before = shape == 1 ? nullptr : &b.facts;
    const TierFacts* after = shape == 2 ? nullptr : &a.facts;
    if (shape >= 3) after = &b.facts;
    std::vector<TierIndexMove> moves;
    AddTierIndexMoves(before, after, &moves);
    EXPECT_EQ(Apply(AsMap(before), moves), AsMap(after)) << "round " << round;
    // Nothing is written for an entry that stays as it was.
    const auto was = AsMap(before);
    for (const TierIndexMove& m : moves) {
      auto it = was.find(m.key);
      EXPECT_FALSE(m.put && it != was.end() && it->second == m.value)
          << "round " << round << ": rewrote an unchanged entry";
    }
    if (before == after) {
      EXPECT_TRUE(moves.empty());
    }
  }
}

TEST(TierEntriesTest, SummaryChangeIsAftersContributionMinusBefores) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 5000; ++round) {
    Side b, a;
    RandomSide(&rng, 9, &b);
    RandomSide(&rng, 9, &a);
    const int shape = round % 4;  // both, new, removed, unchanged
    const TierFacts* before = shape == 1 ? nullptr : &b.facts;
    const TierFacts* after = shape == 2 ? nullptr : &a.facts;
    if (shape == 3) after = before;
    CounterDeltas want, got;
    if (before != nullptr) AddSummaryContribution(*before, -1, &want);
    if (after != nullptr) AddSummaryContribution(*after, +1, &want);
    AddSummaryChange(before, after, &got);
    // Keys whose deltas cancelled may be absent from `got`.
    for (auto it = want.begin(); it != want.end();) {
      it = it->second.empty() ? want.erase(it) : std::next(it);
    }
    for (auto it = got.begin(); it != got.end();) {
      it = it->second.empty() ? got.erase(it) : std::next(it);
    }
    EXPECT_EQ(got, want) << "round " << round;
    if (shape == 3) {
      EXPECT_TRUE(got.empty());
    }
  }
}

}  // namespace
}  // namespace custdb
