// Options::read_only: an existing database opened for reading only, as a
// backup or snapshot on a read-only file system is (options.h).
//
// Every test compares the directory's entries, sizes, mtimes and contents
// before and after (test::DirectoryState), which proves that nothing was
// written wherever the tests run; OpensOnReadOnlyBindMount also runs on a
// real read-only mount when the sandbox allows mounting.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

namespace fs = std::filesystem;
using test::DaysAgo;
using test::DirectoryState;
using test::NewInteraction;
using test::NewOrder;
using test::OpenTestEngine;
using test::ReadOnlyBindMount;
using test::RewriteSchemaVersion;
using test::TempDir;
using test::TestOptions;
using test::ValueOf;
using test::refmodel::HasCode;

Options ReadOnlyOptions(const std::string& path) {
  Options options = TestOptions(path);
  options.read_only = true;
  return options;
}

::testing::AssertionResult IsReadOnlyRefusal(const Status& s) {
  if (s.code() == StatusCode::kFailedPrecondition &&
      s.message() == "database is open read-only") {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected kFailedPrecondition 'database is open read-only', got "
         << s.ToString();
}

class ReadOnlyTest : public ::testing::Test {
 protected:
  // Channel 1, customers 1 and 2 with orders and a complaint, closed (and
  // so flushed) before each test.
  void SetUp() override {
    path_ = dir_.Sub("db");
    std::unique_ptr<Engine> engine = OpenTestEngine(path_);
    ASSERT_NE(engine, nullptr);
    test::PutChannelTree(engine.get(), {{1, 0}});
    for (uint64_t id : {1, 2}) {
      Customer c;
      c.id = id;
      c.code = "C-" + std::to_string(id);
      c.owner_channel_id = 1;
      c.region = "EU";
      ASSERT_TRUE(engine->CreateCustomer(c).ok());
    }
    ASSERT_TRUE(engine->RecordOrder(NewOrder(10, 1, 1, DaysAgo(3), 5000)).ok());
    ASSERT_TRUE(engine->RecordOrder(NewOrder(11, 2, 1, DaysAgo(90), 700)).ok());
    ASSERT_TRUE(engine
                    ->RecordInteraction(NewInteraction(
                        1, 1, DaysAgo(2), InteractionKind::kComplaint))
                    .ok());
  }

  TempDir dir_;
  std::string path_;
};

// Every read the read-only commands make, on a read-only engine: the same
// answers as read-write, and not one byte or mtime of the directory
// changes (RocksDB writes no LOG, LOCK, OPTIONS or MANIFEST).
TEST_F(ReadOnlyTest, ReadsEverythingAndWritesNothing) {
  const std::string before = DirectoryState(path_);
  {
    auto opened = Engine::Open(ReadOnlyOptions(path_));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Engine& engine = **opened;
    EXPECT_EQ(engine.base_currency(), "EUR");
    CustomerRecord c1 = ValueOf(engine.GetCustomer(1));
    EXPECT_EQ(c1.aggregates.total_spend_minor, 5000);
    EXPECT_EQ(c1.aggregates.complaint_count, 1);
    EXPECT_EQ(ValueOf(engine.GetCustomerByCode("C-2")).profile.id, 2u);
    EXPECT_EQ(ValueOf(engine.GetOrder(11)).amount_minor, 700);
    HistoryQuery history;
    history.customer_id = 1;
    EXPECT_EQ(ValueOf(engine.ListOrders(history)).items.size(), 1u);
    EXPECT_EQ(ValueOf(engine.ListInteractions(history)).items.size(), 1u);
    EXPECT_EQ(ValueOf(engine.ListChannels()).size(), 1u);
    RecordCounts counts = ValueOf(engine.Counts());
    EXPECT_EQ(counts.customers, 2);
    EXPECT_EQ(counts.orders, 2);
    EXPECT_EQ(ValueOf(engine.Stats()).counts.interactions, 1);
    VerifyReport report = ValueOf(engine.Verify(10));
    EXPECT_TRUE(report.ok()) << test::Listing(report);
    EXPECT_EQ(report.customers_checked, 2);
    EXPECT_EQ(ValueOf(engine.FindCustomers(CustomerQuery())).customers.size(),
              2u);
    EXPECT_TRUE(engine.Explain(CustomerQuery()).ok());
    ChurnWatchQuery churn;
    churn.as_of_ms = test::kTestNowMs;
    churn.inactive_days = 30;
    EXPECT_EQ(ValueOf(engine.GetChurnWatch(churn)).count, 1);
    EXPECT_TRUE(engine.GetTierSummary(TierSummaryQuery()).ok());
    EXPECT_TRUE(engine.GetChannelReport(ChannelReportQuery()).ok());
    EXPECT_TRUE(engine.ViewCustomer(1).ok());
    EXPECT_TRUE(engine.GetPolicy().ok());
    int seen = 0;
    EXPECT_TRUE(engine
                    .ForEachCustomer([&seen](const CustomerRecord&) {
                      ++seen;
                      return Status::OK();
                    })
                    .ok());
    EXPECT_EQ(seen, 2);
  }
  EXPECT_EQ(DirectoryState(path_), before);
}

// "Every write fails with kFailedPrecondition": each write entry point of
// Store and Engine, one after another on one engine; none changes the
// directory, and a read-write open afterwards finds the data as it was.
TEST_F(ReadOnlyTest, RefusesEveryWrite) {
  const std::string before = DirectoryState(path_);
  {
    auto opened = Engine::Open(ReadOnlyOptions(path_));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Engine& engine = **opened;
    Channel channel;
    channel.id = 2;
    channel.name = "new";
    EXPECT_TRUE(IsReadOnlyRefusal(engine.PutChannel(channel)));
    Customer customer;
    customer.code = "C-3";
    EXPECT_TRUE(IsReadOnlyRefusal(engine.CreateCustomer(customer).status()));
    CustomerPatch patch;
    patch.name = "Ann";
    EXPECT_TRUE(IsReadOnlyRefusal(engine.UpdateCustomer(1, patch)));
    EXPECT_TRUE(IsReadOnlyRefusal(
        engine.RecordOrder(NewOrder(12, 1, 1, DaysAgo(1), 100))));
    EXPECT_TRUE(IsReadOnlyRefusal(
        engine.UpdateOrderStatus(10, OrderStatus::kRefunded)));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.RefundOrder(10, 100)));
    EXPECT_TRUE(
        IsReadOnlyRefusal(engine
                              .RecordInteraction(NewInteraction(
                                  1, 1, DaysAgo(1), InteractionKind::kCall))
                              .status()));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.ResolveInteraction(1, DaysAgo(1))));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.RedeemLoyaltyPoints(1, 1)));
    std::vector<Event> events = {customer, NewOrder(12, 1, 1, DaysAgo(1), 100)};
    std::vector<Status> statuses;
    std::vector<uint64_t> ids;
    EXPECT_TRUE(IsReadOnlyRefusal(engine.ApplyBatch(events, &statuses, &ids)));
    ASSERT_EQ(statuses.size(), 2u);
    EXPECT_TRUE(IsReadOnlyRefusal(statuses[0]));
    EXPECT_TRUE(IsReadOnlyRefusal(statuses[1]));
    EXPECT_EQ(ids, std::vector<uint64_t>({0, 0}));
    EXPECT_TRUE(
        IsReadOnlyRefusal(engine.ApplyBatchUnlogged(events, &statuses)));
    EXPECT_TRUE(IsReadOnlyRefusal(statuses[0]));
    TierPolicy policy = ValueOf(engine.GetPolicy());
    EXPECT_TRUE(IsReadOnlyRefusal(engine.SetPolicy(policy, nullptr).status()));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.Rescore(RescoreOptions()).status()));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.MergeCustomers(1, 2)));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.EraseCustomer(2)));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.Flush()));
    EXPECT_TRUE(IsReadOnlyRefusal(engine.CompactAll()));
    // Refused writes leave the engine readable.
    EXPECT_EQ(ValueOf(engine.Counts()).customers, 2);
  }
  EXPECT_EQ(DirectoryState(path_), before);
  std::unique_ptr<Engine> engine = OpenTestEngine(path_);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(ValueOf(engine->Counts()).customers, 2);
  EXPECT_TRUE(engine->GetChannel(2).status().IsNotFound());
  EXPECT_EQ(ValueOf(engine->GetOrder(10)).status, OrderStatus::kCompleted);
}

