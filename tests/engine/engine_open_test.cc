// Engine::Open: creating, reopening and refusing directories (engine.h,
// options.h).
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

namespace fs = std::filesystem;
using test::kTestNowMs;
using test::OpenTestEngine;
using test::RewriteSchemaVersion;
using test::TempDir;
using test::TestOptions;
using test::refmodel::CoreAggregatesMatch;
using test::refmodel::Fingerprint;
using test::refmodel::HasCode;

// Every regular file under `dir` with its contents.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(entry.path(), dir).string();
    if (!entry.is_regular_file()) {
      files[rel] = "<dir>";
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    files[rel] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

// Writes some of every kind of record.
void Populate(Engine& engine) {
  Channel channel;
  channel.id = 7;
  channel.name = "web shop";
  channel.type = ChannelType::kEcommerce;
  ASSERT_TRUE(engine.PutChannel(channel).ok());
  Customer customer;
  customer.id = 11;
  customer.code = "C-11";
  customer.email = "ann@example.com";
  ASSERT_TRUE(engine.CreateCustomer(customer).ok());
  Order order;
  order.id = 21;
  order.customer_id = 11;
  order.channel_id = 7;
  order.ts_ms = kTestNowMs - 1000;
  order.amount_minor = 4200;
  ASSERT_TRUE(engine.RecordOrder(order).ok());
  Interaction interaction;
  interaction.customer_id = 11;
  interaction.ts_ms = kTestNowMs - 500;
  interaction.kind = InteractionKind::kComplaint;
  interaction.nps = 3;
  ASSERT_TRUE(engine.RecordInteraction(interaction).ok());
}

TEST(EngineOpenTest, CreatesDatabaseInNewDirectory) {
  TempDir dir;
  std::string path = dir.Sub("db");
  ASSERT_FALSE(fs::exists(path));
  auto opened = Engine::Open(TestOptions(path));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE(fs::is_directory(path));
  EXPECT_FALSE(fs::is_empty(path));
  EXPECT_EQ((*opened)->base_currency(), "EUR");
  auto counts = (*opened)->Counts();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->channels, 0);
  EXPECT_EQ(counts->customers, 0);
  EXPECT_EQ(counts->orders, 0);
  EXPECT_EQ(counts->interactions, 0);
}

TEST(EngineOpenTest, CreatesDatabaseInExistingEmptyDirectory) {
  TempDir dir;  // exists and is empty
  auto opened = Engine::Open(TestOptions(dir.path()));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  opened->reset();
  auto reopened = Engine::Open(TestOptions(dir.path()));
  EXPECT_TRUE(reopened.ok()) << reopened.status().ToString();
}

TEST(EngineOpenTest, ReopenKeepsData) {
  TempDir dir;
  std::string path = dir.Sub("db");
  std::string before;
  {
    std::unique_ptr<Engine> engine = OpenTestEngine(path);
    ASSERT_NE(engine, nullptr);
    Populate(*engine);
    before = Fingerprint(*engine);
  }
  std::unique_ptr<Engine> engine = OpenTestEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Fingerprint(*engine), before);
  auto customer = engine->GetCustomerByEmail("ann@example.com");
  ASSERT_TRUE(customer.ok()) << customer.status().ToString();
  EXPECT_EQ(customer->profile.id, 11u);
  Aggregates expected;
  expected.order_count = 1;
  expected.completed_order_count = 1;
  expected.total_spend_minor = 4200;
  expected.first_order_ms = kTestNowMs - 1000;
  expected.last_order_ms = kTestNowMs - 1000;
  expected.last_interaction_ms = kTestNowMs - 500;
  expected.last_activity_ms = kTestNowMs - 500;
  expected.interaction_count = 1;
  expected.complaint_count = 1;
  expected.open_complaint_count = 1;
  expected.last_nps = 3;
  expected.last_nps_ms = kTestNowMs - 500;
  EXPECT_TRUE(CoreAggregatesMatch(expected, customer->aggregates));
  auto order = engine->GetOrder(21);
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(order->amount_minor, 4200);
  auto channel = engine->GetChannel(7);
  ASSERT_TRUE(channel.ok()) << channel.status().ToString();
  EXPECT_EQ(channel->name, "web shop");
  auto counts = engine->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->channels, 1);
  EXPECT_EQ(counts->customers, 1);
  EXPECT_EQ(counts->orders, 1);
  EXPECT_EQ(counts->interactions, 1);
}

