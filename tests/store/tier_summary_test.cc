// GetTierSummary through the public API (reports.h): rows by tier,
// lifecycle and segment in their stated order with zero rows, the owner
// (with and without subtree) and region scopes, the splits by owner and by
// region with their key order, bad input, and a randomized comparison with
// brute force over every customer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/random_customers.h"
#include "support/report_brute_force.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::kTestNowMs;
using test::TempDir;

constexpr int64_t kDay = 86400000;

struct Row {
  std::string group;
  int64_t customers;
  int64_t spend;
  bool operator==(const Row& o) const {
    return group == o.group && customers == o.customers && spend == o.spend;
  }
};
std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << r.group << ":" << r.customers << "/" << r.spend;
}

std::vector<Row> Rows(const TierSummary& s) {
  std::vector<Row> rows;
  for (const auto& r : s.rows)
    rows.push_back({r.group, r.customers, r.spend_minor});
  return rows;
}

// A row with its split key: "owner 2", "region 'north'", "" unsplit.
struct SplitRow {
  std::string key;
  Row row;
  bool operator==(const SplitRow& o) const {
    return key == o.key && row == o.row;
  }
};
std::ostream& operator<<(std::ostream& os, const SplitRow& r) {
  return os << "[" << r.key << "] " << r.row;
}

std::string OwnerKey(uint64_t owner) {
  return "owner " + std::to_string(owner);
}
std::string RegionKey(const std::string& region) {
  return "region '" + region + "'";
}

std::vector<SplitRow> SplitRows(const TierSummary& s) {
  std::vector<SplitRow> rows;
  for (const auto& r : s.rows) {
    std::string key;
    if (r.owner_channel_id) key = OwnerKey(*r.owner_channel_id);
    if (r.region) key += RegionKey(*r.region);  // both set: a mismatch
    rows.push_back({key, {r.group, r.customers, r.spend_minor}});
  }
  return rows;
}

// Each key's rows, keys in the order given.
std::vector<SplitRow> Keyed(
    const std::vector<std::pair<std::string, std::vector<Row>>>& parts) {
  std::vector<SplitRow> rows;
  for (const auto& [key, group_rows] : parts) {
    for (const Row& r : group_rows) rows.push_back({key, r});
  }
  return rows;
}

class TierSummaryTest : public test::StoreTest {
 protected:
  // Channels 1 -> 2. Customers (owner, region, spend of one order 10 days
  // ago; none when 0): 1 (1, north, 250000), 2 (2, north, 40000),
  // 3 (2, south, 500), 4 (none, south, no order).
  void SetUp() override {
    store_ = test::OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    test::PutChannelTree(store_.get(), {{1, 0}, {2, 1}});
    ASSERT_FALSE(HasFatalFailure());
    Add(1, 1, "north", 250000);
    Add(2, 2, "north", 40000);
    Add(3, 2, "south", 500);
    Add(4, 0, "south", 0);
  }

  void Add(uint64_t id, uint64_t owner, const std::string& region,
           int64_t spend) {
    Customer c;
    c.id = id;
    c.owner_channel_id = owner;
    c.region = region;
    ASSERT_TRUE(store_->CreateCustomer(c).ok());
    if (spend > 0) {
      ASSERT_TRUE(store_
                      ->RecordOrder(test::NewOrder(
                          id, id, 1, kTestNowMs - 10 * kDay, spend))
                      .ok());
    }
  }

