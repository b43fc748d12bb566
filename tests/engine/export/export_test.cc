// ExportCustomers: CSV with RFC 4180 quoting and JSON Lines, one row per
// customer with profile and aggregates (custdb/export.h).
#include "custdb/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "custdb/time_format.h"
#include "import/csv_reader.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::OpenTestEngine;
using test::TempDir;

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine_, nullptr);
  }

  // Two customers: a tricky profile with an order and a complaint, and an
  // empty one.
  void Fill() {
    Channel shop;
    shop.id = 7;
    shop.name = "shop";
    ASSERT_TRUE(engine_->PutChannel(shop).ok());
    Customer c;
    c.id = 1;
    c.code = "A-1";
    c.email = "ann@example.com";
    c.name = "Smith, \"Ann\"";
    c.region = "EU";
    c.gender = Gender::kFemale;
    c.birth_year = 1980;
    c.owner_channel_id = 7;
    c.tags = {"vip", "b2b"};
    c.attributes = {{"tier", "gold"}, {"note", "a,b\r\nnext line"}};
    c.created_at_ms = *ParseIso8601("2023-01-01T00:00:00Z");
    ASSERT_TRUE(engine_->CreateCustomer(c).ok());
    Customer empty;
    empty.id = 2;
    empty.created_at_ms = *ParseIso8601("2023-02-01T00:00:00.250Z");
    ASSERT_TRUE(engine_->CreateCustomer(empty).ok());

    Order o;
    o.id = 10;
    o.customer_id = 1;
    o.channel_id = 7;
    o.ts_ms = *ParseIso8601("2023-03-04T05:06:07Z");
    o.amount_minor = 1234;
    ASSERT_TRUE(engine_->RecordOrder(o).ok());
    Interaction i;
    i.id = 20;
    i.customer_id = 1;
    i.ts_ms = *ParseIso8601("2023-04-01T00:00:00Z");
    i.kind = InteractionKind::kComplaint;
    i.satisfaction = 2;
    i.nps = 6;
    ASSERT_TRUE(engine_->RecordInteraction(i).ok());
  }

  // Exports as CSV and reads it back with the CSV reader.
  std::vector<std::vector<std::string>> ExportCsv() {
    std::ostringstream out;
    int64_t written = -1;
    EXPECT_TRUE(
        ExportCustomers(*engine_, ExportFormat::kCsv, out, &written).ok());
    const std::string text = out.str();
    // Exported names and notes may hold line breaks.
    import::CsvOptions options;
    options.allow_multiline_fields = true;
    import::CsvReader reader(import::StringSource(text), options);
    std::vector<std::vector<std::string>> rows;
    import::CsvRecord record;
    for (;;) {
      Result<bool> got = reader.Next(&record);
      EXPECT_TRUE(got.ok());
      if (!got.ok() || !*got) break;
      EXPECT_TRUE(record.error.ok()) << record.error.message();
      rows.push_back(record.fields);
    }
    EXPECT_EQ(written, static_cast<int64_t>(rows.size()) - 1);
    return rows;
  }

  // The value of `column` in `row`.
  static std::string Cell(const std::vector<std::string>& row,
                          const std::string& column) {
    const std::vector<std::string>& columns = CustomerExportColumns();
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == column) return row.at(i);
    }
    ADD_FAILURE() << "no column " << column;
    return "";
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(ExportTest, EmptyDatabaseGivesTheHeaderOnly) {
  const auto rows = ExportCsv();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], CustomerExportColumns());
}

TEST_F(ExportTest, ColumnsIncludeTheDocumentedOnes) {
  const std::vector<std::string>& columns = CustomerExportColumns();
  for (const char* name :
       {"id", "code", "email", "region", "owner_channel", "order_count",
        "spend_minor", "first_order_at", "last_order_at", "last_activity_at",
        "interaction_count"}) {
    EXPECT_NE(std::find(columns.begin(), columns.end(), name), columns.end())
        << name;
  }
}

