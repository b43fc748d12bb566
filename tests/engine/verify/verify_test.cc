// Engine::Verify (engine.h): a database written through the API verifies
// clean, and each kind of damage injected behind the engine's back, with
// plain RocksDB, is reported naming the record and the field.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "custdb/engine.h"
#include "custdb/time_format.h"
#include "storage/codec.h"
#include "storage/counter_merge_operator.h"
#include "storage/customer_reader.h"
#include "storage/keys.h"
#include "support/test_util.h"
#include "verify/verify_context.h"

namespace custdb {
namespace {

using test::kTestNowMs;
using test::OpenTestEngine;
using test::TempDir;

constexpr uint64_t kShop = 3;
constexpr uint64_t kWeb = 4;
constexpr uint64_t kAnn = 100;
constexpr uint64_t kBob = 200;
constexpr uint64_t kCat = 300;
constexpr int64_t kDay = 86400000;
constexpr int64_t kT0 = kTestNowMs - 400 * kDay;

// The database directory opened with plain RocksDB, as a tool or a damaged
// disk would see it, to change stored bytes behind the engine's back.
// Closing flushes every column family.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    std::vector<std::string> names;
    rocksdb::Status s =
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      rocksdb::ColumnFamilyOptions options;
      if (name == keys::ColumnFamilyName(keys::Cf::kCounters) ||
          name == keys::ColumnFamilyName(keys::Cf::kReportCounters)) {
        options.merge_operator = NewAddOperator();
      }
      descriptors.emplace_back(name, options);
    }
    rocksdb::DB* db = nullptr;
    s = rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles_,
                          &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
  }

  ~RawDb() {
    if (!db_) return;
    EXPECT_TRUE(db_->Flush(rocksdb::FlushOptions(), handles_).ok());
    for (auto* handle : handles_) {
      EXPECT_TRUE(db_->DestroyColumnFamilyHandle(handle).ok());
    }
    EXPECT_TRUE(db_->Close().ok());
  }

  void Put(keys::Cf cf, const std::string& key, const std::string& value) {
    EXPECT_TRUE(db_->Put(rocksdb::WriteOptions(), Cf(cf), key, value).ok());
  }
  void Delete(keys::Cf cf, const std::string& key) {
    std::string ignored;
    ASSERT_TRUE(db_->Get(rocksdb::ReadOptions(), Cf(cf), key, &ignored).ok())
        << "deleting an absent key proves nothing";
    EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), Cf(cf), key).ok());
  }
  void Merge(keys::Cf cf, const std::string& key, const std::string& operand) {
    EXPECT_TRUE(db_->Merge(rocksdb::WriteOptions(), Cf(cf), key, operand).ok());
  }
  std::string Get(keys::Cf cf, const std::string& key) {
    std::string value;
    EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), Cf(cf), key, &value).ok());
    return value;
  }

 private:
  rocksdb::ColumnFamilyHandle* Cf(keys::Cf cf) {
    for (auto* handle : handles_) {
      if (handle->GetName() == keys::ColumnFamilyName(cf)) return handle;
    }
    ADD_FAILURE() << "no column family " << keys::ColumnFamilyName(cf);
    return handles_[0];
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

Order MakeOrder(uint64_t id, uint64_t customer_id, int64_t ts_ms,
                int64_t amount_minor,
                OrderStatus status = OrderStatus::kCompleted) {
  return test::NewOrder(id, customer_id, id % 2 ? kShop : kWeb, ts_ms,
                        amount_minor, status);
}

Interaction MakeInteraction(uint64_t customer_id, int64_t ts_ms,
                            InteractionKind kind,
                            std::optional<int32_t> satisfaction = {},
                            std::optional<int32_t> nps = {}) {
  Interaction i = test::NewInteraction(customer_id, kShop, ts_ms, kind);
  i.satisfaction = satisfaction;
  i.nps = nps;
  return i;
}

HistoryQuery HistoryOf(uint64_t customer_id) {
  HistoryQuery query;
  query.customer_id = customer_id;
  return query;
}

// True if some listed problem contains every one of `parts`.
bool Reports(const VerifyReport& report,
             const std::vector<std::string>& parts) {
  for (const VerifyProblem& p : report.problems) {
    bool all = true;
    for (const std::string& part : parts) {
      all = all && p.what.find(part) != std::string::npos;
    }
    if (all) return true;
  }
  return false;
}

using test::Listing;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenTestEngine(path_);
    ASSERT_NE(engine_, nullptr);
    WriteWorkload();
  }

  void Ok(const Status& s) { ASSERT_TRUE(s.ok()) << s.ToString(); }

  void Record(const Order& order) {
    Ok(engine_->RecordOrder(order));
    ++orders_;
  }
  uint64_t Record(const Interaction& interaction) {
    auto id = engine_->RecordInteraction(interaction);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    ++interactions_;
    return id.ok() ? *id : 0;
  }

  void WriteWorkload() {
    for (uint64_t id : {kShop, kWeb}) {
      Channel channel;
      channel.id = id;
      channel.name = "channel " + std::to_string(id);
      Ok(engine_->PutChannel(channel));
    }
    Customer ann;
    ann.id = kAnn;
    ann.code = "ann";
    ann.email = "ann@example.com";
    ann.phone = "+441000";
    Customer bob;
    bob.id = kBob;
    bob.code = "bob";
    bob.email = "bob@example.com";
    bob.phone = "+442000";
    Customer cat;
    cat.id = kCat;
    for (const Customer& c : {ann, bob, cat}) {
      ASSERT_TRUE(engine_->CreateCustomer(c).ok());
    }
    WriteOrders();
    WriteInteractions();
    // Identity changes: a new email, a phone removed, a code added.
    CustomerPatch ann_patch;
    ann_patch.email = "ann@new.example.com";
    Ok(engine_->UpdateCustomer(kAnn, ann_patch));
    CustomerPatch bob_patch;
    bob_patch.phone = "";
    Ok(engine_->UpdateCustomer(kBob, bob_patch));
    CustomerPatch cat_patch;
    cat_patch.code = "cat";
    cat_patch.email = "ann@example.com";  // freed by Ann above
    Ok(engine_->UpdateCustomer(kCat, cat_patch));
    WriteBatch();
  }

  void WriteOrders() {
    Record(MakeOrder(1001, kAnn, kT0 + 10 * kDay, 5000));
    Record(MakeOrder(1002, kAnn, kT0 + 20 * kDay, 7000, OrderStatus::kPlaced));
    Ok(engine_->UpdateOrderStatus(1002, OrderStatus::kPaid));
    Ok(engine_->UpdateOrderStatus(1002, OrderStatus::kCompleted));
    Record(MakeOrder(1003, kAnn, kT0 + 30 * kDay, 900, OrderStatus::kPlaced));
    Ok(engine_->UpdateOrderStatus(1003, OrderStatus::kCancelled));
    Record(MakeOrder(1004, kAnn, kT0 + 5 * kDay, 4000, OrderStatus::kPaid));
    Ok(engine_->RefundOrder(1004, 300));
    Ok(engine_->RefundOrder(1004, 3700));  // now refunded in full
    Order credit = MakeOrder(1005, kAnn, kT0 + 40 * kDay, 700);
    credit.kind = OrderKind::kCreditNote;
    Record(credit);
    // More than kRecentOrders, out of time order, some on the same ts.
    for (uint64_t k = 0; k < 20; ++k) {
      Record(MakeOrder(1100 + k, kAnn, kT0 + ((k * 7) % 13) * kDay, 100 + k));
    }
    Record(MakeOrder(2001, kBob, kT0 + 50 * kDay, 3000, OrderStatus::kPaid));
    Ok(engine_->RefundOrder(2001, 1000));
    Ok(engine_->UpdateOrderStatus(2001, OrderStatus::kCancelled));
    Record(MakeOrder(2002, kBob, kT0 + 60 * kDay, 8000));
    Ok(engine_->UpdateOrderStatus(2002, OrderStatus::kRefunded));
  }

  void WriteInteractions() {
    const int64_t t = kT0 + 70 * kDay;
    // Two NPS on the same ts: the larger id wins.
    Record(MakeInteraction(kAnn, t, InteractionKind::kCall, 4, 9));
    Record(MakeInteraction(kAnn, t, InteractionKind::kEmail, {}, 3));
    uint64_t complaint =
        Record(MakeInteraction(kAnn, t - kDay, InteractionKind::kComplaint, 1));
    Ok(engine_->ResolveInteraction(complaint, t));
    Record(MakeInteraction(kAnn, t - 2 * kDay, InteractionKind::kComplaint));
    uint64_t ticket =
        Record(MakeInteraction(kAnn, t - 3 * kDay, InteractionKind::kTicket));
    Ok(engine_->ResolveInteraction(ticket, t + kDay));
    // An older NPS recorded later does not replace the newer one.
    Record(MakeInteraction(kBob, t, InteractionKind::kSurvey, 5, 10));
    Record(MakeInteraction(kBob, t - 5 * kDay, InteractionKind::kSurvey, 2, 2));
  }

  // A batch that creates a customer and orders, changes an order it
  // created, and records and resolves an interaction.
  void WriteBatch() {
    Customer dan;
    dan.email = "dan@example.com";
    std::vector<Event> events;
    events.push_back(dan);
    events.push_back(
        MakeOrder(3001, kCat, kT0 + 80 * kDay, 2500, OrderStatus::kPlaced));
    events.push_back(OrderStatusChange{3001, OrderStatus::kPaid});
    events.push_back(OrderRefund{3001, 500});
    events.push_back(MakeInteraction(kCat, kT0 + 81 * kDay,
                                     InteractionKind::kComplaint, 2, 6));
    std::vector<Status> statuses;
    Ok(engine_->ApplyBatch(events, &statuses));
    for (const Status& s : statuses) Ok(s);
    ++customers_;
    ++orders_;
    ++interactions_;
    auto page = engine_->ListInteractions(HistoryOf(kCat));
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->items.size(), 1u);
    std::vector<Event> resolve = {
        InteractionResolution{page->items[0].id, kT0 + 82 * kDay}};
    Ok(engine_->ApplyBatch(resolve, &statuses));
    Ok(statuses[0]);
  }

  // Closes the engine, applies `damage` with plain RocksDB, reopens and
  // verifies.
  template <typename Damage>
  VerifyReport VerifyAfter(Damage damage, size_t max_problems = 100) {
    engine_.reset();
    {
      RawDb raw(path_);
      damage(&raw);
    }
    engine_ = OpenTestEngine(path_);
    EXPECT_NE(engine_, nullptr);
    if (engine_ == nullptr) return VerifyReport();
    return test::ValueOf(engine_->Verify(max_problems));
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("db");
  std::unique_ptr<Engine> engine_;
  int64_t customers_ = 3;
  int64_t orders_ = 0;
  int64_t interactions_ = 0;
};

