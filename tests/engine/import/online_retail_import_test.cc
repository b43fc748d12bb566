// ImportOnlineRetail on the real UCI data set, checked against the test's
// own independent reading of the file, and on small synthetic files for
// the mapping rules (custdb/import.h, docs/IMPORT.md).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "custdb/export.h"
#include "custdb/import.h"
#include "custdb/time_format.h"
#include "support/test_util.h"
#include "tiering/derive.h"

namespace custdb {
namespace {

using test::TempDir;

// ---------------------------------------------------------------------------
// The test's own model of the data set: plain line reading with zlib, a
// minimal quote-aware split (the file has no line breaks inside quotes),
// prices in thousandths of a pound (the file has at most 3 decimals).

std::vector<std::string> SplitLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

int64_t PriceInMilliPounds(const std::string& text) {
  const size_t dot = text.find('.');
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  EXPECT_LE(fraction.size(), 3u) << text;
  fraction.resize(3, '0');
  return std::stoll(text.substr(0, dot)) * 1000 + std::stoll(fraction);
}

int64_t DateMs(const std::string& text) {
  std::tm tm = {};
  EXPECT_EQ(
      std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
      6)
      << text;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

struct ModelInvoice {
  std::string code;
  bool credit = false;
  int64_t ts_ms = INT64_MAX;
  int64_t amount_pence = 0;
  std::set<int64_t> row_times;
};

struct ModelCustomer {
  std::string region;
  int64_t order_count = 0;
  int64_t spend = 0;
  int64_t first_order_ms = 0;
  int64_t last_order_ms = 0;
};

struct Model {
  int64_t rows = 0;
  int64_t rows_without_customer = 0;
  int64_t first_line_without_customer = 0;
  std::map<std::string, ModelInvoice> invoices;
  std::map<std::string, ModelCustomer> customers;
};

Model ReadModel(const std::string& path) {
  Model m;
  gzFile file = gzopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  if (file == nullptr) return m;
  char buf[4096];
  int64_t line = 0;
  while (gzgets(file, buf, sizeof(buf)) != nullptr) {
    ++line;
    std::string text(buf);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
      text.pop_back();
    }
    if (line == 1) continue;  // header
    ++m.rows;
    const std::vector<std::string> f = SplitLine(text);
    EXPECT_EQ(f.size(), 8u) << "line " << line;
    if (f.size() != 8) continue;
    const std::string& code = f[6];
    if (code.empty()) {
      if (m.rows_without_customer++ == 0) m.first_line_without_customer = line;
      continue;
    }
    ModelInvoice& inv = m.invoices[f[0]];
    inv.code = code;
    inv.credit = f[0][0] == 'C';
    const int64_t ts = DateMs(f[4]);
    inv.ts_ms = std::min(inv.ts_ms, ts);
    inv.row_times.insert(ts);
    // Pence × 10, then rounded half away from zero.
    const int64_t tenths =
        std::llabs(std::stoll(f[3])) * PriceInMilliPounds(f[5]);
    inv.amount_pence += (tenths + 5) / 10;
    if (m.customers.count(code) == 0) m.customers[code].region = f[7];
  }
  gzclose(file);
  for (const auto& [number, inv] : m.invoices) {
    ModelCustomer& c = m.customers[inv.code];
    if (inv.credit) {
      c.spend -= inv.amount_pence;
      continue;
    }
    c.spend += inv.amount_pence;
    ++c.order_count;
    c.first_order_ms =
        c.order_count == 1 ? inv.ts_ms : std::min(c.first_order_ms, inv.ts_ms);
    c.last_order_ms = std::max(c.last_order_ms, inv.ts_ms);
  }
  return m;
}

// ---------------------------------------------------------------------------

Options GbpOptions(const std::string& path) {
  Options options = test::TestOptions(path);
  options.base_currency = "GBP";
  return options;
}

class OnlineRetailImportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    Result<std::unique_ptr<Engine>> opened =
        Engine::Open(GbpOptions(dir_->Sub("db")));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine_ = std::move(opened).value().release();
    report_ = new ImportReport();
    import_status_ = new Status(ImportOnlineRetail(
        *engine_, test::OnlineRetailPath(), ImportOptions(), report_));
    model_ = new Model(ReadModel(test::OnlineRetailPath()));
  }

