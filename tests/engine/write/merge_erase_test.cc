// EraseCustomer on disk: nothing with the customer's personal data is left
// in any column family but its audit entry (the Store behaviour of merges
// and erasures is tests/store/merge_erase_test.cc).
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "storage/keys.h"
#include "support/test_util.h"

namespace custdb {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kT0 = test::kTestNowMs - 100 * kDay;

using test::Listing;

// The fixture of tests/store/merge_erase_test.cc, on an Engine, with what
// the test here uses.
class MergeEraseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = test::OpenTestEngine(dir_.path());
    for (uint64_t id : {1, 2}) {
      Channel c;
      c.id = id;
      c.name = "ch" + std::to_string(id);
      ASSERT_TRUE(engine_->PutChannel(c).ok());
    }
  }

  uint64_t NewCustomer(const std::string& code, const std::string& email,
                       const std::string& phone, uint64_t owner = 1) {
    Customer c;
    c.code = code;
    c.email = email;
    c.phone = phone;
    c.owner_channel_id = owner;
    c.region = "UK";
    auto id = engine_->CreateCustomer(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  void Order(uint64_t id, uint64_t customer, int64_t ts, int64_t amount) {
    ASSERT_TRUE(
        engine_->RecordOrder(test::NewOrder(id, customer, 1, ts, amount)).ok());
  }

  void ExpectClean() {
    auto report = engine_->Verify(20);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << Listing(*report);
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(MergeEraseTest, EraseLeavesOnlyTheAuditEntry) {
  const uint64_t bob = NewCustomer("bob", "bob@x.org", "+441200");
  const uint64_t keep = NewCustomer("keep", "", "");
  Order(1, bob, kT0, 1000);
  Order(2, keep, kT0, 700);
  ASSERT_TRUE(engine_
                  ->RecordInteraction(test::NewInteraction(
                      bob, 1, kT0, InteractionKind::kComplaint))
                  .ok());
  ASSERT_TRUE(engine_->EraseCustomer(bob).ok());
  EXPECT_EQ(engine_->GetCustomer(bob).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetCustomerByEmail("bob@x.org").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetOrder(1).status().code(), StatusCode::kNotFound);
  auto counts = *engine_->Counts();
  EXPECT_EQ(counts.customers, 1);
  EXPECT_EQ(counts.orders, 1);
  EXPECT_EQ(counts.interactions, 0);
  EXPECT_EQ(engine_->EraseCustomer(bob).code(), StatusCode::kNotFound);
  // The code is free again.
  EXPECT_TRUE(engine_
                  ->UpdateCustomer(keep,
                                   [] {
                                     CustomerPatch p;
                                     p.code = std::string("bob");
                                     return p;
                                   }())
                  .ok());
  ExpectClean();
  engine_.reset();

  // Nothing with the customer's personal data is left in any column
  // family; the audit entry holds only the id and the time.
  rocksdb::Options options;
  std::vector<std::string> names;
  ASSERT_TRUE(
      rocksdb::DB::ListColumnFamilies(options, dir_.path(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names)
    cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::OpenForReadOnly(options, dir_.path(), cfs, &handles, &raw)
          .ok());
  bool audit = false;
  for (auto* h : handles) {
    std::unique_ptr<rocksdb::Iterator> it(
        raw->NewIterator(rocksdb::ReadOptions(), h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string kv = it->key().ToString() + it->value().ToString();
      EXPECT_EQ(kv.find("bob@x.org"), std::string::npos)
          << h->GetName() << " key " << it->key().ToString(true);
      EXPECT_EQ(kv.find("441200"), std::string::npos) << h->GetName();
      if (it->key().ToString() == keys::ErasureAuditKey(bob)) audit = true;
    }
  }
  EXPECT_TRUE(audit);
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
}

}  // namespace
}  // namespace custdb
