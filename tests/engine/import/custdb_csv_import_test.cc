// ImportCustdbCsv: header-driven custdb CSV files, applied by kind, with
// every bad row reported by line and field while the other rows land
// (custdb/import.h, docs/IMPORT.md).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "custdb/import.h"
#include "custdb/time_format.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::OpenTestEngine;
using test::TempDir;

int64_t Ms(const std::string& iso) {
  Result<int64_t> ms = ParseIso8601(iso);
  EXPECT_TRUE(ms.ok()) << iso;
  return ms.ok() ? *ms : 0;
}

class CustdbCsvImportTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = OpenTestEngine(dir_.Sub("db")); }

  // Writes `content` to a file in the test directory; returns its path.
  std::string File(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  Status Import(const std::vector<std::string>& paths) {
    ImportOptions options;
    options.batch_size = 3;  // several batches even for small files
    return ImportCustdbCsv(*engine_, paths, options, &report_);
  }

  // The failure reported for `line` of `path`, or null.
  const ImportFailure* FailureAt(const std::string& path, int64_t line) const {
    for (const ImportFailure& f : report_.failures) {
      if (f.where.file == path && f.where.line == line) return &f;
    }
    return nullptr;
  }

  // Expects exactly the failures of `expected` (line -> a text its message
  // holds, naming the field), each once.
  void ExpectFailures(
      const std::string& path,
      const std::vector<std::pair<int64_t, std::string>>& expected) const {
    EXPECT_EQ(report_.rows_failed, static_cast<int64_t>(expected.size()));
    EXPECT_EQ(report_.failures.size(), expected.size());
    for (const auto& [line, text] : expected) {
      const ImportFailure* f = FailureAt(path, line);
      if (f == nullptr) {
        ADD_FAILURE() << "no failure reported for line " << line;
        continue;
      }
      EXPECT_NE(f->status.message().find(text), std::string::npos)
          << "line " << line << ": " << f->status.ToString();
    }
  }

  void CreateCustomer(const std::string& code) {
    Customer c;
    c.code = code;
    ASSERT_TRUE(engine_->CreateCustomer(c).ok());
  }

  void CreateChannel(uint64_t id) {
    Channel ch;
    ch.id = id;
    ch.name = "shop " + std::to_string(id);
    ASSERT_TRUE(engine_->PutChannel(ch).ok());
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ImportReport report_;
};

constexpr char kChannels[] =
    "id,name,type,parent_id,region,active\n"
    "1,Web shop,ecommerce,,EU,true\n"
    "2,North dealer,dealer,1,North,\n";
constexpr char kCustomers[] =
    "code,id,email,name,region,gender,birth_year,owner_channel_id,tags,"
    "attributes,created_at\n"
    "C1,,Ann@Example.com,\"Ann, the first\",EU,female,1980,2,vip;wholesale,"
    "tier=gold;source=fair,2023-01-01T00:00:00Z\n"
    "C2,500,,Bob,,male,,,,,\n";
constexpr char kOrdersByCode[] =
    "id,customer_code,channel_id,ts,amount_minor,currency,kind,status,items\n"
    "100,C1,1,2023-06-01T10:00:00Z,2500,,sale,completed,A1:2:1000;B2:1:500\n"
    "101,C1,1,2023-07-01,1000,EUR,,paid,\n"
    "102,C1,1,2023-08-01T00:00:00Z,300,,credit_note,completed,\n";
constexpr char kOrdersById[] =
    "channel_id,amount_minor,ts,customer_id,id\n"
    "2,700,2023-05-05 12:00:00,500,200\n";
constexpr char kInteractions[] =
    "id,customer_code,channel_id,ts,kind,satisfaction,nps,staff_id,note,"
    "resolved_at\n"
    "1,C1,1,2023-09-01T00:00:00Z,complaint,2,3,s1,\"late, again\n"
    "and again\",2023-09-02T00:00:00Z\n"
    "2,C2,,2023-09-03,call,,,,,\n";

TEST_F(CustdbCsvImportTest, ImportsEveryKindInDependencyOrder) {
  // Given in reverse: the importer still applies channels first.
  const std::vector<std::string> files = {
      File("interactions.csv", kInteractions),
      File("orders.csv", kOrdersByCode), File("orders2.csv", kOrdersById),
      File("customers.csv", kCustomers), File("channels.csv", kChannels)};
  ASSERT_TRUE(Import(files).ok());
  EXPECT_TRUE(report_.ok())
      << (report_.failures.empty() ? ""
                                   : report_.failures[0].status.ToString());
  EXPECT_EQ(report_.rows_read, 10);
  EXPECT_EQ(report_.rows_imported, 10);
  EXPECT_EQ(report_.rows_skipped, 0);
  EXPECT_EQ(report_.channels_written, 2);
  EXPECT_EQ(report_.customers_created, 2);
  EXPECT_EQ(report_.orders_created, 3);
  EXPECT_EQ(report_.credit_notes_created, 1);
  EXPECT_EQ(report_.interactions_created, 2);

  Result<Channel> dealer = engine_->GetChannel(2);
  ASSERT_TRUE(dealer.ok());
  EXPECT_EQ(dealer->type, ChannelType::kDealer);
  EXPECT_EQ(dealer->parent_id, 1u);
  EXPECT_TRUE(dealer->active);

  Result<CustomerRecord> c1 = engine_->GetCustomerByCode("C1");
  ASSERT_TRUE(c1.ok());
  const Customer& p = c1->profile;
  EXPECT_EQ(p.email, "ann@example.com");
  EXPECT_EQ(p.name, "Ann, the first");
  EXPECT_EQ(p.gender, Gender::kFemale);
  EXPECT_EQ(p.birth_year, 1980);
  EXPECT_EQ(p.owner_channel_id, 2u);
  EXPECT_EQ(p.tags, (std::vector<std::string>{"vip", "wholesale"}));
  EXPECT_EQ(p.attributes, (std::map<std::string, std::string>{
                              {"source", "fair"}, {"tier", "gold"}}));
  EXPECT_EQ(p.created_at_ms, Ms("2023-01-01"));

  const Aggregates& a = c1->aggregates;
  EXPECT_EQ(a.order_count, 2);
  EXPECT_EQ(a.completed_order_count, 1);
  EXPECT_EQ(a.total_spend_minor, 2500 + 1000 - 300);
  EXPECT_EQ(a.first_order_ms, Ms("2023-06-01T10:00:00Z"));
  EXPECT_EQ(a.last_order_ms, Ms("2023-07-01"));
  EXPECT_EQ(a.interaction_count, 1);
  EXPECT_EQ(a.complaint_count, 1);
  EXPECT_EQ(a.open_complaint_count, 0);
  EXPECT_EQ(a.satisfaction_sum, 2);
  EXPECT_EQ(a.last_nps, 3);
  EXPECT_EQ(a.last_activity_ms, Ms("2023-09-01"));

  Result<Order> order = engine_->GetOrder(100);
  ASSERT_TRUE(order.ok());
  ASSERT_EQ(order->items.size(), 2u);
  EXPECT_EQ(order->items[0].sku, "A1");
  EXPECT_EQ(order->items[0].quantity, 2);
  EXPECT_EQ(order->items[0].unit_price_minor, 1000);
  EXPECT_EQ(order->items[0].amount_minor, 2000);
  Result<Interaction> complaint = engine_->GetInteraction(1);
  ASSERT_TRUE(complaint.ok());
  EXPECT_EQ(complaint->note, "late, again\nand again");
  EXPECT_EQ(complaint->resolved_at_ms, Ms("2023-09-02"));

  Result<CustomerRecord> c2 = engine_->GetCustomer(500);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->profile.code, "C2");
  EXPECT_EQ(c2->aggregates.total_spend_minor, 700);
  EXPECT_EQ(c2->aggregates.interaction_count, 1);
}

