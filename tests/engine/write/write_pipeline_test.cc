// The write protocol (write/write_pipeline.h RunLocked) and the channel
// subtree (channel_registry.h), over a temporary Storage.
#include "write/write_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "channel_registry.h"
#include "custdb/policy.h"
#include "customer_cache.h"
#include "engine_core.h"
#include "lock_table.h"
#include "storage/keys.h"
#include "storage/storage.h"
#include "support/test_util.h"
#include "tiering/policy_state.h"

namespace custdb {
namespace {

// The core a WritePipeline runs on, over a fresh directory.
class WritePipelineTest : public ::testing::Test {
 protected:
  WritePipelineTest()
      : options_(test::TestOptions(dir_.path())),
        cache_(1 << 20),
        policy_([] { return test::kTestNowMs; }) {
    Status s = Storage::Open(options_, &storage_);
    EXPECT_TRUE(s.ok()) << s.ToString();
    policy_.set_policy(std::make_shared<const TierPolicy>(DefaultPolicy()));
    core_ = std::make_unique<EngineCore>(
        EngineCore{options_, *storage_, channels_, locks_, cache_, policy_});
    pipeline_ = std::make_unique<WritePipeline>(
        *core_, [] { return test::kTestNowMs; });
  }

  uint64_t MetaNumber(std::string_view name) {
    uint64_t value = 0;
    EXPECT_TRUE(storage_->ReadMetaNumber(name, &value).ok());
    return value;
  }

  test::TempDir dir_;
  Options options_;
  std::unique_ptr<Storage> storage_;
  ChannelRegistry channels_;
  LockTable locks_;
  CustomerCache cache_;
  PolicyState policy_;
  std::unique_ptr<EngineCore> core_;
  std::unique_ptr<WritePipeline> pipeline_;
};

TEST_F(WritePipelineTest, RunLockedCommitsWhatApplyStaged) {
  Status s = pipeline_->RunLocked(
      {LockTable::StripeOf(uint64_t{7})}, {}, TxnOptions(), [](WriteTxn* txn) {
        txn->RaiseMetaNumber(keys::kMetaNextCustomerId, 42);
        return Status::OK();
      });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(MetaNumber(keys::kMetaNextCustomerId), 42u);
}

TEST_F(WritePipelineTest, RunLockedDiscardsWhenApplyFails) {
  Status s = pipeline_->RunLocked({}, {}, TxnOptions(), [](WriteTxn* txn) {
    txn->RaiseMetaNumber(keys::kMetaNextCustomerId, 42);
    return Status::InvalidArgument("refused");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MetaNumber(keys::kMetaNextCustomerId), 0u);
}

TEST_F(WritePipelineTest, RunLockedHoldsItsStripesWhileApplying) {
  const size_t stripe = LockTable::StripeOf(uint64_t{7});
  std::atomic<bool> acquired{false};
  std::thread other;
  Status s = pipeline_->RunLocked({stripe}, {}, TxnOptions(), [&](WriteTxn*) {
    other = std::thread([&] {
      LockTable::Guard guard(&locks_, {stripe});
      acquired = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(acquired.load());
    return Status::OK();
  });
  other.join();
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(acquired.load());
}

TEST(AddCustomerStripesTest, TakesTheIdAndEachIdentityHeld) {
  Customer c;
  c.id = 9;
  c.email = "a@example.com";
  std::vector<size_t> stripes;
  AddCustomerStripes(c, &stripes);
  ASSERT_EQ(stripes.size(), 2u);
  EXPECT_EQ(stripes[0], LockTable::StripeOf(uint64_t{9}));
  EXPECT_EQ(stripes[1], LockTable::StripeOf(keys::IdentityKey(
                            keys::IndexTag::kCustomerEmail, "a@example.com")));
}

Channel MakeChannel(uint64_t id, uint64_t parent_id) {
  Channel c;
  c.id = id;
  c.name = "channel " + std::to_string(id);
  c.parent_id = parent_id;
  return c;
}

TEST(ChannelRegistryTest, SubtreeIsSortedAndOwnerSetNamesTheField) {
  ChannelRegistry channels;
  channels.Put(MakeChannel(5, 0));
  channels.Put(MakeChannel(9, 5));
  channels.Put(MakeChannel(2, 9));
  channels.Put(MakeChannel(7, 0));
  EXPECT_EQ(channels.SubtreeOf(5), (std::vector<uint64_t>{2, 5, 9}));
  EXPECT_TRUE(channels.SubtreeOf(4).empty());
  std::vector<uint64_t> owners;
  ASSERT_TRUE(
      channels.OwnerSet("query.channel_id", 9, Subtree::kInclude, &owners)
          .ok());
  EXPECT_EQ(owners, (std::vector<uint64_t>{2, 9}));
  ASSERT_TRUE(
      channels.OwnerSet("query.channel_id", 9, Subtree::kExclude, &owners)
          .ok());
  EXPECT_EQ(owners, (std::vector<uint64_t>{9}));
  Status s =
      channels.OwnerSet("query.channel_id", 4, Subtree::kInclude, &owners);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "query.channel_id: channel 4 does not exist");
}

}  // namespace
}  // namespace custdb