TEST_F(VerifyTest, CleanWorkloadHasNoProblems) {
  auto report = engine_->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << Listing(*report);
  EXPECT_EQ(report->customers_checked, customers_);
  EXPECT_EQ(report->orders_checked, orders_);
  EXPECT_EQ(report->interactions_checked, interactions_);
  // One id entry per order and interaction; codes ann, bob, cat; emails of
  // Ann, Bob, Cat and Dan; Ann's phone.
  EXPECT_EQ(report->index_entries_checked, orders_ + interactions_ + 3 + 4 + 1);
}

TEST_F(VerifyTest, CleanAfterReopenFromTables) {
  ASSERT_TRUE(engine_->Flush().ok());
  engine_.reset();
  engine_ = OpenTestEngine(path_);
  ASSERT_NE(engine_, nullptr);
  auto report = engine_->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << Listing(*report);
  EXPECT_EQ(report->orders_checked, orders_);
}

TEST_F(VerifyTest, ReportsMissingAggregatesEntry) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Delete(keys::Cf::kAggregates, keys::IdKey(kBob));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(report, {"customer 200", "no aggregates entry"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsAggregatesWithoutCustomer) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(keys::Cf::kAggregates, keys::IdKey(150),
             codec::Encode(Aggregates()));
  });
  EXPECT_TRUE(Reports(
      report, {"aggregates entry of customer 150", "no customer record"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsChangedAggregateField) {
  CustomerRecord before = *engine_->GetCustomer(kAnn);
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    Aggregates changed = before.aggregates;
    changed.order_count += 1;
    changed.last_nps = 7;
    // Derived attributes kept, so only the aggregates disagree.
    raw->Put(keys::Cf::kAggregates, keys::IdKey(kAnn),
             std::string(codec::EncodeView(changed, DerivedOf(before))));
  });
  const std::string order_count =
      "order_count: stored " +
      std::to_string(before.aggregates.order_count + 1) + ", recomputed " +
      std::to_string(before.aggregates.order_count);
  EXPECT_EQ(report.problems_found, 2) << Listing(report);
  EXPECT_TRUE(Reports(report, {"aggregates of customer 100", order_count}))
      << Listing(report);
  EXPECT_TRUE(Reports(report, {"aggregates of customer 100",
                               "last_nps: stored 7, recomputed 3"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsMissingOrderIdIndexEntry) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Delete(keys::Cf::kIndexes,
                keys::EventIdKey(keys::IndexTag::kOrderId, 1002));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(report, {"order 1002 (customer 100, ts " +
                                   std::to_string(kT0 + 20 * kDay) + ")",
                               "no order-id index entry"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsDanglingOrderIdIndexEntry) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(keys::Cf::kIndexes,
             keys::EventIdKey(keys::IndexTag::kOrderId, 9999),
             keys::HistoryKey(kAnn, kT0, 9999));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(
      report, {"order-id index entry 9999", "points to a missing record",
               "order 9999 (customer 100"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsInteractionIdIndexEntryPointingElsewhere) {
  auto page = engine_->ListInteractions(HistoryOf(kBob));
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  const Interaction newer = page->items[0], older = page->items[1];
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Put(keys::Cf::kIndexes,
             keys::EventIdKey(keys::IndexTag::kInteractionId, newer.id),
             keys::HistoryKey(kBob, older.ts_ms, older.id));
  });
  const std::string id = std::to_string(newer.id);
  EXPECT_TRUE(Reports(report, {"interaction " + id + " (customer 200",
                               "interaction-id index entry points to "
                               "interaction " +
                                   std::to_string(older.id)}))
      << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"interaction-id index entry " + id,
                       "points to interaction " + std::to_string(older.id)}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsEmailIndexEntryPointingAtWrongCustomer) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(
        keys::Cf::kIndexes,
        keys::IdentityKey(keys::IndexTag::kCustomerEmail, "bob@example.com"),
        keys::IdKey(kAnn));
  });
  EXPECT_EQ(report.problems_found, 2) << Listing(report);
  EXPECT_TRUE(Reports(report, {"customer 200: email 'bob@example.com'",
                               "points to customer 100"}))
      << Listing(report);
  EXPECT_TRUE(Reports(report, {"email index entry 'bob@example.com'",
                               "points to customer 100, whose email is "
                               "'ann@new.example.com'"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsMissingAndStaleIdentityEntries) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Delete(keys::Cf::kIndexes,
                keys::IdentityKey(keys::IndexTag::kCustomerPhone, "+441000"));
    raw->Put(keys::Cf::kIndexes,
             keys::IdentityKey(keys::IndexTag::kCustomerCode, "gone"),
             keys::IdKey(999));
  });
  EXPECT_EQ(report.problems_found, 2) << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"customer 100: phone '+441000' has no index entry"}))
      << Listing(report);
  EXPECT_TRUE(Reports(report, {"code index entry 'gone' points to customer "
                               "999, which does not exist"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsRecordCounterBumpedByMerge) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Merge(keys::Cf::kCounters,
               keys::RecordCountKey(keys::RecordKind::kCustomer),
               keys::EncodeCounter(1));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(report, {"record counter of customers: stored " +
                               std::to_string(customers_ + 1) + ", counted " +
                               std::to_string(customers_)}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsRecordCounterOverwrittenByPut) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(keys::Cf::kCounters,
             keys::RecordCountKey(keys::RecordKind::kChannel),
             keys::EncodeCounter(99));
  });
  EXPECT_TRUE(
      Reports(report, {"record counter of channels: stored 99, counted 2"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsOrderWhoseRecordDisagreesWithItsKey) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    std::string key = keys::HistoryKey(kBob, kT0 + 60 * kDay, 2002);
    Order order;
    ASSERT_TRUE(codec::Decode(raw->Get(keys::Cf::kOrders, key), &order).ok());
    order.customer_id = kAnn;
    raw->Put(keys::Cf::kOrders, key, codec::Encode(order));
  });
  EXPECT_TRUE(Reports(report, {"order 2002 (customer 200",
                               "record customer_id 100 != key's 200"}))
      << Listing(report);
}

