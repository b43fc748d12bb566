// Engine::Checkpoint: the copy opens as a custdb database and verifies
// clean, holds what was written before it (unlogged writes too) and
// nothing after, stays consistent under concurrent writers, and refuses
// an existing directory and a read-only engine.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "custdb/engine.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::DaysAgo;
using test::NewInteraction;
using test::NewOrder;
using test::OpenTestEngine;
using test::TempDir;
using test::TestOptions;
using test::ValueOf;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine_, nullptr);
    test::PutChannelTree(engine_.get(), {{1, 0}, {2, 1}});
    for (uint64_t id = 1; id <= 20; ++id) {
      Customer c;
      c.id = id;
      c.code = "C-" + std::to_string(id);
      c.owner_channel_id = id % 2 + 1;
      ASSERT_TRUE(engine_->CreateCustomer(c).ok());
      ASSERT_TRUE(engine_
                      ->RecordOrder(NewOrder(100 + id, id, 1, DaysAgo(id),
                                             1000 * static_cast<int64_t>(id)))
                      .ok());
    }
    ASSERT_TRUE(engine_
                    ->RecordInteraction(NewInteraction(
                        3, 1, DaysAgo(1), InteractionKind::kComplaint))
                    .ok());
  }

  // Opens the checkpoint at `path`, fails the test unless it verifies
  // clean, and returns it.
  std::unique_ptr<Engine> OpenCopy(const std::string& path) {
    auto copy = Engine::Open(TestOptions(path));
    EXPECT_TRUE(copy.ok()) << copy.status().ToString();
    if (!copy.ok()) return nullptr;
    VerifyReport report = ValueOf((*copy)->Verify(20));
    EXPECT_TRUE(report.ok()) << test::Listing(report);
    return std::move(copy).value();
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(CheckpointTest, CopyOpensVerifiesAndHoldsWhatCameBefore) {
  // Written without the WAL, so only a flush puts it in the copy.
  std::vector<Event> unlogged = {NewOrder(500, 5, 2, DaysAgo(2), 777)};
  std::vector<Status> statuses;
  ASSERT_TRUE(engine_->ApplyBatchUnlogged(unlogged, &statuses).ok());
  ASSERT_TRUE(statuses[0].ok()) << statuses[0].ToString();
  const RecordCounts before = ValueOf(engine_->Counts());

  const std::string copy_dir = dir_.Sub("copy");
  ASSERT_TRUE(engine_->Checkpoint(copy_dir).ok());
  // Written after: not in the copy.
  ASSERT_TRUE(engine_->RecordOrder(NewOrder(600, 6, 1, DaysAgo(1), 5)).ok());

  std::unique_ptr<Engine> copy = OpenCopy(copy_dir);
  ASSERT_NE(copy, nullptr);
  const RecordCounts counts = ValueOf(copy->Counts());
  EXPECT_EQ(counts.customers, before.customers);
  EXPECT_EQ(counts.orders, before.orders);
  EXPECT_EQ(counts.interactions, before.interactions);
  EXPECT_EQ(counts.channels, 2);
  EXPECT_EQ(ValueOf(copy->GetOrder(500)).amount_minor, 777);
  EXPECT_EQ(copy->GetOrder(600).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ValueOf(copy->GetCustomer(5)).aggregates.total_spend_minor,
            ValueOf(engine_->GetCustomer(5)).aggregates.total_spend_minor);
  EXPECT_EQ(copy->base_currency(), "EUR");
  // The copy is a database of its own: writable, and the original is not
  // touched by its writes.
  ASSERT_TRUE(copy->RecordOrder(NewOrder(700, 7, 1, DaysAgo(1), 9)).ok());
  EXPECT_EQ(engine_->GetOrder(700).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(ValueOf(engine_->Verify(20)).ok());
}

// Writers running through the checkpoint: the copy holds some prefix of
// their orders, and every index and counter agrees with it.
TEST_F(CheckpointTest, ConsistentUnderConcurrentWriters) {
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (uint64_t i = 0; !stop.load() && i < 100000; ++i) {
        const uint64_t id = 10000 + i * 2 + static_cast<uint64_t>(w);
        const uint64_t customer = 1 + (i % 20);
        if (engine_->RecordOrder(NewOrder(id, customer, 2, DaysAgo(1), 10))
                .ok()) {
          ++written;
        }
      }
    });
  }
  // Wait (bounded) until the writers are under way.
  for (int spin = 0; written.load() < 200 && spin < 20000; ++spin) {
    std::this_thread::yield();
  }
  const std::string copy_dir = dir_.Sub("copy");
  Status s = engine_->Checkpoint(copy_dir);
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<Engine> copy = OpenCopy(copy_dir);
  ASSERT_NE(copy, nullptr);
  EXPECT_GE(ValueOf(copy->Counts()).orders, 20);
  EXPECT_TRUE(ValueOf(engine_->Verify(20)).ok());
}

TEST_F(CheckpointTest, ExistingDirectoryIsAlreadyExists) {
  const std::string empty_dir = dir_.Sub("empty");
  std::filesystem::create_directory(empty_dir);
  Status s = engine_->Checkpoint(empty_dir);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_NE(s.message().find(empty_dir), std::string::npos) << s.message();
  EXPECT_TRUE(std::filesystem::is_empty(empty_dir));

  const std::string file = dir_.Sub("file");
  std::ofstream(file) << "x";
  EXPECT_EQ(engine_->Checkpoint(file).code(), StatusCode::kAlreadyExists);

  // A second checkpoint into the first's directory.
  ASSERT_TRUE(engine_->Checkpoint(dir_.Sub("copy")).ok());
  EXPECT_EQ(engine_->Checkpoint(dir_.Sub("copy")).code(),
            StatusCode::kAlreadyExists);
  // The database itself.
  EXPECT_EQ(engine_->Checkpoint(dir_.Sub("db")).code(),
            StatusCode::kAlreadyExists);
}

TEST_F(CheckpointTest, BadTargetsAreRefusedLeavingNothing) {
  EXPECT_EQ(engine_->Checkpoint("").code(), StatusCode::kInvalidArgument);
  const std::string orphan = dir_.Sub("no/such/parent");
  Status s = engine_->Checkpoint(orphan);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_NE(s.message().find(orphan), std::string::npos) << s.message();
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("no")));
}

TEST_F(CheckpointTest, ReadOnlyEngineIsFailedPrecondition) {
  engine_.reset();
  Options options = TestOptions(dir_.Sub("db"));
  options.read_only = true;
  auto reader = Engine::Open(options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Status s = (*reader)->Checkpoint(dir_.Sub("copy"));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("copy")));
}

}  // namespace
}  // namespace custdb