TEST_F(CustdbCsvImportTest, ReimportAddsNothingAndCountsDuplicates) {
  const std::vector<std::string> files = {
      File("channels.csv", kChannels), File("customers.csv", kCustomers),
      File("orders.csv", kOrdersByCode), File("orders2.csv", kOrdersById)};
  ASSERT_TRUE(Import(files).ok());
  ASSERT_TRUE(report_.ok());
  Result<CustomerRecord> before = engine_->GetCustomerByCode("C1");
  Result<RecordCounts> counts_before = engine_->Counts();
  ASSERT_TRUE(before.ok() && counts_before.ok());

  ASSERT_TRUE(Import(files).ok());
  EXPECT_TRUE(report_.ok());
  EXPECT_EQ(report_.rows_read, 8);
  EXPECT_EQ(report_.rows_imported, 2);  // channels are rewritten
  EXPECT_EQ(report_.rows_skipped, 6);
  ASSERT_EQ(report_.skips.size(), 1u);
  EXPECT_EQ(report_.skips[0].reason, kSkipDuplicate);
  EXPECT_EQ(report_.skips[0].rows, 6);
  EXPECT_EQ(report_.customers_created, 0);
  EXPECT_EQ(report_.orders_created, 0);

  Result<CustomerRecord> after = engine_->GetCustomerByCode("C1");
  Result<RecordCounts> counts_after = engine_->Counts();
  ASSERT_TRUE(after.ok() && counts_after.ok());
  EXPECT_EQ(after->aggregates, before->aggregates);
  EXPECT_EQ(counts_after->channels, counts_before->channels);
  EXPECT_EQ(counts_after->customers, counts_before->customers);
  EXPECT_EQ(counts_after->orders, counts_before->orders);
}