TEST_F(VerifyTest, GarbageValuesAreReportedNotFatal) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(keys::Cf::kCustomers, keys::IdKey(kAnn), "not a flatbuffer");
    raw->Put(keys::Cf::kAggregates, keys::IdKey(kBob), std::string(3, '\xff'));
    raw->Put(keys::Cf::kOrders, keys::HistoryKey(kCat, kT0 + 80 * kDay, 3001),
             "");
    raw->Put(keys::Cf::kOrders, "short", "x");
  });
  EXPECT_TRUE(Reports(report, {"customer 100: profile does not decode"}))
      << Listing(report);
  EXPECT_TRUE(Reports(report, {"aggregates of customer 200 do not decode"}))
      << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"order 3001 (customer 300", "record does not decode"}))
      << Listing(report);
  EXPECT_TRUE(Reports(report, {"orders key 73686f7274 is not a history key"}))
      << Listing(report);
}

TEST_F(VerifyTest, ListsAtMostMaxProblemsButCountsAll) {
  VerifyReport report = VerifyAfter(
      [](RawDb* raw) {
        raw->Delete(keys::Cf::kAggregates, keys::IdKey(kAnn));
        raw->Delete(keys::Cf::kAggregates, keys::IdKey(kBob));
        raw->Delete(keys::Cf::kAggregates, keys::IdKey(kCat));
      },
      2);
  EXPECT_EQ(report.problems_found, 3);
  EXPECT_EQ(report.problems.size(), 2u);
  EXPECT_FALSE(report.ok());
}