  static void TearDownTestSuite() {
    delete engine_;
    delete report_;
    delete import_status_;
    delete model_;
    delete dir_;
  }

  // Fixed customers plus the first three whose invoices have rows at
  // differing times (where the earliest time is the order's).
  static std::vector<std::string> CheckedCodes() {
    std::vector<std::string> codes = {"12346", "17850", "14911", "12347",
                                      "18102"};
    std::set<std::string> uneven;
    for (const auto& [number, inv] : model_->invoices) {
      if (!inv.credit && inv.row_times.size() > 1) uneven.insert(inv.code);
    }
    EXPECT_GE(uneven.size(), 3u);
    auto it = uneven.begin();
    for (int i = 0; i < 3 && it != uneven.end(); ++i, ++it)
      codes.push_back(*it);
    return codes;
  }

  static TempDir* dir_;
  static Engine* engine_;
  static ImportReport* report_;
  static Status* import_status_;
  static Model* model_;
};

TempDir* OnlineRetailImportTest::dir_ = nullptr;
Engine* OnlineRetailImportTest::engine_ = nullptr;
ImportReport* OnlineRetailImportTest::report_ = nullptr;
Status* OnlineRetailImportTest::import_status_ = nullptr;
Model* OnlineRetailImportTest::model_ = nullptr;

TEST_F(OnlineRetailImportTest, ImportsEveryCustomerInvoiceAndCreditNote) {
  ASSERT_TRUE(import_status_->ok()) << import_status_->ToString();
  const ImportReport& r = *report_;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.rows_read, 541909);
  EXPECT_EQ(r.rows_failed, 0);
  EXPECT_EQ(r.rows_skipped, 135080);
  EXPECT_EQ(r.rows_imported, 541909 - 135080);
  ASSERT_EQ(r.skips.size(), 1u);
  EXPECT_EQ(r.skips[0].reason, kSkipMissingCustomerId);
  EXPECT_EQ(r.skips[0].rows, 135080);
  ASSERT_FALSE(r.skips[0].first_lines.empty());
  EXPECT_EQ(r.skips[0].first_lines[0].line,
            model_->first_line_without_customer);
  EXPECT_EQ(r.customers_created, 4372);
  EXPECT_EQ(r.orders_created, 18536);
  EXPECT_EQ(r.credit_notes_created, 3654);
  EXPECT_EQ(r.channels_written, 1);

  // The model agrees with the data set's published figures.
  EXPECT_EQ(model_->rows, 541909);
  EXPECT_EQ(model_->rows_without_customer, 135080);
  EXPECT_EQ(model_->customers.size(), 4372u);

  Result<RecordCounts> counts = engine_->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->channels, 1);
  EXPECT_EQ(counts->customers, 4372);
  EXPECT_EQ(counts->orders, 18536 + 3654);
  Result<Channel> online = engine_->GetChannel(1);
  ASSERT_TRUE(online.ok());
  EXPECT_EQ(online->name, "online");
  EXPECT_EQ(online->type, ChannelType::kEcommerce);
}

TEST_F(OnlineRetailImportTest, AggregatesMatchAnIndependentReading) {
  for (const std::string& code : CheckedCodes()) {
    SCOPED_TRACE("customer " + code);
    const ModelCustomer& want = model_->customers.at(code);
    Result<CustomerRecord> got = engine_->GetCustomerByCode(code);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->profile.region, want.region);
    EXPECT_EQ(got->aggregates.order_count, want.order_count);
    EXPECT_EQ(got->aggregates.completed_order_count, want.order_count);
    EXPECT_EQ(got->aggregates.total_spend_minor, want.spend);
    EXPECT_EQ(got->aggregates.first_order_ms, want.first_order_ms);
    EXPECT_EQ(got->aggregates.last_order_ms, want.last_order_ms);
  }
  // 12346 bought 74,215 of one item and returned them all.
  EXPECT_EQ(model_->customers.at("12346").spend, 0);
}