TEST_F(CustdbCsvImportTest, BadOrderRowsAreReportedAndTheOthersLand) {
  CreateChannel(1);
  CreateCustomer("C1");
  const std::string path =
      File("orders.csv",
           "id,customer_code,channel_id,ts,amount_minor,status,items\n"
           "1,C1,1,2023-01-01,100,completed,\n"           // 2 ok
           "2,C1,1,,100,completed,\n"                     // 3 missing ts
           "3,C1,1,2023-01-02,100,shipped,\n"             // 4 unknown status
           "4,C1,1,2023-01-03,12x,completed,\n"           // 5 bad number
           "5,C1,1,2023-01-04,-5,completed,\n"            // 6 negative amount
           "6,C1,1,2023-01-05,100,completed,A:-1:100\n"   // 7 negative quantity
           "7,NOPE,1,2023-01-06,100,completed,\n"         // 8 unknown customer
           "8,C1,1,2023-01-07,100\n"                      // 9 too few fields
           "9,C1,1,2023-13-01,100,completed,\n"           // 10 bad month
           "1,C1,1,2023-01-08,100,completed,\n"           // 11 repeated id
           "10,C1,1,\"2023-01-09\"x,100,completed,\n"     // 12 CSV syntax
           "11,C1,99,2023-01-10,100,completed,\n"         // 13 unknown channel
           "12,C1,1,2023-01-11,100,completed,\n"          // 14 ok
           "13,C1,1,2023-01-12,100,completed,A:1:50\n");  // 15 items != amount
  ASSERT_TRUE(Import({path}).ok());
  EXPECT_FALSE(report_.ok());
  EXPECT_EQ(report_.rows_read, 14);
  EXPECT_EQ(report_.rows_imported, 2);
  ExpectFailures(path, {{3, "order.ts: missing"},
                        {4, "order.status: 'shipped' is not one of"},
                        {5, "order.amount_minor: '12x' is not a whole number"},
                        {6, "order.amount_minor: '-5' is negative"},
                        {7, "order.items[1] quantity: '-1' is not positive"},
                        {8, "order.customer_code: 'NOPE'"},
                        {9, "row has 5 fields; the header has 7"},
                        {10, "order.ts: '2023-13-01'"},
                        {11, "order.id: 1 repeats line 2"},
                        {12, "field 4: text after the closing quote"},
                        {13, "order.channel_id"},
                        {15, "order.amount_minor"}});
  EXPECT_EQ(report_.failures[0].status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(engine_->GetOrder(1).ok());
  EXPECT_TRUE(engine_->GetOrder(12).ok());
  EXPECT_FALSE(engine_->GetOrder(11).ok());
  Result<CustomerRecord> c1 = engine_->GetCustomerByCode("C1");
  ASSERT_TRUE(c1.ok());
  EXPECT_EQ(c1->aggregates.order_count, 2);
}

TEST_F(CustdbCsvImportTest, BadCustomerRowsAreReportedAndTheOthersLand) {
  const std::string path =
      File("customers.csv",
           "code,email,gender,birth_year,created_at,tags,attributes\n"
           "K1,k1@example.com,female,1990,2023-01-01,,\n"  // 2 ok
           "K2,,robot,,,,\n"                               // 3 unknown gender
           "K3,,,19x0,,,\n"                                // 4 bad number
           "K4,,,,yesterday,,\n"                           // 5 bad time
           "K1,,,,,,\n"                                    // 6 repeated code
           "K5,K1@Example.com,,,,,\n"                      // 7 email taken
           ",,,,,,\n"                                      // 8 no id, no code
           "K6,,,,,a;;b,\n"                                // 9 empty tag
           "K7,,,,,,novalue\n"                             // 10 bad attribute
           "K8,,,1850,,,\n"                                // 11 engine: range
           "K9,,,,,,\n");                                  // 12 ok
  ASSERT_TRUE(Import({path}).ok());
  ExpectFailures(path, {{3, "customer.gender: 'robot' is not one of"},
                        {4, "customer.birth_year: '19x0'"},
                        {5, "customer.created_at: 'yesterday'"},
                        {6, "customer.code: 'K1' repeats line 2"},
                        {7, "customer.email"},
                        {8, "customer.id/code: missing"},
                        {9, "customer.tags"},
                        {10, "customer.attributes: 'novalue' is not key=value"},
                        {11, "customer.birth_year"}});
  EXPECT_EQ(FailureAt(path, 7)->status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(report_.rows_imported, 2);
  EXPECT_EQ(report_.customers_created, 2);
  EXPECT_TRUE(engine_->GetCustomerByCode("K1").ok());
  EXPECT_TRUE(engine_->GetCustomerByCode("K9").ok());
  EXPECT_FALSE(engine_->GetCustomerByCode("K5").ok());
}

TEST_F(CustdbCsvImportTest, BadInteractionRowsAreReportedByPhysicalLine) {
  CreateCustomer("K1");
  const std::string path =
      File("interactions.csv",
           "id,customer_code,ts,kind,satisfaction,note\n"
           "1,K1,2023-01-01,call,5,\"a note\n"  // 2-3 ok, two lines
           "on two lines\"\n"
           "2,K1,2023-01-02,meeting,,\n"     // 4 unknown kind
           "0,K1,2023-01-03,call,,\n"        // 5 id 0
           "3,K1,2023-01-04,call,five,\n"    // 6 bad number
           "4,K1,2023-01-05,call,9,\n"       // 7 engine: range
           "5,,2023-01-06,call,,\n"          // 8 no customer
           "6,K1,2023-01-07,,,\n"            // 9 missing kind
           "7,K1,2023-01-08,visit,4,ok\n");  // 10 ok
  ASSERT_TRUE(Import({path}).ok());
  ExpectFailures(path, {{4, "interaction.kind: 'meeting' is not one of"},
                        {5, "interaction.id: '0'"},
                        {6, "interaction.satisfaction: 'five'"},
                        {7, "interaction.satisfaction"},
                        {8, "interaction.customer_id/customer_code: missing"},
                        {9, "interaction.kind: missing"}});
  EXPECT_EQ(report_.interactions_created, 2);
  Result<CustomerRecord> k1 = engine_->GetCustomerByCode("K1");
  ASSERT_TRUE(k1.ok());
  EXPECT_EQ(k1->aggregates.interaction_count, 2);
}

TEST_F(CustdbCsvImportTest, BadHeaderStopsBeforeAnythingIsWritten) {
  const std::string channels = File("channels.csv", kChannels);
  struct Case {
    std::string content;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"id,code,emial\n", "unknown column 'emial' for customers"},
      {"id,customer_code,channel_id,amount_minor\n1,C1,1,5\n",
       "orders needs the column 'ts'"},
      {"id,ts,kind\n",
       "interactions needs the column customer_id or "
       "customer_code"},
      {"code,name,code\n", "column 'code' appears twice"},
      {"code,,name\n", "column 2 has no name"},
      {"", "empty file"},
  };
  for (const Case& c : cases) {
    const std::string bad = File("bad.csv", c.content);
    Status s = Import({channels, bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.content;
    EXPECT_NE(s.message().find(bad), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
    EXPECT_EQ(report_.rows_read, 0);
  }
  EXPECT_TRUE(engine_->GetChannel(1).status().IsNotFound());
}

TEST_F(CustdbCsvImportTest, MissingFileIsAnIoError) {
  Status s = Import({dir_.Sub("nope.csv")});
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("nope.csv"), std::string::npos);
  EXPECT_EQ(Import({}).code(), StatusCode::kInvalidArgument);
}

TEST_F(CustdbCsvImportTest, EmailClashWithAnotherCustomerIsNotADuplicate) {
  ASSERT_TRUE(Import({File("c.csv", "code,email\nA,a@example.com\n")}).ok());
  ASSERT_TRUE(report_.ok());
  // Re-imported A is a duplicate; B takes A's email: a real failure.
  const std::string path =
      File("c2.csv", "code,email\nA,a@example.com\nB,a@example.com\n");
  ASSERT_TRUE(Import({path}).ok());
  EXPECT_EQ(report_.rows_skipped, 1);
  ExpectFailures(path, {{3, "customer.email"}});
}

// Text that is not valid UTF-8, or holds control characters, fails its row
// only, naming the line, the field and the byte (validate.cc; the rows are
// in tests/data/import_text_fields/). Valid UTF-8, and line breaks in a
// quoted note, land.
TEST_F(CustdbCsvImportTest, TextFieldsAreCheckedRowByRow) {
  const std::string data =
      std::string(CUSTDB_SOURCE_DIR) + "/tests/data/import_text_fields/";
  const std::vector<std::string> paths = {
      data + "channels.csv", data + "customers.csv", data + "orders.csv",
      data + "interactions.csv"};
  ImportOptions options;
  ASSERT_TRUE(ImportCustdbCsv(*engine_, paths, options, &report_).ok());
  const std::vector<std::tuple<std::string, int64_t, std::string>> expected = {
      {"channels.csv", 3, "channel.name: not valid UTF-8 at byte 2"},
      {"channels.csv", 4,
       "channel.region: holds a control character (U+0001) at byte 1"},
      {"customers.csv", 3, "customer.code: not valid UTF-8 at byte 1"},
      {"customers.csv", 4, "customer.email: not valid UTF-8 at byte 1"},
      {"customers.csv", 5,
       "customer.phone: holds a control character (U+001B) at byte 2"},
      {"customers.csv", 6, "customer.name: not valid UTF-8 at byte 2"},
      {"customers.csv", 7,
       "customer.region: holds a control character (U+0085) at byte 1"},
      {"customers.csv", 8,
       "customer.tags[1]: holds a control character (U+007F) at byte 1"},
      {"customers.csv", 9,
       "customer.attributes key: not valid UTF-8 at byte 1"},
      {"customers.csv", 10,
       "customer.attributes['k']: not valid UTF-8 at byte 1"},
      {"orders.csv", 3, "order.items[0].sku: not valid UTF-8 at byte 2"},
      {"orders.csv", 4,
       "order.items[0].sku: holds a control character (U+0002) at byte 1"},
      {"orders.csv", 5, "order.currency: not valid UTF-8 at byte 1"},
      {"interactions.csv", 2,
       "interaction.staff_id: not valid UTF-8 at byte 2"},
      {"interactions.csv", 3,
       "interaction.note: holds a control character (U+001B) at byte 6"},
      {"interactions.csv", 6, "interaction.note: not valid UTF-8 at byte 2"}};
  EXPECT_EQ(report_.rows_failed, static_cast<int64_t>(expected.size()));
  for (const auto& [file, line, message] : expected) {
    const ImportFailure* f = FailureAt(data + file, line);
    if (f == nullptr) {
      ADD_FAILURE() << "no failure reported for " << file << ":" << line;
      continue;
    }
    EXPECT_EQ(f->status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(f->status.message(), message) << file << ":" << line;
  }
  // What was valid landed: channel 1, customers 1 and 10, order 100 and
  // interaction 202, whose quoted note spans two lines.
  EXPECT_EQ(report_.rows_imported, 5) << report_.rows_read << " rows read";
  CustomerRecord zoe = test::ValueOf(engine_->GetCustomer(10));
  EXPECT_EQ(zoe.profile.name, "Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC");
  EXPECT_EQ(test::ValueOf(engine_->GetCustomer(1)).aggregates.order_count, 1);
}

// Issue 12, item 7: in custdb CSV quoted fields may span lines, so a stray
// quote first runs on to the next quote; its field then fails and the
// reader reads the lines after the quote's line again.
TEST_F(CustdbCsvImportTest, StrayQuoteInANameCostsOnlyItsLine) {
  const std::string path = test::TestDataPath("csv/customers_stray_quote.csv");
  ASSERT_TRUE(Import({path}).ok());
  test::ExpectEveryLineAccountedFor(report_, 6);
  EXPECT_EQ(report_.rows_read, 5);
  EXPECT_EQ(report_.rows_imported, 3);  // C1, C3, C5
  EXPECT_EQ(report_.multiline_rows, 0);
  ExpectFailures(path, {{3,
                         "field 2: quoted field starting on line 3 has "
                         "text after its closing quote on line 5"},
                        {5, "field 2: text after the closing quote"}});
  EXPECT_TRUE(engine_->GetCustomerByCode("C3").ok());
}

// A quoted note spanning lines is a row (reported as multi-line); a note
// whose quote never ends fails its line only. CRLF, blank line.
TEST_F(CustdbCsvImportTest,
       MultilineNoteIsReportedAndUnendedQuoteFailsItsLine) {
  CreateCustomer("C1");
  const std::string path =
      test::TestDataPath("csv/interactions_stray_quote.csv");
  ASSERT_TRUE(Import({path}).ok());
  test::ExpectEveryLineAccountedFor(report_, 7);
  EXPECT_EQ(report_.blank_lines, 1);
  EXPECT_EQ(report_.rows_read, 4);
  EXPECT_EQ(report_.row_lines, 5);
  EXPECT_EQ(report_.rows_imported, 3);
  EXPECT_EQ(report_.multiline_rows, 1);
  ASSERT_EQ(report_.first_multiline_rows.size(), 1u);
  EXPECT_EQ(report_.first_multiline_rows[0].line, 2);
  EXPECT_EQ(report_.first_multiline_rows[0].last_line, 3);
  ExpectFailures(path, {{5,
                         "field 5: quoted field starting on line 5 never "
                         "ends (taken for a stray quote"}});
}

// Failures found when a batch is written come after those found while
// reading later rows; the list is still in line order.
TEST_F(CustdbCsvImportTest, FailuresAreListedInLineOrder) {
  std::string csv = "code,email,gender\nC0,a@example.com,\n";
  csv += "C1,a@example.com,\n";   // 3: clashes when its batch is written
  for (int i = 2; i < 20; ++i) {  // 4-21: fail while read
    csv += "C" + std::to_string(i) + ",,robot\n";
  }
  const std::string path = File("customers.csv", csv);
  ImportOptions options;
  options.batch_size = 1000;
  options.max_failures = 5;
  ASSERT_TRUE(ImportCustdbCsv(*engine_, {path}, options, &report_).ok());
  test::ExpectEveryLineAccountedFor(report_, 21, 5);
  EXPECT_EQ(report_.rows_failed, 19);
  ASSERT_EQ(report_.failures.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(report_.failures[i].where.line, static_cast<int64_t>(3 + i));
  }
}

// A re-run after an interrupted import (here: one that got through the
// first two customers) must give every customer the id an uninterrupted
// import gives: duplicates found by code use up no id.
TEST_F(CustdbCsvImportTest, ReimportAfterAPartialOneAssignsTheCleanIds) {
  const std::string all = File("all.csv", "code\nA\nB\nC\nD\nE\n");
  ASSERT_TRUE(Import({File("part.csv", "code\nA\nB\n")}).ok());
  ASSERT_TRUE(Import({all}).ok());
  EXPECT_EQ(report_.customers_created, 3);
  EXPECT_EQ(report_.rows_skipped, 2);
  const char* codes[] = {"A", "B", "C", "D", "E"};
  for (uint64_t i = 0; i < 5; ++i) {
    Result<CustomerRecord> c = engine_->GetCustomerByCode(codes[i]);
    ASSERT_TRUE(c.ok()) << codes[i];
    EXPECT_EQ(c->profile.id, i + 1) << codes[i];
  }
}

TEST_F(CustdbCsvImportTest,
       StopRequestEndsAtABatchBoundaryAndReimportFinishes) {
  const std::vector<std::string> files = {
      File("channels.csv", kChannels), File("customers.csv", kCustomers),
      File("orders.csv", kOrdersByCode), File("orders2.csv", kOrdersById)};
  // Set before the import starts: it stops before its first data row.
  std::atomic<bool> stop{true};
  ImportOptions options;
  options.batch_size = 3;
  options.stop = &stop;
  Status s = ImportCustdbCsv(*engine_, files, options, &report_);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_NE(s.message().find("interrupted"), std::string::npos);
  EXPECT_TRUE(report_.interrupted);
  EXPECT_EQ(report_.rows_read, 0);
  EXPECT_TRUE(engine_->GetChannel(1).status().IsNotFound());

  // Stopped midway by the progress callback (at the end of the channels
  // file): every row read is accounted for and the database verifies.
  stop = false;
  options.progress = [&stop](const ImportProgress& p) {
    if (p.rows_read > 0) stop = true;
  };
  s = ImportCustdbCsv(*engine_, files, options, &report_);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_TRUE(report_.interrupted);
  EXPECT_GT(report_.rows_read, 0);
  EXPECT_LT(report_.rows_read, 8);
  EXPECT_EQ(report_.rows_read,
            report_.rows_imported + report_.rows_skipped + report_.rows_failed);
  Result<VerifyReport> verify = engine_->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());

  ASSERT_TRUE(Import(files).ok());
  EXPECT_FALSE(report_.interrupted);
  EXPECT_TRUE(report_.ok());
  EXPECT_EQ(report_.rows_read, 8);
  EXPECT_EQ(report_.customers_created, 2);
  EXPECT_EQ(report_.orders_created + report_.credit_notes_created, 4);
  verify = engine_->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());
}

}  // namespace
}  // namespace custdb
