// Storage's reads: Get, the three scans and ScopedSnapshot.
#include "storage/storage_read.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/keys.h"
#include "storage/storage.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using keys::Cf;

class StorageReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options;
    options.path = dir_.Sub("db");
    ASSERT_TRUE(Storage::Open(options, &storage_).ok());
  }

  void Put(Cf cf, const std::string& key, const std::string& value) {
    ASSERT_TRUE(storage_->db()
                    ->Put(rocksdb::WriteOptions(), storage_->cf(cf), key, value)
                    .ok());
  }

  static std::vector<std::string> Keys(StorageIterator* it) {
    std::vector<std::string> out;
    for (; it->Valid(); it->Next()) out.emplace_back(it->key());
    EXPECT_TRUE(it->status("scanning").ok());
    return out;
  }

  uint64_t LiveSnapshots() const {
    uint64_t n = 0;
    EXPECT_TRUE(storage_->db()->GetIntProperty("rocksdb.num-snapshots", &n));
    return n;
  }

  test::TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(StorageReadTest, GetReportsFoundAndAbsent) {
  Put(Cf::kChannels, keys::IdKey(7), "seven");
  std::string value;
  bool found = false;
  ASSERT_TRUE(
      storage_->Get(Cf::kChannels, keys::IdKey(7), &value, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(value, "seven");
  ASSERT_TRUE(
      storage_->Get(Cf::kChannels, keys::IdKey(8), &value, &found).ok());
  EXPECT_FALSE(found);
}

TEST_F(StorageReadTest, ScopedSnapshotKeepsItsViewAndReleasesOnScopeExit) {
  Put(Cf::kChannels, keys::IdKey(1), "before");
  {
    ScopedSnapshot snapshot(*storage_);
    EXPECT_EQ(LiveSnapshots(), 1u);
    Put(Cf::kChannels, keys::IdKey(1), "after");
    Put(Cf::kChannels, keys::IdKey(2), "new");
    const ReadView view{&snapshot};
    std::string value;
    bool found = false;
    ASSERT_TRUE(
        storage_->Get(Cf::kChannels, keys::IdKey(1), &value, &found, view)
            .ok());
    EXPECT_EQ(value, "before");
    StorageIterator it = storage_->Scan(Cf::kChannels, view);
    it.SeekToFirst();
    EXPECT_EQ(Keys(&it), std::vector<std::string>{keys::IdKey(1)});
  }
  EXPECT_EQ(LiveSnapshots(), 0u);
}

TEST_F(StorageReadTest, ScanCrossesPrefixesAndScanPrefixStaysInOne) {
  const std::string a = keys::HistoryKey(1, 10, 100);
  const std::string b = keys::HistoryKey(1, 20, 101);
  const std::string c = keys::HistoryKey(2, 10, 102);
  for (const std::string& key : {a, b, c}) Put(Cf::kOrders, key, "");

  StorageIterator all = storage_->Scan(Cf::kOrders);
  all.SeekToFirst();
  EXPECT_EQ(Keys(&all).size(), 3u);

  StorageIterator one = storage_->ScanPrefix(Cf::kOrders);
  one.Seek(keys::IdKey(1));
  std::vector<std::string> got;
  for (; one.Valid() && one.KeyStartsWith(keys::IdKey(1)); one.Next()) {
    got.emplace_back(one.key());
  }
  EXPECT_EQ(got.size(), 2u);
}

TEST_F(StorageReadTest, ScanRangeStopsBeforeItsUpperBound) {
  for (const char* key : {"a1", "a2", "b1"}) Put(Cf::kTierIndex, key, "");
  StorageIterator it = storage_->ScanRange(Cf::kTierIndex, "b");
  it.Seek("a");
  EXPECT_EQ(Keys(&it), (std::vector<std::string>{"a1", "a2"}));
}

}  // namespace
}  // namespace custdb