TEST_F(OnlineRetailImportTest,
       InvoicesKeepTheirNumbersAndCreditNotesAreOffset) {
  int checked = 0;
  for (const auto& [number, inv] : model_->invoices) {
    if (inv.code != "12346" && inv.code != "14911") continue;
    const uint64_t id =
        inv.credit ? (uint64_t{1} << 62) + std::stoull(number.substr(1))
                   : std::stoull(number);
    EXPECT_EQ(
        OnlineRetailOrderId(std::stoull(number.substr(inv.credit)), inv.credit),
        id);
    Result<Order> order = engine_->GetOrder(id);
    ASSERT_TRUE(order.ok()) << number << ": " << order.status().ToString();
    EXPECT_EQ(order->kind,
              inv.credit ? OrderKind::kCreditNote : OrderKind::kSale);
    EXPECT_EQ(order->status, OrderStatus::kCompleted);
    EXPECT_EQ(order->amount_minor, inv.amount_pence) << number;
    EXPECT_EQ(order->ts_ms, inv.ts_ms) << number;
    EXPECT_EQ(order->channel_id, 1u);
    int64_t sum = 0;
    for (const LineItem& item : order->items) {
      EXPECT_GT(item.quantity, 0) << number;
      sum += item.amount_minor;
    }
    EXPECT_EQ(sum, order->amount_minor) << number;
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

TEST_F(OnlineRetailImportTest, ReimportChangesNothing) {
  const std::vector<std::string> codes = CheckedCodes();
  std::vector<Aggregates> before;
  for (const std::string& code : codes) {
    Result<CustomerRecord> c = engine_->GetCustomerByCode(code);
    ASSERT_TRUE(c.ok());
    before.push_back(c->aggregates);
  }
  ImportReport again;
  ASSERT_TRUE(ImportOnlineRetail(*engine_, test::OnlineRetailPath(),
                                 ImportOptions(), &again)
                  .ok());
  EXPECT_TRUE(again.ok());
  EXPECT_EQ(again.rows_imported, 0);
  EXPECT_EQ(again.rows_skipped, 541909);
  EXPECT_EQ(again.customers_created, 0);
  EXPECT_EQ(again.customers_found, 4372);
  EXPECT_EQ(again.orders_created + again.credit_notes_created, 0);
  ASSERT_EQ(again.skips.size(), 2u);
  EXPECT_EQ(again.skips[1].reason, kSkipDuplicate);
  EXPECT_EQ(again.skips[1].rows, 541909 - 135080);

  Result<RecordCounts> counts = engine_->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->customers, 4372);
  EXPECT_EQ(counts->orders, 18536 + 3654);
  for (size_t i = 0; i < codes.size(); ++i) {
    Result<CustomerRecord> c = engine_->GetCustomerByCode(codes[i]);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->aggregates, before[i]) << codes[i];
  }
}

TEST_F(OnlineRetailImportTest, ExportHasOneRowPerCustomer) {
  std::ostringstream csv;
  int64_t written = 0;
  ASSERT_TRUE(
      ExportCustomers(*engine_, ExportFormat::kCsv, csv, &written).ok());
  EXPECT_EQ(written, 4372);
  std::istringstream lines(csv.str());
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.rfind("id,code,email,", 0), 0u) << line;
  int64_t rows = 0;
  bool saw_12346 = false;
  while (std::getline(lines, line)) {
    ++rows;
    const std::vector<std::string> f = SplitLine(line);
    ASSERT_EQ(f.size(), CustomerExportColumns().size()) << line;
    if (f[1] == "12346") {
      saw_12346 = true;
      EXPECT_EQ(f[5], "United Kingdom");
      EXPECT_EQ(f[13], "1");                     // order_count
      EXPECT_EQ(f[15], "0");                     // spend_minor
      EXPECT_EQ(f[17], "2011-01-18T10:01:00Z");  // last_order_at
      EXPECT_EQ(f[18], "");                      // last_interaction_at
    }
  }
  EXPECT_EQ(rows, 4372);
  EXPECT_TRUE(saw_12346);

  std::ostringstream jsonl;
  ASSERT_TRUE(ExportCustomers(*engine_, ExportFormat::kJsonl, jsonl).ok());
  std::istringstream objects(jsonl.str());
  int64_t count = 0;
  while (std::getline(objects, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    ++count;
    if (j["code"] == "17850") {
      EXPECT_EQ(j["order_count"], model_->customers.at("17850").order_count);
      EXPECT_EQ(j["spend_minor"], model_->customers.at("17850").spend);
      EXPECT_TRUE(j["last_interaction_at"].is_null());
    }
  }
  EXPECT_EQ(count, 4372);
}