// --- channel-day counters, buyer-day markers, resolve-time entries --------

std::string Day(int64_t day_ms) { return FormatIso8601(day_ms).substr(0, 10); }

TEST_F(VerifyTest, ReportsChannelDayCounterWithAWrongValue) {
  // Orders 1001 and 1107 are Ann's on day 10 through the shop.
  const int64_t day = kT0 + 10 * kDay;
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Merge(keys::Cf::kReportCounters, keys::ChannelDayKey(kShop, day),
               keys::EncodeCounterVec({{keys::kDayOrders, 1}}));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(report, {"channel-day counter (channel 3, day " +
                               Day(day) + "): orders: stored 3, recomputed 2"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsMissingChannelDayCounter) {
  const int64_t day = kT0 + 20 * kDay;  // only order 1002, through the web
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Delete(keys::Cf::kReportCounters, keys::ChannelDayKey(kWeb, day));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"channel-day counter (channel 4, day " + Day(day) +
                       ") is missing; recomputed revenue_minor 7000, "
                       "orders 1, buying_customers 1"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsChannelDayCounterWithoutRecords) {
  const int64_t day = kT0 + 300 * kDay;
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Merge(keys::Cf::kReportCounters, keys::ChannelDayKey(kShop, day),
               keys::EncodeCounterVec({{keys::kDayInteractions, 2}}));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"channel-day counter (channel 3, day " + Day(day) +
                       ") has no records behind it; stored "
                       "interactions 2"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsChannelDayCounterThatDoesNotDecode) {
  const int64_t day = kT0 + 10 * kDay;
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Put(keys::Cf::kReportCounters, keys::ChannelDayKey(kShop, day), "xyz");
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(report, {"channel-day counter (channel 3, day " +
                               Day(day) + ") holds 78797a"}))
      << Listing(report);
}

// What schema 1 kept and schema 2 does not (keys.h kRetired*): a global
// spend index entry, a buyer-day marker, and the all / region tier-summary
// scopes.
void PutSchemaOneLeftovers(RawDb* raw) {
  std::string spend(1, static_cast<char>(keys::TierTag::kRetiredSpend));
  keys::PutI64(&spend, ~int64_t{500});
  keys::PutU64(&spend, 100);
  std::string buyer_day(1, static_cast<char>(keys::TierTag::kRetiredBuyerDay));
  keys::PutU64(&buyer_day, 3);
  keys::PutI64(&buyer_day, 0);
  keys::PutU64(&buyer_day, 100);
  raw->Put(keys::Cf::kTierIndex, spend, "");
  raw->Put(keys::Cf::kTierIndex, buyer_day, "");
  const std::string summary(1,
                            static_cast<char>(keys::CounterTag::kTierSummary));
  for (auto scope :
       {keys::SummaryScope::kRetiredAll, keys::SummaryScope::kRetiredRegion}) {
    raw->Merge(keys::Cf::kCounters, summary + static_cast<char>(scope),
               keys::EncodeCounterVec({{0, 3}}));
  }
}

TEST_F(VerifyTest, ReportsEntriesNoSchemaKeeps) {
  VerifyReport report = VerifyAfter(PutSchemaOneLeftovers);
  EXPECT_EQ(report.problems_found, 4) << Listing(report);
  EXPECT_TRUE(Reports(report, {"has an unknown tag"})) << Listing(report);
}

TEST_F(VerifyTest, OpeningASchemaOneDatabaseMigratesIt) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(keys::Cf::kMeta, std::string(keys::kMetaSchemaVersion), "1");
    PutSchemaOneLeftovers(raw);
  });
  EXPECT_TRUE(report.ok()) << Listing(report);
  engine_.reset();
  RawDb raw(path_);
  EXPECT_EQ(raw.Get(keys::Cf::kMeta, std::string(keys::kMetaSchemaVersion)),
            std::to_string(kSchemaVersion));
}