// A read-only open never creates: not a new directory, not a database in
// an empty one, whatever create_if_missing says.
TEST(ReadOnlyOpenTest, MissingDatabaseIsNotFoundAndNothingIsCreated) {
  TempDir dir;
  const std::string missing = dir.Sub("missing");
  auto opened = Engine::Open(ReadOnlyOptions(missing));
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kNotFound));
  EXPECT_NE(opened.status().message().find("read-only"), std::string::npos)
      << opened.status().ToString();
  EXPECT_FALSE(fs::exists(missing));

  const std::string empty = dir.Sub("empty");
  fs::create_directory(empty);
  opened = Engine::Open(ReadOnlyOptions(empty));
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kNotFound));
  EXPECT_TRUE(fs::is_empty(empty));
}

// An older schema is migrated on open, which writes: read-only refuses
// with a message naming the version and what to do, and changes nothing;
// once opened read-write (migrated), it opens read-only.
TEST_F(ReadOnlyTest, OlderSchemaIsRefusedUntilMigrated) {
  ASSERT_EQ(RewriteSchemaVersion(path_, "1"), "3");
  const std::string before = DirectoryState(path_);
  auto opened = Engine::Open(ReadOnlyOptions(path_));
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kFailedPrecondition));
  EXPECT_NE(opened.status().message().find("schema_version: 1 is older than "
                                           "this build's 3 and must be "
                                           "migrated, which a read-only open "
                                           "cannot do"),
            std::string::npos)
      << opened.status().ToString();
  EXPECT_EQ(DirectoryState(path_), before);

  { ASSERT_NE(OpenTestEngine(path_), nullptr); }
  opened = Engine::Open(ReadOnlyOptions(path_));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(ValueOf((*opened)->Stats()).schema_version, 3);
  EXPECT_EQ(ValueOf((*opened)->GetCustomer(1)).aggregates.total_spend_minor,
            5000);
}

