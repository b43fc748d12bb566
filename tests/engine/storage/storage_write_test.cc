// The writes outside a WriteTxn: meta values and a channel record.
#include "storage/storage_write.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/keys.h"
#include "storage/storage.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using keys::Cf;

class StorageWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options;
    options.path = dir_.Sub("db");
    ASSERT_TRUE(Storage::Open(options, &storage_).ok());
  }

  bool Read(Cf cf, std::string_view key, std::string* value) {
    return storage_->Read(cf, key, value).found();
  }

  test::TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(StorageWriteTest, WriteMetaPutsAndDeletesInOneBatch) {
  ASSERT_TRUE(WriteMeta(*storage_, {{"a", "1"}, {"b", "2"}}, false, "x").ok());
  std::string value;
  ASSERT_TRUE(Read(Cf::kMeta, "a", &value));
  EXPECT_EQ(value, "1");
  ASSERT_TRUE(
      WriteMeta(*storage_, {{"a", std::nullopt}, {"b", "3"}}, true, "x").ok());
  EXPECT_FALSE(Read(Cf::kMeta, "a", &value));
  ASSERT_TRUE(Read(Cf::kMeta, "b", &value));
  EXPECT_EQ(value, "3");
}

TEST_F(StorageWriteTest, WriteChannelRecordCountsOnlyANewChannel) {
  const std::string count_key =
      keys::RecordCountKey(keys::RecordKind::kChannel);
  std::string before;
  int64_t n0 = 0;
  if (Read(Cf::kCounters, count_key, &before)) {
    ASSERT_TRUE(keys::DecodeCounter(before, &n0));
  }
  ASSERT_TRUE(WriteChannelRecord(*storage_, keys::IdKey(5), "v1",
                                 /*count_new=*/true, false)
                  .ok());
  ASSERT_TRUE(WriteChannelRecord(*storage_, keys::IdKey(5), "v2",
                                 /*count_new=*/false, false)
                  .ok());
  std::string value;
  ASSERT_TRUE(Read(Cf::kChannels, keys::IdKey(5), &value));
  EXPECT_EQ(value, "v2");
  ASSERT_TRUE(Read(Cf::kCounters, count_key, &value));
  int64_t n = 0;
  ASSERT_TRUE(keys::DecodeCounter(value, &n));
  EXPECT_EQ(n, n0 + 1);
}

TEST_F(StorageWriteTest, FlushAndCompactEveryFamily) {
  ASSERT_TRUE(WriteMeta(*storage_, {{"a", "1"}}, false, "x").ok());
  EXPECT_TRUE(FlushAll(*storage_).ok());
  EXPECT_TRUE(CompactAll(*storage_).ok());
  std::string value;
  EXPECT_TRUE(Read(Cf::kMeta, "a", &value));
}

}  // namespace
}  // namespace custdb