// ---------------------------------------------------------------------------
// Small files for the mapping rules.

class OnlineRetailRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Engine>> opened =
        Engine::Open(GbpOptions(dir_.Sub("db")));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine_ = std::move(opened).value();
  }

  std::string File(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // How many failures were reported at `line`.
  int FailuresAt(int64_t line) const {
    int n = 0;
    for (const ImportFailure& f : report_.failures) n += f.where.line == line;
    return n;
  }
  std::string FailureText(int64_t line) const {
    std::string text;
    for (const ImportFailure& f : report_.failures) {
      if (f.where.line == line) text += f.status.message() + "\n";
    }
    return text;
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ImportReport report_;
};

constexpr char kHeader[] =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,"
    "CustomerID,Country\n";

// A stop request is honoured in each stage: while reading (nothing but
// the channel written), and while writing customers (each its own
// commit; the first progress report of the stage comes after the first);
// a re-run then finishes the import.
TEST_F(OnlineRetailRulesTest, StopRequestEndsCleanlyAndReimportFinishes) {
  const std::string path =
      File("retail.csv", std::string(kHeader) +
                             "1001,A,x,5,2011-01-01 10:00:00,1.00,1,UK\n"
                             "1002,B,x,4,2011-01-02 09:00:00,2.00,2,UK\n"
                             "1003,B,x,4,2011-01-03 09:00:00,2.00,1,UK\n");
  std::atomic<bool> stop{true};
  ImportOptions options;
  options.batch_size = 1;
  options.stop = &stop;
  Status s = ImportOnlineRetail(*engine_, path, options, &report_);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_TRUE(report_.interrupted);
  EXPECT_EQ(report_.rows_read, 0);

  stop = false;
  options.progress = [&stop](const ImportProgress& p) {
    if (std::string(p.stage) == "writing") stop = true;
  };
  s = ImportOnlineRetail(*engine_, path, options, &report_);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_TRUE(report_.interrupted);
  EXPECT_EQ(report_.rows_read, 3);
  EXPECT_EQ(report_.customers_created, 1);
  EXPECT_EQ(report_.orders_created, 0);
  Result<VerifyReport> verify = engine_->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());

  ASSERT_TRUE(
      ImportOnlineRetail(*engine_, path, ImportOptions(), &report_).ok());
  EXPECT_FALSE(report_.interrupted);
  EXPECT_EQ(report_.customers_found, 1);
  EXPECT_EQ(report_.customers_created, 1);
  EXPECT_EQ(report_.rows_imported, 3);
  Result<RecordCounts> counts = engine_->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->orders, 3);
}

