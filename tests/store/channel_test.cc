// Channels through the public API: PutChannel, GetChannel, ListChannels and
// their validation (store.h, types.h).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::Fingerprint;
using test::OpenTestStore;
using test::TempDir;
using test::refmodel::ChannelToString;
using test::refmodel::FailsNaming;
using test::refmodel::HasCode;

Channel MakeChannel(uint64_t id, uint64_t parent_id = 0) {
  Channel c;
  c.id = id;
  c.name = "channel " + std::to_string(id);
  c.type = ChannelType::kDealer;
  c.parent_id = parent_id;
  c.region = "north";
  return c;
}

class ChannelTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
  }

  std::string Get(uint64_t id) {
    auto got = store_->GetChannel(id);
    return got.ok() ? ChannelToString(*got) : got.status().ToString();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(ChannelTest, PutThenGetReturnsEveryField) {
  Channel c;
  c.id = 5;
  c.name = "Acme Distribution";
  c.type = ChannelType::kDistributor;
  c.region = "emea";
  c.active = false;
  ASSERT_TRUE(store_->PutChannel(c).ok());
  Channel child = MakeChannel(6, 5);
  child.type = ChannelType::kTelemarketing;
  ASSERT_TRUE(store_->PutChannel(child).ok());
  EXPECT_EQ(Get(5), ChannelToString(c));
  EXPECT_EQ(Get(6), ChannelToString(child));
}

TEST_P(ChannelTest, GetUnknownIsNotFound) {
  ASSERT_TRUE(store_->PutChannel(MakeChannel(1)).ok());
  EXPECT_TRUE(HasCode(store_->GetChannel(2).status(), StatusCode::kNotFound));
}

TEST_P(ChannelTest, PutReplacesExistingChannel) {
  ASSERT_TRUE(store_->PutChannel(MakeChannel(1)).ok());
  ASSERT_TRUE(store_->PutChannel(MakeChannel(2)).ok());
  Channel replaced = MakeChannel(2, 1);
  replaced.name = "renamed";
  replaced.type = ChannelType::kRetail;
  replaced.region = "";
  replaced.active = false;
  ASSERT_TRUE(store_->PutChannel(replaced).ok());
  EXPECT_EQ(Get(2), ChannelToString(replaced));
  auto counts = factory().Counts(*store_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->channels, 2);
}

TEST_P(ChannelTest, ListReturnsEveryChannelById) {
  auto empty = store_->ListChannels();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
  std::vector<Channel> put = {MakeChannel(300), MakeChannel(2),
                              MakeChannel(17, 2), MakeChannel(1ull << 40)};
  for (const Channel& c : put) ASSERT_TRUE(store_->PutChannel(c).ok());
  auto listed = store_->ListChannels();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> got;
  for (const Channel& c : *listed) got.push_back(ChannelToString(c));
  EXPECT_EQ(got, (std::vector<std::string>{
                     ChannelToString(put[1]), ChannelToString(put[2]),
                     ChannelToString(put[0]), ChannelToString(put[3])}));
}

TEST_P(ChannelTest, BoundaryValuesAreAccepted) {
  Channel c = MakeChannel(1);
  c.name = std::string(200, 'n');
  c.region = std::string(64, 'r');
  c.type = ChannelType::kTelemarketing;
  ASSERT_TRUE(store_->PutChannel(c).ok());
  EXPECT_EQ(Get(1), ChannelToString(c));
  Channel d = MakeChannel(2);
  d.name = "x";
  d.type = ChannelType::kDirect;
  ASSERT_TRUE(store_->PutChannel(d).ok());
  EXPECT_EQ(Get(2), ChannelToString(d));
}

struct ChannelCase {
  const char* what;
  std::function<void(Channel*)> mutate;
  const char* field;
};

TEST_P(ChannelTest, InvalidChannelIsRejectedNamingFieldAndWritesNothing) {
  ASSERT_TRUE(store_->PutChannel(MakeChannel(1)).ok());
  const std::vector<ChannelCase> cases = {
      {"id 0", [](Channel* c) { c->id = 0; }, "id"},
      {"empty name", [](Channel* c) { c->name.clear(); }, "name"},
      {"name of 201 bytes", [](Channel* c) { c->name = std::string(201, 'n'); },
       "name"},
      {"unknown parent", [](Channel* c) { c->parent_id = 99; }, "parent_id"},
      {"own parent", [](Channel* c) { c->parent_id = c->id; }, "parent_id"},
      {"region of 65 bytes",
       [](Channel* c) { c->region = std::string(65, 'r'); }, "region"},
      {"type 0", [](Channel* c) { c->type = static_cast<ChannelType>(0); },
       "type"},
      {"type 9", [](Channel* c) { c->type = static_cast<ChannelType>(9); },
       "type"},
      {"type 255", [](Channel* c) { c->type = static_cast<ChannelType>(255); },
       "type"},
  };
  const std::string before = Fingerprint(factory(), *store_);
  for (const ChannelCase& tc : cases) {
    SCOPED_TRACE(tc.what);
    Channel c = MakeChannel(2, 1);
    tc.mutate(&c);
    EXPECT_TRUE(FailsNaming(store_->PutChannel(c), StatusCode::kInvalidArgument,
                            tc.field));
    EXPECT_EQ(Fingerprint(factory(), *store_), before);
    if (c.id != 0) {
      EXPECT_TRUE(
          HasCode(store_->GetChannel(c.id).status(), StatusCode::kNotFound));
    }
  }
}

TEST_P(ChannelTest, InvalidReplacementKeepsOldChannel) {
  ASSERT_TRUE(store_->PutChannel(MakeChannel(1)).ok());
  ASSERT_TRUE(store_->PutChannel(MakeChannel(2, 1)).ok());
  const std::string before = Fingerprint(factory(), *store_);
  Channel bad = MakeChannel(2, 1);
  bad.name = "";
  EXPECT_TRUE(FailsNaming(store_->PutChannel(bad), StatusCode::kInvalidArgument,
                          "name"));
  bad = MakeChannel(2, 77);
  EXPECT_TRUE(FailsNaming(store_->PutChannel(bad), StatusCode::kInvalidArgument,
                          "parent_id"));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_EQ(Get(2), ChannelToString(MakeChannel(2, 1)));
}

TEST_P(ChannelTest, ReparentingThatFormsCycleIsRejected) {
  // 1 <- 2 <- 3 (distributor -> dealer -> sub-dealer).
  ASSERT_TRUE(store_->PutChannel(MakeChannel(1)).ok());
  ASSERT_TRUE(store_->PutChannel(MakeChannel(2, 1)).ok());
  ASSERT_TRUE(store_->PutChannel(MakeChannel(3, 2)).ok());
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(FailsNaming(store_->PutChannel(MakeChannel(1, 3)),
                          StatusCode::kInvalidArgument, "parent_id"));
  EXPECT_TRUE(FailsNaming(store_->PutChannel(MakeChannel(1, 2)),
                          StatusCode::kInvalidArgument, "parent_id"));
  EXPECT_TRUE(FailsNaming(store_->PutChannel(MakeChannel(2, 3)),
                          StatusCode::kInvalidArgument, "parent_id"));
  EXPECT_TRUE(FailsNaming(store_->PutChannel(MakeChannel(3, 3)),
                          StatusCode::kInvalidArgument, "parent_id"));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_EQ(Get(1), ChannelToString(MakeChannel(1)));

  // Re-parenting without a cycle is fine: 3 moves under 1, then 2 under 3.
  ASSERT_TRUE(store_->PutChannel(MakeChannel(3, 1)).ok());
  ASSERT_TRUE(store_->PutChannel(MakeChannel(2, 3)).ok());
  EXPECT_EQ(Get(2), ChannelToString(MakeChannel(2, 3)));
  EXPECT_EQ(Get(3), ChannelToString(MakeChannel(3, 1)));
  // And now the old direction would be a cycle.
  EXPECT_TRUE(FailsNaming(store_->PutChannel(MakeChannel(3, 2)),
                          StatusCode::kInvalidArgument, "parent_id"));
}

TEST_P(ChannelTest, ChannelsSurviveReopen) {
  ASSERT_TRUE(store_->PutChannel(MakeChannel(1)).ok());
  ASSERT_TRUE(store_->PutChannel(MakeChannel(2, 1)).ok());
  const std::string before = Fingerprint(factory(), *store_);
  store_.reset();
  store_ = OpenTestStore(factory(), dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  // The hierarchy is still known after reopening: a cycle is still refused.
  EXPECT_TRUE(FailsNaming(store_->PutChannel(MakeChannel(1, 2)),
                          StatusCode::kInvalidArgument, "parent_id"));
}

INSTANTIATE_TEST_SUITE_P(Store, ChannelTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
