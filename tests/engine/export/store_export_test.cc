// ExportStoreCustomers (export through the Store API, as `custdb export
// --connect` runs it) writes exactly what ExportCustomers writes from the
// engine's snapshot: same rows, same order, across several pages.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include "custdb/export.h"
#include "support/test_util.h"

namespace custdb {
namespace {

class StoreExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = test::OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine_, nullptr);
    test::PutChannelTree(engine_.get(), {{1, 0}, {2, 1}});
    // More customers than one page (1,000); every fourth a prospect, the
    // others with an order, some with tags, attributes and quoting.
    std::vector<Event> events;
    for (uint64_t id = 1; id <= 2345; ++id) {
      Customer c;
      c.id = id * 3;  // ids with gaps
      c.code = "C-" + std::to_string(id);
      c.name = id % 7 == 0 ? "Smith, \"Ann\"" : "Customer " + c.code;
      c.owner_channel_id = id % 3 == 0 ? 0 : 1 + id % 2;
      c.region = id % 2 ? "EU" : "US";
      if (id % 5 == 0) c.tags = {"vip", "b2b"};
      if (id % 11 == 0) c.attributes = {{"note", "a, \"b\"\nc"}};
      events.push_back(c);
      if (id % 4 != 0) {
        events.push_back(test::NewOrder(100000 + id, id * 3, 1,
                                        test::DaysAgo(id % 400),
                                        static_cast<int64_t>(id * 137)));
      }
    }
    std::vector<Status> statuses;
    ASSERT_TRUE(engine_->ApplyBatch(events, &statuses).ok());
    for (const Status& s : statuses) ASSERT_TRUE(s.ok()) << s.ToString();
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(StoreExportTest, SameRowsAsTheEngineExport) {
  for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJsonl}) {
    std::ostringstream from_engine, from_store;
    int64_t engine_written = 0, store_written = 0;
    ASSERT_TRUE(
        ExportCustomers(*engine_, format, from_engine, &engine_written).ok());
    Store& store = *engine_;
    ASSERT_TRUE(
        ExportStoreCustomers(store, format, from_store, &store_written).ok());
    EXPECT_EQ(engine_written, 2345);
    EXPECT_EQ(store_written, engine_written);
    EXPECT_EQ(from_store.str(), from_engine.str());
  }
}

TEST_F(StoreExportTest, FailedOutputIsAnIOError) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  int64_t written = -1;
  const Status s =
      ExportStoreCustomers(*engine_, ExportFormat::kCsv, out, &written);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_EQ(written, 0);
}

}  // namespace
}  // namespace custdb