TEST(EngineOpenTest, ReopenAssignsFreshIds) {
  TempDir dir;
  std::string path = dir.Sub("db");
  std::set<uint64_t> customer_ids;
  std::set<uint64_t> interaction_ids;
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<Engine> engine = OpenTestEngine(path);
    ASSERT_NE(engine, nullptr);
    for (int i = 0; i < 5; ++i) {
      auto id = engine->CreateCustomer(Customer{});
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      EXPECT_TRUE(customer_ids.insert(*id).second) << "reused id " << *id;
      Interaction interaction;
      interaction.customer_id = *id;
      interaction.ts_ms = kTestNowMs;
      auto iid = engine->RecordInteraction(interaction);
      ASSERT_TRUE(iid.ok()) << iid.status().ToString();
      EXPECT_TRUE(interaction_ids.insert(*iid).second) << "reused " << *iid;
    }
  }
}

TEST(EngineOpenTest, MissingDirectoryWithoutCreateIfMissingFails) {
  TempDir dir;
  Options options = TestOptions(dir.Sub("db"));
  options.create_if_missing = false;
  auto opened = Engine::Open(options);
  EXPECT_FALSE(opened.ok());
  EXPECT_FALSE(fs::exists(dir.Sub("db")));
}

TEST(EngineOpenTest, EmptyDirectoryWithoutCreateIfMissingFails) {
  TempDir dir;
  Options options = TestOptions(dir.path());
  options.create_if_missing = false;
  auto opened = Engine::Open(options);
  EXPECT_FALSE(opened.ok());
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(EngineOpenTest, CreateIfMissingFalseOpensExistingDatabase) {
  TempDir dir;
  std::string path = dir.Sub("db");
  { ASSERT_NE(OpenTestEngine(path), nullptr); }
  Options options = TestOptions(path);
  options.create_if_missing = false;
  auto opened = Engine::Open(options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
}

TEST(EngineOpenTest, ErrorIfExistsRejectsExistingDatabase) {
  TempDir dir;
  std::string path = dir.Sub("db");
  Options options = TestOptions(path);
  options.error_if_exists = true;
  {
    auto created = Engine::Open(options);  // nothing there yet: fine
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    Populate(**created);
  }
  auto opened = Engine::Open(options);
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kAlreadyExists));
  // The database is intact.
  std::unique_ptr<Engine> engine = OpenTestEngine(path);
  ASSERT_NE(engine, nullptr);
  auto customer = engine->GetCustomer(11);
  EXPECT_TRUE(customer.ok()) << customer.status().ToString();
}

TEST(EngineOpenTest, ForeignNonEmptyDirectoryIsRejectedAndUntouched) {
  TempDir dir;
  {
    std::ofstream out(dir.Sub("notes.txt"), std::ios::binary);
    out << "not a database\n";
  }
  fs::create_directory(dir.Sub("sub"));
  auto before = Snapshot(dir.path());
  auto opened = Engine::Open(TestOptions(dir.path()));
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kInvalidArgument));
  EXPECT_EQ(Snapshot(dir.path()), before);
}

TEST(EngineOpenTest, PlainRocksDbIsRejectedAndNotTakenOver) {
  TempDir dir;
  std::string path = dir.Sub("db");
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "k", "v").ok());
    ASSERT_TRUE(db->Close().ok());
  }
  auto opened = Engine::Open(TestOptions(path));
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kInvalidArgument));

  // No custdb column family was added and the data is still there.
  std::vector<std::string> families;
  ASSERT_TRUE(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families)
          .ok());
  EXPECT_EQ(families, std::vector<std::string>{"default"});
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::OpenForReadOnly(rocksdb::Options(), path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), "k", &value).ok());
  EXPECT_EQ(value, "v");
}