TEST_F(OnlineRetailRulesTest, GroupsRoundsAndReportsRows) {
  const std::string path =
      File("retail.csv",
           std::string(kHeader) +
               "1001,A,\"Thing, big\",5,2011-01-01 10:00:00,0.001,1,UK\n"  // 2
               "1002,B,x,4,2011-01-02 09:00:00,0.001,1,UK\n"               // 3
               "1001,C,y,3,2011-01-01 09:30:00,2.555,1,France\n"           // 4
               "C1003,A,z,-5,2011-01-03 00:00:00,0.001,1,UK\n"             // 5
               "1004,A,,2,2011-01-04 00:00:00,1.00,,UK\n"                  // 6
               "1005,A,,-2,2011-01-05 00:00:00,1.00,2,Spain\n"             // 7
               "1005,B,,1,2011-01-05 00:00:00,1.00,2,Spain\n"              // 8
               "1006,A,,1,2011-01-06 00:00:00,abc,2,Spain\n"               // 9
               "A1007,A,,1,2011-01-07 00:00:00,1,2,Spain\n"                // 10
               "1008,A,,1,2011-01-08 00:00:00,1.5,3,Spain\n"               // 11
               "1008,B,,1,2011-01-08 00:00:00,1.5,4,Spain\n"               // 12
               "1009,A,,1,2011-01-09,1.5\n"                                // 13
               "C1010,A,,3,2011-01-10 00:00:00,1.5,3,Spain\n");            // 14
  ASSERT_TRUE(
      ImportOnlineRetail(*engine_, path, ImportOptions(), &report_).ok());
  EXPECT_EQ(report_.rows_read, 13);
  EXPECT_EQ(report_.rows_imported, 4);  // lines 2-5
  EXPECT_EQ(report_.rows_skipped, 1);   // line 6
  EXPECT_EQ(report_.rows_failed, 8);    // lines 7-14
  // One failure per failed row, at the row's own line (issue 12, item 7:
  // the other row of invoice 1005 used to be reported at line 7).
  ASSERT_EQ(report_.failures.size(), 8u);
  for (size_t i = 0; i < report_.failures.size(); ++i) {
    EXPECT_EQ(report_.failures[i].where.line, static_cast<int64_t>(7 + i));
  }
  EXPECT_NE(FailureText(7).find("Quantity: '-2' is not positive"),
            std::string::npos);
  EXPECT_NE(
      FailureText(8).find("invoice 1005: not imported: its row on line 7"),
      std::string::npos);
  EXPECT_NE(FailureText(9).find("UnitPrice: 'abc'"), std::string::npos);
  EXPECT_NE(FailureText(10).find("InvoiceNo: 'A1007'"), std::string::npos);
  EXPECT_NE(
      FailureText(11).find("invoice 1008: not imported: its row on line 12"),
      std::string::npos);
  EXPECT_NE(FailureText(12).find("CustomerID: '4' differs from '3'"),
            std::string::npos);
  EXPECT_NE(FailureText(13).find("row has 6 fields; the header has 8"),
            std::string::npos);
  EXPECT_NE(
      FailureText(14).find("Quantity: '3' is not negative in a credit note"),
      std::string::npos);

  // Invoice 1001: rows at lines 2 and 4 (not adjacent), earliest time,
  // 5 × £0.001 = 0.5p -> 1p and 3 × £2.555 = 766.5p -> 767p.
  Result<Order> order = engine_->GetOrder(1001);
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(order->ts_ms, 1293874200000);  // 2011-01-01T09:30:00Z
  EXPECT_EQ(order->amount_minor, 768);
  EXPECT_EQ(order->currency, "GBP");
  ASSERT_EQ(order->items.size(), 2u);
  EXPECT_EQ(order->items[0].sku, "A");
  EXPECT_EQ(order->items[0].quantity, 5);
  EXPECT_EQ(order->items[0].unit_price_minor, 0);
  EXPECT_EQ(order->items[0].amount_minor, 1);
  EXPECT_EQ(order->items[1].unit_price_minor, 256);  // 255.5p -> 256p
  EXPECT_EQ(order->items[1].amount_minor, 767);
  Result<Order> tiny = engine_->GetOrder(1002);  // 0.4p -> 0
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->amount_minor, 0);

  Result<Order> credit = engine_->GetOrder((uint64_t{1} << 62) + 1003);
  ASSERT_TRUE(credit.ok()) << credit.status().ToString();
  EXPECT_EQ(credit->kind, OrderKind::kCreditNote);
  EXPECT_EQ(credit->amount_minor, 1);
  EXPECT_EQ(credit->items[0].quantity, 5);

  Result<CustomerRecord> one = engine_->GetCustomerByCode("1");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->profile.region, "UK");  // the country of its first row
  EXPECT_EQ(one->profile.created_at_ms, 1293874200000);
  EXPECT_EQ(one->aggregates.order_count, 2);
  EXPECT_EQ(one->aggregates.total_spend_minor, 768 + 0 - 1);
  EXPECT_FALSE(engine_->GetOrder(1005).ok());
  EXPECT_FALSE(engine_->GetOrder(1008).ok());
  EXPECT_FALSE(engine_->GetCustomerByCode("4").ok());
  test::ExpectEveryLineAccountedFor(report_, 14);
}