  TierSummary Summary(const TierSummaryQuery& q) {
    return test::ValueOf(store_->GetTierSummary(q));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(TierSummaryTest, ByTierWithZeroRows) {
  TierSummaryQuery q;
  TierSummary s = Summary(q);
  EXPECT_EQ(s.by, SummaryGroup::kTier);
  EXPECT_GE(s.policy_version, 1);
  EXPECT_EQ(Rows(s),
            (std::vector<Row>{
                {"high", 1, 250000}, {"medium", 1, 40000}, {"low", 2, 500}}));
  q.region = "south";
  EXPECT_EQ(
      Rows(Summary(q)),
      (std::vector<Row>{{"high", 0, 0}, {"medium", 0, 0}, {"low", 2, 500}}));
  q.region = "nowhere";
  EXPECT_EQ(
      Rows(Summary(q)),
      (std::vector<Row>{{"high", 0, 0}, {"medium", 0, 0}, {"low", 0, 0}}));
}

TEST_P(TierSummaryTest, OwnerSubtreeAndRegion) {
  TierSummaryQuery q;
  q.owner_channel_id = 1;  // include_subtree defaults to true
  EXPECT_EQ(Rows(Summary(q)),
            (std::vector<Row>{
                {"high", 1, 250000}, {"medium", 1, 40000}, {"low", 1, 500}}));
  q.include_subtree = false;
  EXPECT_EQ(
      Rows(Summary(q)),
      (std::vector<Row>{{"high", 1, 250000}, {"medium", 0, 0}, {"low", 0, 0}}));
  q.owner_channel_id = 2;
  q.region = "north";
  EXPECT_EQ(
      Rows(Summary(q)),
      (std::vector<Row>{{"high", 0, 0}, {"medium", 1, 40000}, {"low", 0, 0}}));
  q.owner_channel_id = 1;
  q.include_subtree = true;
  EXPECT_EQ(Rows(Summary(q)),
            (std::vector<Row>{
                {"high", 1, 250000}, {"medium", 1, 40000}, {"low", 0, 0}}));
}

TEST_P(TierSummaryTest, LifecycleAndSegmentRows) {
  TierSummaryQuery q;
  q.by = SummaryGroup::kLifecycle;
  EXPECT_EQ(Rows(Summary(q)), (std::vector<Row>{{"prospect", 1, 0},
                                                {"new", 3, 290500},
                                                {"active", 0, 0},
                                                {"at_risk", 0, 0},
                                                {"churned", 0, 0},
                                                {"reactivated", 0, 0}}));

  q.by = SummaryGroup::kSegment;
  auto policy = store_->GetPolicy();
  ASSERT_TRUE(policy.ok());
  TierSummary s = Summary(q);
  ASSERT_EQ(s.rows.size(), policy->segments.size() + 1);
  std::map<std::string, Row> expected;
  for (const auto& rule : policy->segments)
    expected[rule.name] = {rule.name, 0, 0};
  expected[kNoSegmentRow] = {kNoSegmentRow, 1, 0};
  for (uint64_t id : {1, 2, 3}) {
    auto c = store_->GetCustomer(id);
    ASSERT_TRUE(c.ok());
    Row& row = expected[c->derived.segment_name];
    ++row.customers;
    row.spend += c->aggregates.total_spend_minor;
  }
  for (size_t i = 0; i < policy->segments.size(); ++i) {
    EXPECT_EQ(s.rows[i].group, policy->segments[i].name);
    EXPECT_EQ(Rows(s)[i], expected[policy->segments[i].name]);
  }
  EXPECT_EQ(Rows(s).back(), expected[kNoSegmentRow]);
}

// Customer 5 adds an owner-less customer without a region: channel 2
// then owns customers in two regions, "south" has customers of owners 0
// and 2, and channel 3 owns nobody.
TEST_P(TierSummaryTest, SplitByOwnerChannel) {
  test::PutChannelTree(store_.get(), {{3, 1}});
  ASSERT_FALSE(HasFatalFailure());
  Add(5, 0, "", 50000);
  TierSummaryQuery q;
  q.split_by = SummarySplit::kOwnerChannel;
  TierSummary s = Summary(q);
  EXPECT_EQ(s.split_by, SummarySplit::kOwnerChannel);
  // Owner 0 first; channel 3 has no customer, so no rows.
  EXPECT_EQ(SplitRows(s),
            Keyed({{OwnerKey(0),
                    {{"high", 0, 0}, {"medium", 1, 50000}, {"low", 1, 0}}},
                   {OwnerKey(1),
                    {{"high", 1, 250000}, {"medium", 0, 0}, {"low", 0, 0}}},
                   {OwnerKey(2),
                    {{"high", 0, 0}, {"medium", 1, 40000}, {"low", 1, 500}}}}));
  // A subtree's channels each get their own rows.
  q.owner_channel_id = 1;
  EXPECT_EQ(SplitRows(Summary(q)),
            Keyed({{OwnerKey(1),
                    {{"high", 1, 250000}, {"medium", 0, 0}, {"low", 0, 0}}},
                   {OwnerKey(2),
                    {{"high", 0, 0}, {"medium", 1, 40000}, {"low", 1, 500}}}}));
  q.include_subtree = false;
  EXPECT_EQ(SplitRows(Summary(q)),
            Keyed({{OwnerKey(1),
                    {{"high", 1, 250000}, {"medium", 0, 0}, {"low", 0, 0}}}}));
  q.owner_channel_id = 3;
  EXPECT_EQ(SplitRows(Summary(q)), std::vector<SplitRow>{});
  // The region filter still applies.
  q.owner_channel_id.reset();
  q.region = "south";
  EXPECT_EQ(
      SplitRows(Summary(q)),
      Keyed({{OwnerKey(0), {{"high", 0, 0}, {"medium", 0, 0}, {"low", 1, 0}}},
             {OwnerKey(2),
              {{"high", 0, 0}, {"medium", 0, 0}, {"low", 1, 500}}}}));
  q.by = SummaryGroup::kLifecycle;
  q.region = "";
  EXPECT_EQ(SplitRows(Summary(q)), Keyed({{OwnerKey(0),
                                           {{"prospect", 0, 0},
                                            {"new", 1, 50000},
                                            {"active", 0, 0},
                                            {"at_risk", 0, 0},
                                            {"churned", 0, 0},
                                            {"reactivated", 0, 0}}}}));
}

TEST_P(TierSummaryTest, SplitByRegion) {
  Add(5, 0, "", 50000);
  TierSummaryQuery q;
  q.split_by = SummarySplit::kRegion;
  TierSummary s = Summary(q);
  EXPECT_EQ(s.split_by, SummarySplit::kRegion);
  // The empty region is a region like the others, and sorts first.
  EXPECT_EQ(SplitRows(s),
            Keyed({{RegionKey(""),
                    {{"high", 0, 0}, {"medium", 1, 50000}, {"low", 0, 0}}},
                   {RegionKey("north"),
                    {{"high", 1, 250000}, {"medium", 1, 40000}, {"low", 0, 0}}},
                   {RegionKey("south"),
                    {{"high", 0, 0}, {"medium", 0, 0}, {"low", 2, 500}}}}));
  // Only the regions of the owners in scope.
  q.owner_channel_id = 2;
  EXPECT_EQ(SplitRows(Summary(q)),
            Keyed({{RegionKey("north"),
                    {{"high", 0, 0}, {"medium", 1, 40000}, {"low", 0, 0}}},
                   {RegionKey("south"),
                    {{"high", 0, 0}, {"medium", 0, 0}, {"low", 1, 500}}}}));
  q.owner_channel_id = 1;
  q.include_subtree = false;
  EXPECT_EQ(SplitRows(Summary(q)),
            Keyed({{RegionKey("north"),
                    {{"high", 1, 250000}, {"medium", 0, 0}, {"low", 0, 0}}}}));
  // With a region filter, that region alone, if it has customers.
  q.owner_channel_id.reset();
  q.region = "south";
  EXPECT_EQ(SplitRows(Summary(q)),
            Keyed({{RegionKey("south"),
                    {{"high", 0, 0}, {"medium", 0, 0}, {"low", 2, 500}}}}));
  q.region = "nowhere";
  EXPECT_EQ(SplitRows(Summary(q)), std::vector<SplitRow>{});
}

// Counters net to zero, not away, when customers leave a region: such a
// region has no rows.
TEST_P(TierSummaryTest, SplitOmitsKeysWhoseCustomersAllLeft) {
  Add(5, 0, "", 50000);
  CustomerPatch to_west;
  to_west.region = "west";
  ASSERT_TRUE(store_->UpdateCustomer(5, to_west).ok());
  CustomerPatch to_channel_2;
  to_channel_2.owner_channel_id = 2;
  ASSERT_TRUE(store_->UpdateCustomer(1, to_channel_2).ok());
  TierSummaryQuery q;
  q.split_by = SummarySplit::kRegion;
  EXPECT_EQ(SplitRows(Summary(q)),
            Keyed({{RegionKey("north"),
                    {{"high", 1, 250000}, {"medium", 1, 40000}, {"low", 0, 0}}},
                   {RegionKey("south"),
                    {{"high", 0, 0}, {"medium", 0, 0}, {"low", 2, 500}}},
                   {RegionKey("west"),
                    {{"high", 0, 0}, {"medium", 1, 50000}, {"low", 0, 0}}}}));
  q.split_by = SummarySplit::kOwnerChannel;
  EXPECT_EQ(
      SplitRows(Summary(q)),
      Keyed(
          {{OwnerKey(0), {{"high", 0, 0}, {"medium", 1, 50000}, {"low", 1, 0}}},
           {OwnerKey(2),
            {{"high", 1, 250000}, {"medium", 1, 40000}, {"low", 1, 500}}}}));
}

TEST_P(TierSummaryTest, UnsplitRowsCarryNoSplitKey) {
  for (const SplitRow& row : SplitRows(Summary(TierSummaryQuery{}))) {
    EXPECT_EQ(row.key, "") << row;
  }
}

TEST_P(TierSummaryTest, UnknownGroupOrSplitIsInvalidArgument) {
  TierSummaryQuery q;
  q.split_by = static_cast<SummarySplit>(7);
  auto got = store_->GetTierSummary(q);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("query.split_by: 7"), std::string::npos)
      << got.status().ToString();
  q = TierSummaryQuery{};
  q.by = static_cast<SummaryGroup>(0);
  got = store_->GetTierSummary(q);
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("query.by: 0"), std::string::npos)
      << got.status().ToString();
}