TEST(EngineOpenTest, NewerSchemaVersionIsRejected) {
  TempDir dir;
  std::string path = dir.Sub("db");
  int version = 0;
  {
    std::unique_ptr<Engine> engine = OpenTestEngine(path);
    ASSERT_NE(engine, nullptr);
    Populate(*engine);
    auto stats = engine->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    version = stats->schema_version;
    EXPECT_GE(version, 1);
    ASSERT_TRUE(engine->Flush().ok());
  }
  std::string newer = std::to_string(version + 1);
  ASSERT_EQ(RewriteSchemaVersion(path, newer), std::to_string(version));

  auto opened = Engine::Open(TestOptions(path));
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kFailedPrecondition));

  // Refusing did not rewrite the version; putting ours back opens again.
  EXPECT_EQ(RewriteSchemaVersion(path, std::to_string(version)), newer);
  std::unique_ptr<Engine> engine = OpenTestEngine(path);
  ASSERT_NE(engine, nullptr);
  auto customer = engine->GetCustomer(11);
  EXPECT_TRUE(customer.ok()) << customer.status().ToString();
}

// "~Engine: Flushes memtables and closes the database": after the engine
// is gone nothing is left to replay from the log, so RocksDB's own tools
// (ldb, sst_dump), which know nothing of custdb's merge operator, see every
// record.
TEST(EngineOpenTest, CloseFlushesMemtables) {
  TempDir dir;
  std::string path = dir.Sub("db");
  {
    std::unique_ptr<Engine> engine = OpenTestEngine(path);
    ASSERT_NE(engine, nullptr);
    Populate(*engine);
  }
  std::vector<std::string> names;
  ASSERT_TRUE(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path,
                                                   descriptors, &handles, &raw);
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != "customers" && names[i] != "orders") continue;
    SCOPED_TRACE(names[i]);
    std::unique_ptr<rocksdb::Iterator> it(
        raw->NewIterator(rocksdb::ReadOptions(), handles[i]));
    int keys = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++keys;
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    EXPECT_EQ(keys, 1);
  }
  for (auto* h : handles) EXPECT_TRUE(raw->DestroyColumnFamilyHandle(h).ok());
  delete raw;
}

TEST(EngineOpenTest, BaseCurrencyMismatchOnReopenIsRejected) {
  TempDir dir;
  std::string path = dir.Sub("db");
  { ASSERT_NE(OpenTestEngine(path), nullptr); }  // EUR
  Options options = TestOptions(path);
  options.base_currency = "USD";
  auto opened = Engine::Open(options);
  EXPECT_TRUE(HasCode(opened.status(), StatusCode::kInvalidArgument));
}

TEST(EngineOpenTest, EmptyBaseCurrencyOnOpenUsesStoredOne) {
  TempDir dir;
  std::string path = dir.Sub("db");
  { ASSERT_NE(OpenTestEngine(path), nullptr); }  // EUR
  Options options = TestOptions(path);
  options.base_currency.clear();
  auto opened = Engine::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->base_currency(), "EUR");
  auto stats = (*opened)->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->base_currency, "EUR");
}

TEST(EngineOpenTest, EmptyBaseCurrencyOnCreationIsUsd) {
  TempDir dir;
  Options options = TestOptions(dir.Sub("db"));
  options.base_currency.clear();
  {
    auto opened = Engine::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ((*opened)->base_currency(), "USD");
  }
  options.base_currency = "USD";
  auto reopened = Engine::Open(options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->base_currency(), "USD");
}

TEST(EngineOpenTest, SecondOpenOfOpenDatabaseFails) {
  TempDir dir;
  std::string path = dir.Sub("db");
  std::unique_ptr<Engine> engine = OpenTestEngine(path);
  ASSERT_NE(engine, nullptr);
  auto second = Engine::Open(TestOptions(path));
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().code() == StatusCode::kBusy ||
              second.status().code() == StatusCode::kIOError)
      << second.status().ToString();
  // The first handle still works.
  EXPECT_TRUE(engine->CreateCustomer(Customer{}).ok());
}

}  // namespace
}  // namespace custdb