// Schema 3 changed derivation rules: what a schema 2 database derived is
// stale, so opening one rebuilds every customer's tiering.
TEST_F(VerifyTest, OpeningASchemaTwoDatabaseRederivesEveryone) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(keys::Cf::kMeta, std::string(keys::kMetaSchemaVersion), "2");
    raw->Put(keys::Cf::kTierIndex, keys::TierKey(3, 100), "");  // stale
  });
  EXPECT_TRUE(report.ok()) << Listing(report);
  engine_.reset();
  RawDb raw(path_);
  EXPECT_EQ(raw.Get(keys::Cf::kMeta, std::string(keys::kMetaSchemaVersion)),
            std::to_string(kSchemaVersion));
}

// A rebuild cut off by a crash leaves its flag, and whatever part of the
// entries and counters it wrote: the next open starts it over.
TEST_F(VerifyTest, AnInterruptedTierRebuildRunsAgainOnOpen) {
  VerifyReport report = VerifyAfter([](RawDb* raw) {
    raw->Put(keys::Cf::kMeta, std::string(keys::kMetaRebuildTiering), "1");
    raw->Merge(keys::Cf::kCounters,
               keys::TierSummaryKey(keys::SummaryScope::kOwner, 0, ""),
               keys::EncodeCounterVec({{0, 5}}));
    raw->Put(keys::Cf::kTierIndex, keys::TierKey(3, 100), "");
  });
  EXPECT_TRUE(report.ok()) << Listing(report);
}