TEST_F(ExportTest, CsvQuotesAndFormatsEveryField) {
  Fill();
  const auto rows = ExportCsv();
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string>& a = rows[1];
  ASSERT_EQ(a.size(), CustomerExportColumns().size());
  EXPECT_EQ(Cell(a, "id"), "1");
  EXPECT_EQ(Cell(a, "code"), "A-1");
  EXPECT_EQ(Cell(a, "name"), "Smith, \"Ann\"");
  EXPECT_EQ(Cell(a, "gender"), "female");
  EXPECT_EQ(Cell(a, "birth_year"), "1980");
  EXPECT_EQ(Cell(a, "owner_channel"), "7");
  EXPECT_EQ(Cell(a, "acquisition_channel"), "");
  EXPECT_EQ(Cell(a, "tags"), "vip;b2b");
  EXPECT_EQ(Cell(a, "attributes"), "note=a,b\r\nnext line;tier=gold");
  EXPECT_EQ(Cell(a, "created_at"), "2023-01-01T00:00:00Z");
  EXPECT_EQ(Cell(a, "order_count"), "1");
  EXPECT_EQ(Cell(a, "spend_minor"), "1234");
  EXPECT_EQ(Cell(a, "first_order_at"), "2023-03-04T05:06:07Z");
  EXPECT_EQ(Cell(a, "last_order_at"), "2023-03-04T05:06:07Z");
  EXPECT_EQ(Cell(a, "last_interaction_at"), "2023-04-01T00:00:00Z");
  EXPECT_EQ(Cell(a, "last_activity_at"), "2023-04-01T00:00:00Z");
  EXPECT_EQ(Cell(a, "interaction_count"), "1");
  EXPECT_EQ(Cell(a, "complaint_count"), "1");
  EXPECT_EQ(Cell(a, "open_complaint_count"), "1");
  EXPECT_EQ(Cell(a, "satisfaction_sum"), "2");
  EXPECT_EQ(Cell(a, "last_nps"), "6");

  const std::vector<std::string>& b = rows[2];
  EXPECT_EQ(Cell(b, "id"), "2");
  EXPECT_EQ(Cell(b, "code"), "");
  EXPECT_EQ(Cell(b, "birth_year"), "");
  EXPECT_EQ(Cell(b, "owner_channel"), "");
  EXPECT_EQ(Cell(b, "created_at"), "2023-02-01T00:00:00.250Z");
  EXPECT_EQ(Cell(b, "order_count"), "0");
  EXPECT_EQ(Cell(b, "first_order_at"), "");  // 0 is empty
  EXPECT_EQ(Cell(b, "last_order_at"), "");
  EXPECT_EQ(Cell(b, "last_activity_at"), "");
  EXPECT_EQ(Cell(b, "last_nps"), "");
}

TEST_F(ExportTest, JsonLinesHaveTypedValuesAndNulls) {
  Fill();
  std::ostringstream out;
  int64_t written = 0;
  ASSERT_TRUE(
      ExportCustomers(*engine_, ExportFormat::kJsonl, out, &written).ok());
  EXPECT_EQ(written, 2);
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> objects;
  while (std::getline(lines, line))
    objects.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(objects.size(), 2u);
  const nlohmann::json& a = objects[0];
  EXPECT_EQ(a["id"], 1);
  EXPECT_EQ(a["name"], "Smith, \"Ann\"");
  EXPECT_EQ(a["attributes"]["note"], "a,b\r\nnext line");
  EXPECT_EQ(a["tags"], nlohmann::json({"vip", "b2b"}));
  EXPECT_EQ(a["attributes"]["tier"], "gold");
  EXPECT_EQ(a["owner_channel"], 7);
  EXPECT_EQ(a["spend_minor"], 1234);
  EXPECT_EQ(a["last_order_at"], "2023-03-04T05:06:07Z");
  const nlohmann::json& b = objects[1];
  EXPECT_TRUE(b["owner_channel"].is_null());
  EXPECT_TRUE(b["first_order_at"].is_null());
  EXPECT_TRUE(b["last_nps"].is_null());
  EXPECT_TRUE(b["r"].is_null());
  EXPECT_TRUE(b["segment"].is_null());
  EXPECT_EQ(b["lifecycle"], "prospect");
  EXPECT_EQ(b["churn_risk"], false);
  EXPECT_EQ(b["loyalty_points"], 0);
  std::vector<std::string> keys;
  for (const auto& item : a.items()) keys.push_back(item.key());
  std::vector<std::string> sorted_columns = CustomerExportColumns();
  std::sort(sorted_columns.begin(), sorted_columns.end());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, sorted_columns);
}