// Issue 12, item 7, as filed: a stray opening quote on line 3 used to take
// lines 3-5 as one record, so "rows read" said 3 for 5 data lines.
TEST_F(OnlineRetailRulesTest, StrayQuoteFailsOnlyItsLine) {
  const std::string path = test::TestDataPath("csv/retail_stray_quote.csv");
  ASSERT_TRUE(
      ImportOnlineRetail(*engine_, path, ImportOptions(), &report_).ok());
  test::ExpectEveryLineAccountedFor(report_, 6);
  EXPECT_EQ(report_.header_lines, 1);
  EXPECT_EQ(report_.blank_lines, 0);
  EXPECT_EQ(report_.rows_read, 5);
  EXPECT_EQ(report_.rows_imported, 4);
  EXPECT_EQ(report_.rows_failed, 1);
  EXPECT_EQ(report_.multiline_rows, 0);
  ASSERT_EQ(report_.failures.size(), 1u);
  EXPECT_EQ(report_.failures[0].where.line, 3);
  EXPECT_EQ(report_.failures[0].status.message(),
            "field 3: quoted field not closed before the end of the line");
  // A row that is not valid CSV names no invoice, so its invoice lands
  // without it (docs/IMPORT.md).
  Result<Order> first = engine_->GetOrder(536365);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->items.size(), 1u);
  EXPECT_TRUE(engine_->GetOrder(536366).ok());
  Result<Order> order = engine_->GetOrder(536367);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->items.size(), 2u);
}

// Stray quotes at the start, middle and end of fields, on the first and
// the last row (unterminated at the end of the file, no line break), with
// CRLF line ends and blank lines.
TEST_F(OnlineRetailRulesTest, StrayQuotesCrlfAndBlankLinesAreEachAccountedFor) {
  const std::string path =
      test::TestDataPath("csv/retail_stray_quotes_crlf.csv");
  ASSERT_TRUE(
      ImportOnlineRetail(*engine_, path, ImportOptions(), &report_).ok());
  test::ExpectEveryLineAccountedFor(report_, 9);
  EXPECT_EQ(report_.header_lines, 1);
  EXPECT_EQ(report_.blank_lines, 2);  // lines 4 and 8
  EXPECT_EQ(report_.rows_read, 6);
  EXPECT_EQ(report_.rows_imported, 1);  // line 3
  EXPECT_EQ(report_.rows_skipped, 1);   // line 7, no CustomerID
  ASSERT_EQ(report_.skips.size(), 1u);
  ASSERT_EQ(report_.skips[0].first_lines.size(), 1u);
  EXPECT_EQ(report_.skips[0].first_lines[0].line, 7);
  EXPECT_EQ(report_.rows_failed, 4);
  const std::vector<std::pair<int64_t, std::string>> want = {
      {2, "field 2: quoted field not closed before the end of the line"},
      {5, "field 3: quote inside an unquoted field"},
      {6, "field 3: quote inside an unquoted field"},
      {9, "field 8: quoted field not closed before the end of the line"},
  };
  ASSERT_EQ(report_.failures.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(report_.failures[i].where.line, want[i].first);
    EXPECT_EQ(report_.failures[i].where.file, path);
    EXPECT_EQ(report_.failures[i].status.message(), want[i].second);
  }
  EXPECT_TRUE(engine_->GetOrder(536371).ok());
}

// More failures than the listing keeps, some reported late (an invoice
// fails as a whole once all rows are read): the list holds the first ones
// by line, one per row, and the count of those left out is exact.
TEST_F(OnlineRetailRulesTest, ListsTheFirstFailuresByLineAndCountsTheRest) {
  std::string csv = kHeader;
  csv += "2000,A,,1,2011-01-01 10:00:00,1.00,7,UK\n";  // 2: fails late
  csv += "2000,B,,1,2011-01-01 10:00:00,1.00,7,UK\n";  // 3: fails late
  for (int i = 0; i < 30; ++i) {                       // 4-33
    csv += std::to_string(3000 + i) + ",A,,x,2011-01-01 10:00:00,1,7,UK\n";
  }
  csv += "4000,\"A,,1,2011-01-01 10:00:00,1.00,7,UK\n";  // 34: stray quote
  csv += "2000,C,,1,2011-01-01 10:00:00,-1.00,7,UK\n";   // 35: bad price
  csv += "5000,A,,1,2011-01-01 10:00:00,1.00,7,UK\n";    // 36: fine
  const std::string path = File("many.csv", csv);
  for (size_t max : {size_t{10}, size_t{100}}) {
    ImportOptions options;
    options.max_failures = max;
    ASSERT_TRUE(ImportOnlineRetail(*engine_, path, options, &report_).ok());
    test::ExpectEveryLineAccountedFor(report_, 36, max);
    EXPECT_EQ(report_.rows_read, 35);
    EXPECT_EQ(report_.rows_failed, 34);
    const size_t listed = std::min<size_t>(max, 34);
    ASSERT_EQ(report_.failures.size(), listed);
    for (size_t i = 0; i < listed; ++i) {
      EXPECT_EQ(report_.failures[i].where.line, static_cast<int64_t>(2 + i))
          << "max " << max << ", entry " << i;
    }
    EXPECT_NE(report_.failures[0].status.message().find(
                  "invoice 2000: not imported: its row on line 35 failed"),
              std::string::npos)
        << report_.failures[0].status.ToString();
    EXPECT_EQ(report_.failures[0].status.message(),
              report_.failures[1].status.message());
  }
}