TEST_F(VerifyTest, ReportsMissingAndExtraResolveTimeEntries) {
  // Ann's resolved complaint: recorded at t - 1 day, resolved at t.
  const int64_t t = kT0 + 70 * kDay;
  auto page = engine_->ListInteractions(HistoryOf(kAnn));
  ASSERT_TRUE(page.ok());
  uint64_t complaint = 0;
  for (const Interaction& i : page->items) {
    if (i.kind == InteractionKind::kComplaint && i.resolved_at_ms) {
      complaint = i.id;
    }
  }
  ASSERT_NE(complaint, 0u);
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Delete(keys::Cf::kTierIndex,
                keys::ResolveTimeKey(kShop, t, kDay, complaint));
    raw->Put(keys::Cf::kTierIndex, keys::ResolveTimeKey(kShop, t, 5, 999), "");
  });
  EXPECT_EQ(report.problems_found, 2) << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"resolve-time entry (channel 3, day " + Day(t) +
                       ", interaction " + std::to_string(complaint) + ", " +
                       std::to_string(kDay) + " ms) is missing"}))
      << Listing(report);
  EXPECT_TRUE(Reports(report, {"resolve-time entry (channel 3, day " + Day(t) +
                               ", interaction 999, 5 ms) has no resolved "
                               "complaint behind it"}))
      << Listing(report);
}