TEST_F(ExportTest, DerivedColumnsFollowTheAggregates) {
  const std::vector<std::string>& columns = CustomerExportColumns();
  const std::vector<std::string> derived = {
      "value_tier", "r",         "f",          "m",
      "segment",    "lifecycle", "churn_risk", "loyalty_points"};
  const auto last_nps = std::find(columns.begin(), columns.end(), "last_nps");
  ASSERT_NE(last_nps, columns.end());
  EXPECT_EQ(std::vector<std::string>(last_nps + 1, columns.end()), derived);
}

TEST_F(ExportTest, ProspectHasNoScoresNoSegmentAndNoPoints) {
  Fill();
  const auto rows = ExportCsv();
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string>& b = rows[2];  // no order, no interaction
  EXPECT_EQ(Cell(b, "value_tier"), "low");
  EXPECT_EQ(Cell(b, "r"), "");
  EXPECT_EQ(Cell(b, "f"), "");
  EXPECT_EQ(Cell(b, "m"), "");
  EXPECT_EQ(Cell(b, "segment"), "");
  EXPECT_EQ(Cell(b, "lifecycle"), "prospect");
  EXPECT_EQ(Cell(b, "churn_risk"), "false");
  EXPECT_EQ(Cell(b, "loyalty_points"), "0");
}

// The derived columns come from the attributes stored with the aggregates
// (ForEachCustomer fills CustomerRecord.derived), not from a re-derive.
TEST_F(ExportTest, DerivedColumnsHoldTheDefaultPolicysValues) {
  Fill();
  // Customer 1 as of the test clock, 2024-01-01, under DefaultPolicy(): one
  // order of 12.34 on 2023-03-04 (302 days before: r 2; f 1; m 1, so
  // "Hibernating"), last activity 2023-04-01 (275 days: churned, at churn
  // risk past 180 days), 1234 completed minor units -> 12 points.
  const auto rows = ExportCsv();
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string>& a = rows[1];
  EXPECT_EQ(Cell(a, "value_tier"), "low");
  EXPECT_EQ(Cell(a, "r"), "2");
  EXPECT_EQ(Cell(a, "f"), "1");
  EXPECT_EQ(Cell(a, "m"), "1");
  EXPECT_EQ(Cell(a, "segment"), "Hibernating");
  EXPECT_EQ(Cell(a, "lifecycle"), "churned");
  EXPECT_EQ(Cell(a, "churn_risk"), "true");
  EXPECT_EQ(Cell(a, "loyalty_points"), "12");

  std::ostringstream out;
  ASSERT_TRUE(ExportCustomers(*engine_, ExportFormat::kJsonl, out).ok());
  const nlohmann::json j =
      nlohmann::json::parse(out.str().substr(0, out.str().find('\n')));
  EXPECT_EQ(j["value_tier"], "low");
  EXPECT_EQ(j["r"], 2);
  EXPECT_EQ(j["f"], 1);
  EXPECT_EQ(j["m"], 1);
  EXPECT_EQ(j["segment"], "Hibernating");
  EXPECT_EQ(j["lifecycle"], "churned");
  EXPECT_EQ(j["churn_risk"], true);
  EXPECT_EQ(j["loyalty_points"], 12);
}

TEST_F(ExportTest, FailedStreamIsAnIoError) {
  Fill();
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  Status s = ExportCustomers(*engine_, ExportFormat::kCsv, out);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
}

TEST(ExportFormatTest, ParsesItsNames) {
  ExportFormat f = ExportFormat::kCsv;
  EXPECT_TRUE(ParseExportFormat("jsonl", &f));
  EXPECT_EQ(f, ExportFormat::kJsonl);
  EXPECT_TRUE(ParseExportFormat("csv", &f));
  EXPECT_EQ(f, ExportFormat::kCsv);
  EXPECT_FALSE(ParseExportFormat("xml", &f));
}

}  // namespace
}  // namespace custdb