// The case of the issue: a database on a read-only file system. Without
// read_only, RocksDB cannot even rotate its LOG there; with it, the
// engine opens and reads. Needs a mount (CAP_SYS_ADMIN); the tests above
// prove the same "writes nothing" everywhere else.
TEST_F(ReadOnlyTest, OpensOnReadOnlyBindMount) {
  const std::string mount_point = dir_.Sub("ro");
  fs::create_directory(mount_point);
  ReadOnlyBindMount mount(path_, mount_point);
  if (!mount.ok()) {
    GTEST_SKIP() << mount.why()
                 << "; ReadsEverythingAndWritesNothing covers the rest";
  }
  {
    auto writable = Engine::Open(TestOptions(mount_point));
    EXPECT_FALSE(writable.ok()) << "the mount is not read-only";
  }

  auto opened = Engine::Open(ReadOnlyOptions(mount_point));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(ValueOf((*opened)->Counts()).orders, 2);
  VerifyReport report = ValueOf((*opened)->Verify(10));
  EXPECT_TRUE(report.ok()) << test::Listing(report);
  EXPECT_TRUE(IsReadOnlyRefusal((*opened)->Flush()));
}

// A read-only open takes no lock, so it can read beside a process that
// has the database open for writing (seeing what was written before it
// opened).
TEST_F(ReadOnlyTest, OpensBesideAReadWriteEngine) {
  std::unique_ptr<Engine> writer = OpenTestEngine(path_);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->RecordOrder(NewOrder(12, 2, 1, DaysAgo(1), 300)).ok());
  auto reader = Engine::Open(ReadOnlyOptions(path_));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(ValueOf((*reader)->GetCustomer(2)).aggregates.total_spend_minor,
            1000);
}

}  // namespace
}  // namespace custdb
