// Storage's reads: Get, Read, MultiGet, the scans and ScopedSnapshot.
#include "storage/storage_read.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "custdb/engine.h"
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

TEST_F(StorageReadTest, ReadTellsFoundAbsentAndLeavesTheContextToTheCaller) {
  Put(Cf::kChannels, keys::IdKey(7), "seven");
  std::string value;
  ReadOutcome read = storage_->Read(Cf::kChannels, keys::IdKey(7), &value);
  EXPECT_TRUE(read.found());
  EXPECT_FALSE(read.absent());
  EXPECT_FALSE(read.failed());
  EXPECT_EQ(value, "seven");
  PinnedValue pinned;
  EXPECT_TRUE(storage_->Read(Cf::kChannels, keys::IdKey(7), &pinned).found());
  EXPECT_EQ(pinned.view(), "seven");
  EXPECT_EQ(pinned.size(), 5u);

  read = storage_->Read(Cf::kChannels, keys::IdKey(8), &pinned);
  EXPECT_FALSE(read.found());
  EXPECT_TRUE(read.absent());
  EXPECT_FALSE(read.failed());
  // A key that had to exist: RocksDB's NotFound under the caller's context.
  Status error = read.Error("reading indexed order 8");
  EXPECT_EQ(error.code(), StatusCode::kNotFound);
  EXPECT_EQ(error.message(), "reading indexed order 8: NotFound: ");
}

TEST_F(StorageReadTest, ReadSeesItsSnapshot) {
  Put(Cf::kChannels, keys::IdKey(1), "before");
  ScopedSnapshot snapshot(*storage_);
  Put(Cf::kChannels, keys::IdKey(1), "after");
  PinnedValue value;
  ASSERT_TRUE(
      storage_->Read(Cf::kChannels, keys::IdKey(1), &value, ReadView{&snapshot})
          .found());
  EXPECT_EQ(value.view(), "before");
  ASSERT_TRUE(storage_->Read(Cf::kChannels, keys::IdKey(1), &value).found());
  EXPECT_EQ(value.view(), "after");
}

TEST_F(StorageReadTest, MultiGetReadsEveryKeyInOrder) {
  Put(Cf::kCounters, "k1", "one");
  Put(Cf::kCounters, "k3", "three");
  PinnedValues values;
  storage_->MultiGet(Cf::kCounters, {"k1", "k2", "k3"}, &values);
  ASSERT_EQ(values.size(), 3u);
  EXPECT_TRUE(values.found(0));
  EXPECT_EQ(values.value(0), "one");
  EXPECT_FALSE(values.found(1));
  EXPECT_FALSE(values.failed(1));
  EXPECT_TRUE(values.found(2));
  EXPECT_EQ(values.value(2), "three");
}

TEST_F(StorageReadTest, ScanWithinKeepsToItsBounds) {
  for (const char* key : {"a1", "a2", "b1", "b2", "c1"}) {
    Put(Cf::kTierIndex, key, "");
  }
  {
    ScanBounds bounds;
    bounds.Upper("b2");
    StorageIterator it = storage_->ScanWithin(Cf::kTierIndex, bounds);
    it.Seek("a2");
    EXPECT_EQ(Keys(&it), (std::vector<std::string>{"a2", "b1"}));
  }
  {
    // Backwards from past the end, stopping at the lower bound.
    ScanBounds bounds;
    bounds.Lower("b");
    StorageIterator it = storage_->ScanWithin(Cf::kTierIndex, bounds);
    it.SeekForPrev("b9");
    std::vector<std::string> got;
    for (; it.Valid(); it.Prev()) got.emplace_back(it.key());
    EXPECT_TRUE(it.status("scanning").ok());
    EXPECT_EQ(got, (std::vector<std::string>{"b2", "b1"}));
    it.SeekToLast();
    ASSERT_TRUE(it.Valid());
    EXPECT_EQ(it.key(), "c1");
  }
}

TEST_F(StorageReadTest, ScanWithinSamePrefixStaysInOneHistory) {
  const std::string a = keys::HistoryKey(1, 10, 100);
  const std::string b = keys::HistoryKey(1, 20, 101);
  const std::string c = keys::HistoryKey(2, 10, 102);
  for (const std::string& key : {a, b, c}) Put(Cf::kOrders, key, "");
  // Newest first: b, then a. Ending at a leaves b.
  ScanBounds bounds;
  bounds.Upper(a).SamePrefix();
  StorageIterator it = storage_->ScanWithin(Cf::kOrders, bounds);
  it.Seek(keys::IdKey(1));
  EXPECT_EQ(Keys(&it), std::vector<std::string>{b});
  // Without an upper bound the prefix still ends the scan.
  ScanBounds open;
  open.SamePrefix();
  StorageIterator one = storage_->ScanWithin(Cf::kOrders, open);
  one.Seek(keys::IdKey(1));
  std::vector<std::string> got;
  for (; one.Valid() && one.KeyStartsWith(keys::IdKey(1)); one.Next()) {
    got.emplace_back(one.key());
  }
  EXPECT_EQ(got, (std::vector<std::string>{b, a}));
}

TEST_F(StorageReadTest, ColumnFamilyStatsNameTheFamily) {
  Put(Cf::kChannels, keys::IdKey(1), "x");
  ColumnFamilyStats stats = storage_->ColumnFamilyStatsOf(Cf::kChannels);
  EXPECT_EQ(stats.name, keys::ColumnFamilyName(Cf::kChannels));
  EXPECT_GT(stats.memtable_bytes, 0u);
}

}  // namespace
}  // namespace custdb