TEST(SummarySplitNamesTest, RoundTrip) {
  for (SummarySplit split : {SummarySplit::kNone, SummarySplit::kOwnerChannel,
                             SummarySplit::kRegion}) {
    SummarySplit parsed = SummarySplit::kNone;
    ASSERT_TRUE(ParseSummarySplit(SummarySplitName(split), &parsed));
    EXPECT_EQ(parsed, split);
  }
  EXPECT_STREQ(SummarySplitName(SummarySplit::kOwnerChannel), "owner");
  SummarySplit parsed = SummarySplit::kRegion;
  EXPECT_FALSE(ParseSummarySplit("Owner", &parsed));
  EXPECT_EQ(parsed, SummarySplit::kRegion);
}

TEST_P(TierSummaryTest, UnknownOwnerIsNotFound) {
  TierSummaryQuery q;
  q.owner_channel_id = 42;
  auto got = store_->GetTierSummary(q);
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_NE(got.status().message().find("query.owner_channel_id"),
            std::string::npos);
}

class TierSummaryPropertyTest : public test::StoreTest {};

TEST_P(TierSummaryPropertyTest, MatchesBruteForce) {
  const uint32_t seed = 99;
  constexpr uint64_t kCustomers = 1200;
  test::RandomCustomersDb db;
  db.Fill(test::OpenTestStore(factory(), db.dir.Sub("db")), seed, kCustomers);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto& store = db.store;
  const std::vector<CustomerRecord>& all = db.all;
  auto policy = store->GetPolicy();
  ASSERT_TRUE(policy.ok());

  std::vector<TierSummaryQuery> queries;
  for (SummarySplit split : {SummarySplit::kNone, SummarySplit::kOwnerChannel,
                             SummarySplit::kRegion}) {
    for (SummaryGroup by : {SummaryGroup::kTier, SummaryGroup::kLifecycle,
                            SummaryGroup::kSegment}) {
      for (uint64_t owner = 0; owner <= 8; ++owner) {
        for (bool subtree : {false, true}) {
          if (owner == 0 && subtree) continue;
          for (int r = -1; r < static_cast<int>(test::RandomRegions().size());
               ++r) {
            TierSummaryQuery q;
            q.by = by;
            q.split_by = split;
            if (owner != 0) q.owner_channel_id = owner;
            q.include_subtree = subtree;
            if (r >= 0) q.region = test::RandomRegions()[r];
            queries.push_back(q);
          }
        }
      }
    }
  }
  for (const TierSummaryQuery& q : queries) {
    std::vector<uint64_t> owners;
    if (q.owner_channel_id) {
      owners = q.include_subtree ? test::RandomSubtree(*q.owner_channel_id)
                                 : std::vector<uint64_t>{*q.owner_channel_id};
    }
    const TierSummary want = test::BruteTierSummary(all, *policy, q, owners);
    SCOPED_TRACE(std::string(SummaryGroupName(q.by)) + " split " +
                 SummarySplitName(q.split_by) + " owner " +
                 std::to_string(q.owner_channel_id.value_or(0)) +
                 (q.include_subtree ? " subtree" : "") + " region " +
                 (q.region ? "'" + *q.region + "'" : "any"));
    auto got = store->GetTierSummary(q);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(SplitRows(*got), SplitRows(want));
  }
}

INSTANTIATE_TEST_SUITE_P(Store, TierSummaryTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

INSTANTIATE_TEST_SUITE_P(Store, TierSummaryPropertyTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