TEST_F(OnlineRetailRulesTest, TruncatedGzipIsAnIoError) {
  std::ifstream in(test::OnlineRetailPath(), std::ios::binary);
  std::string head(200000, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  const std::string path = File("cut.csv.gz", head);
  Status s = ImportOnlineRetail(*engine_, path, ImportOptions(), &report_);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_NE(s.message().find("cut.csv.gz"), std::string::npos);
  EXPECT_GT(report_.rows_read, 1000);
}

TEST_F(OnlineRetailRulesTest, NeedsBaseCurrencyGbp) {
  TempDir other;
  std::unique_ptr<Engine> eur = test::OpenTestEngine(other.Sub("db"));
  ASSERT_NE(eur, nullptr);
  Status s = ImportOnlineRetail(*eur, File("r.csv", kHeader), ImportOptions(),
                                &report_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("EUR"), std::string::npos) << s.message();
}

TEST_F(OnlineRetailRulesTest, RefusesAChannelOneOfAnotherKind) {
  Channel channel;
  channel.id = 1;
  channel.name = "store";
  channel.type = ChannelType::kRetail;
  ASSERT_TRUE(engine_->PutChannel(channel).ok());
  Status s = ImportOnlineRetail(*engine_, File("r.csv", kHeader),
                                ImportOptions(), &report_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("channel 1"), std::string::npos) << s.message();
}

TEST_F(OnlineRetailRulesTest, HeaderMustNameTheDataSetsColumns) {
  Status s = ImportOnlineRetail(
      *engine_, File("r.csv", "InvoiceNo,StockCode,Quantity\n1,A,1\n"),
      ImportOptions(), &report_);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("InvoiceDate"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace custdb

namespace custdb {
namespace {

// With the default policy as of 2011-12-10 (the day after the data set's
// last invoice), the value tiers follow from each customer's net spend:
// high >= 2,000.00, medium >= 300.00 (inclusive).
TEST_F(OnlineRetailImportTest, ValueTiersAsOfTheDataSetsEndMatchTheCsv) {
  ASSERT_TRUE(import_status_->ok());
  Result<int64_t> parsed = ParseIso8601("2011-12-10", "as_of");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const int64_t as_of = *parsed;
  auto report = engine_->Rescore(RescoreOptions{as_of, true, nullptr});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->examined, 4372u);

  int64_t want_high = 0, want_medium = 0;
  for (const auto& [code, c] : model_->customers) {
    if (c.spend >= 200000) {
      ++want_high;
    } else if (c.spend >= 30000) {
      ++want_medium;
    }
  }
  Result<TierPolicy> policy = engine_->GetPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  int64_t high = 0, medium = 0;
  for (const auto& [code, c] : model_->customers) {
    Result<CustomerRecord> got = engine_->GetCustomerByCode(code);
    ASSERT_TRUE(got.ok());
    // Unchanged customers are not rewritten: their attributes hold from
    // derived_as_of_ms to next_change_ms, and so at as_of.
    EXPECT_LE(got->derived_as_of_ms, as_of);
    EXPECT_GT(got->derived.next_change_ms, as_of);
    EXPECT_EQ(got->derived, Derive(got->aggregates, *policy, as_of));
    if (got->derived.value_tier == ValueTier::kHigh) ++high;
    if (got->derived.value_tier == ValueTier::kMedium) ++medium;
  }
  EXPECT_GT(want_high, 0);
  EXPECT_EQ(high, want_high);
  EXPECT_EQ(medium, want_medium);
  auto verify = engine_->Verify(10);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());
}

}  // namespace
}  // namespace custdb