// Found by Verify: ts 0 is a valid order time, not "no order yet".
TEST_F(VerifyTest, OrderAtTimeZeroStaysTheFirstOrder) {
  Record(MakeOrder(4001, kCat, 0, 100));
  Record(MakeOrder(4002, kCat, kT0, 100));
  EXPECT_EQ(engine_->GetCustomer(kCat)->aggregates.first_order_ms, 0);
  auto report = engine_->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << Listing(*report);
}

}  // namespace
}  // namespace custdb

namespace custdb {
namespace {

TEST_F(VerifyTest, ReportsMissingAndStaleTierIndexEntries) {
  CustomerRecord ann = *engine_->GetCustomer(kAnn);
  const std::string spend_key = keys::OwnerSpendKey(
      ann.profile.owner_channel_id, ann.aggregates.total_spend_minor, kAnn);
  const std::string stale =
      keys::OwnerSpendKey(ann.profile.owner_channel_id, 1, kAnn);
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Delete(keys::Cf::kTierIndex, spend_key);
    raw->Put(keys::Cf::kTierIndex, stale, "");
  });
  EXPECT_EQ(report.problems_found, 2) << Listing(report);
  EXPECT_TRUE(Reports(report, {"tier index entry " + Hex(spend_key),
                               "of customer 100 is missing"}))
      << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"tier index entry " + Hex(stale), "names customer 100"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsLastActivityEntryWithAStaleValue) {
  CustomerRecord ann = *engine_->GetCustomer(kAnn);
  const std::string key =
      keys::LastActivityKey(static_cast<uint8_t>(ann.derived.value_tier),
                            ann.aggregates.last_activity_ms, kAnn);
  const std::string stale = keys::ActivityValue(
      keys::ActivityFacts{ann.profile.owner_channel_id,
                          ann.aggregates.total_spend_minor - 1, true});
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Get(keys::Cf::kTierIndex, key);  // present before it is overwritten
    raw->Put(keys::Cf::kTierIndex, key, stale);
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(report, {"tier index entry " + Hex(key) + " holds " +
                               Hex(stale) + ", recomputed"}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsTierSummaryCounterBumpedByMerge) {
  const std::string key =
      keys::TierSummaryKey(keys::SummaryScope::kOwner, 0, "");
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    raw->Merge(keys::Cf::kCounters, key, keys::EncodeCounterVec({{0, 1}}));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(Reports(report, {"tier-summary counter " + Hex(key)}))
      << Listing(report);
}

TEST_F(VerifyTest, ReportsDerivedAttributesThatDisagreeWithDerive) {
  CustomerRecord ann = *engine_->GetCustomer(kAnn);
  VerifyReport report = VerifyAfter([&](RawDb* raw) {
    DerivedState wrong = DerivedOf(ann);
    wrong.derived.loyalty_points += 7;
    raw->Put(keys::Cf::kAggregates, keys::IdKey(kAnn),
             std::string(codec::EncodeView(ann.aggregates, wrong)));
  });
  EXPECT_EQ(report.problems_found, 1) << Listing(report);
  EXPECT_TRUE(
      Reports(report, {"customer 100: derived attributes", "Derive gives"}))
      << Listing(report);
}

}  // namespace
}  // namespace custdb
