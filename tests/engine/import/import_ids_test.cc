// How both importers read ids and tell a re-imported record from a
// different record that collides with a stored id (docs/IMPORT.md, "Ids"):
// a row is a duplicate only when its record is the stored one; engine-
// assigned customer ids never take an id a row of the same import names;
// ids have one spelling.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "custdb/import.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::TempDir;
using test::ValueOf;

class ImportIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options options = test::TestOptions(dir_.Sub("db"));
    options.base_currency = "GBP";  // Online Retail needs it
    Result<std::unique_ptr<Engine>> opened = Engine::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine_ = std::move(opened).value();
  }

  std::string File(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  void Import(const std::vector<std::string>& paths) {
    ImportOptions options;
    options.batch_size = 2;
    report_ = ImportReport();
    ASSERT_TRUE(ImportCustdbCsv(*engine_, paths, options, &report_).ok());
  }
  void ImportRetail(const std::string& path) {
    report_ = ImportReport();
    ASSERT_TRUE(
        ImportOnlineRetail(*engine_, path, ImportOptions(), &report_).ok());
  }
  // The one failure's message, or "" (and a test failure) if there is not
  // exactly one.
  std::string OnlyFailure() const {
    EXPECT_EQ(report_.failures.size(), 1u)
        << (report_.failures.empty() ? ""
                                     : report_.failures[0].status.ToString());
    return report_.failures.size() == 1 ? report_.failures[0].status.ToString()
                                        : "";
  }
  int64_t Customers() { return ValueOf(engine_->Counts()).customers; }
  int64_t Orders() { return ValueOf(engine_->Counts()).orders; }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  ImportReport report_;
};

constexpr char kChannel[] = "id,name,type\n1,Web,ecommerce\n";

TEST_F(ImportIdsTest, AssignedIdsAvoidTheIdsLaterRowsGive) {
  // A and C have no id; on an empty database the engine would have given
  // them 1 and 2, the ids B and D name further down (and in a later file).
  Import({File("a.csv", "code,id\nA,\nB,1\nC,\n"),
          File("b.csv", "id,code\n2,D\n")});
  EXPECT_TRUE(report_.ok()) << OnlyFailure();
  EXPECT_EQ(report_.customers_created, 4);
  EXPECT_EQ(report_.rows_skipped, 0);
  EXPECT_EQ(Customers(), 4);
  EXPECT_EQ(ValueOf(engine_->GetCustomer(1)).profile.code, "B");
  EXPECT_EQ(ValueOf(engine_->GetCustomer(2)).profile.code, "D");
  EXPECT_GT(ValueOf(engine_->GetCustomerByCode("A")).profile.id, 2u);
  EXPECT_GT(ValueOf(engine_->GetCustomerByCode("C")).profile.id, 2u);
  // And a re-import recognises every row.
  Import({File("a.csv", "code,id\nA,\nB,1\nC,\n"),
          File("b.csv", "id,code\n2,D\n")});
  EXPECT_TRUE(report_.ok()) << OnlyFailure();
  EXPECT_EQ(report_.rows_skipped, 4);
  EXPECT_EQ(Customers(), 4);
}

TEST_F(ImportIdsTest, CustomerRowCollidingWithAnotherCustomersIdFails) {
  Import({File("a.csv", "code\nA\n")});
  const uint64_t a = ValueOf(engine_->GetCustomerByCode("A")).profile.id;
  const std::string path =
      File("b.csv", "id,code\n" + std::to_string(a) + ",B\n");
  Import({path});
  EXPECT_EQ(report_.rows_failed, 1);
  EXPECT_EQ(report_.rows_skipped, 0);
  EXPECT_EQ(report_.failures[0].where.line, 2);
  const std::string m = OnlyFailure();
  EXPECT_NE(m.find("customer.id: " + std::to_string(a) +
                   " is already stored with different content"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("code: 'A' stored, 'B' in the row"), std::string::npos) << m;
  EXPECT_EQ(Customers(), 1);
  // So does one whose creation time differs.
  Import({File("c.csv", "id,code,created_at\n" + std::to_string(a) +
                            ",A,2020-01-01\n")});
  EXPECT_NE(OnlyFailure().find("created_at_ms"), std::string::npos);
}

TEST_F(ImportIdsTest, ACustomerChangedSinceItsImportIsStillADuplicate) {
  const std::string path =
      File("a.csv", "id,code,email,name\n7,A,a@example.com,Ann\n8,,,Bob\n");
  Import({path});
  ASSERT_TRUE(report_.ok());
  CustomerPatch patch;
  patch.email = "new@example.com";
  patch.name = "Ann B.";
  ASSERT_TRUE(engine_->UpdateCustomer(7, patch).ok());
  Import({path});
  EXPECT_TRUE(report_.ok()) << OnlyFailure();
  EXPECT_EQ(report_.rows_skipped, 2);
}

TEST_F(ImportIdsTest, OrderRowCollidingWithADifferentOrderFails) {
  constexpr char kHeader[] =
      "id,customer_id,channel_id,ts,amount_minor,kind,status,items\n";
  const std::string original =
      "100,1,1,2024-01-01T10:00:00Z,2500,sale,paid,A:2:1000;B:1:500\n";
  Import({File("ch.csv", kChannel), File("cu.csv", "id,code\n1,A\n2,B\n"),
          File("o.csv", kHeader + original)});
  ASSERT_TRUE(report_.ok()) << OnlyFailure();
  // A later status is not content: the original row is still a duplicate.
  ASSERT_TRUE(engine_->UpdateOrderStatus(100, OrderStatus::kCompleted).ok());
  Import({File("o.csv", kHeader + original)});
  EXPECT_TRUE(report_.ok()) << OnlyFailure();
  EXPECT_EQ(report_.rows_skipped, 1);

  // Each field an order keeps for life, changed on its own, is a collision
  // that names it.
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"customer_id",
       "100,2,1,2024-01-01T10:00:00Z,2500,sale,paid,A:2:1000;B:1:500\n"},
      {"ts_ms",
       "100,1,1,2024-01-01T10:00:01Z,2500,sale,paid,A:2:1000;B:1:500\n"},
      {"amount_minor", "100,1,1,2024-01-01T10:00:00Z,2600,sale,paid,\n"},
      {"items",
       "100,1,1,2024-01-01T10:00:00Z,2500,sale,paid,A:1:2000;B:1:500\n"},
      {"kind",
       "100,1,1,2024-01-01T10:00:00Z,2500,credit_note,completed,"
       "A:2:1000;B:1:500\n"},
  };
  const int64_t spend =
      ValueOf(engine_->GetCustomer(1)).aggregates.total_spend_minor;
  for (const auto& [field, row] : variants) {
    Import({File("o.csv", kHeader + row)});
    EXPECT_EQ(report_.rows_failed, 1) << field;
    EXPECT_EQ(report_.rows_skipped, 0) << field;
    const std::string m = OnlyFailure();
    EXPECT_NE(
        m.find("order.id: 100 is already stored with different content (" +
               field + ":"),
        std::string::npos)
        << m;
  }
  EXPECT_EQ(Orders(), 1);
  EXPECT_EQ(ValueOf(engine_->GetCustomer(1)).aggregates.total_spend_minor,
            spend);
}

TEST_F(ImportIdsTest, InteractionRowCollidingWithADifferentOneFails) {
  constexpr char kHeader[] = "id,customer_id,ts,kind,satisfaction,note\n";
  Import({File("ch.csv", kChannel), File("cu.csv", "id,code\n1,A\n2,B\n"),
          File("i.csv", std::string(kHeader) + "5,1,2024-02-01,call,4,hi\n")});
  ASSERT_TRUE(report_.ok()) << OnlyFailure();
  Import({File("i.csv", std::string(kHeader) + "5,1,2024-02-01,call,4,hi\n")});
  EXPECT_EQ(report_.rows_skipped, 1);
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"customer_id", "5,2,2024-02-01,call,4,hi\n"},
      {"ts_ms", "5,1,2024-02-02,call,4,hi\n"},
      {"kind", "5,1,2024-02-01,email,4,hi\n"},
      {"satisfaction", "5,1,2024-02-01,call,,hi\n"},
      {"note", "5,1,2024-02-01,call,4,hello\n"},
  };
  for (const auto& [field, row] : variants) {
    Import({File("i.csv", kHeader + row)});
    const std::string m = OnlyFailure();
    EXPECT_NE(m.find("interaction.id: 5 is already stored with different "
                     "content (" +
                     field + ":"),
              std::string::npos)
        << m;
  }
  EXPECT_EQ(ValueOf(engine_->Counts()).interactions, 1);
}

TEST_F(ImportIdsTest, RecordsOfAMergedCustomerAreStillDuplicates) {
  const std::vector<std::string> files = {
      File("ch.csv", kChannel), File("cu.csv", "id,code\n1,A\n2,B\n"),
      File("o.csv",
           "id,customer_id,channel_id,ts,amount_minor\n"
           "10,2,1,2024-01-01,100\n11,1,1,2024-01-02,200\n"),
      File("i.csv", "id,customer_code,ts,kind\n3,B,2024-01-03,call\n")};
  Import(files);
  ASSERT_TRUE(report_.ok()) << OnlyFailure();
  ASSERT_TRUE(engine_->MergeCustomers(1, 2).ok());
  Import(files);
  EXPECT_TRUE(report_.ok()) << OnlyFailure();
  EXPECT_EQ(report_.rows_imported, 1);  // the channel is rewritten
  EXPECT_EQ(report_.rows_skipped, 5);
  EXPECT_EQ(ValueOf(engine_->GetCustomer(1)).aggregates.total_spend_minor, 300);
}

TEST_F(ImportIdsTest, IdsHaveOneSpelling) {
  Import({File("ch.csv", kChannel), File("cu.csv", "id,code\n1,A\n")});
  ASSERT_TRUE(report_.ok());
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"007", "has a leading zero"},
      {"00", "has a leading zero"},
      {"+7", "is not an id"},
      {"-7", "is not an id"},
      {"7.0", "is not an id"},
      {"0x7", "is not an id"},
      {"7 7", "is not an id"},
      {"1e3", "is not an id"},
      {"9223372036854775808", "is out of range"},
      {"18446744073709551616", "is out of range"},
  };
  for (const Case& c : cases) {
    const std::string path =
        File("o.csv", "id,customer_id,channel_id,ts,amount_minor\n" + c.text +
                          ",1,1,2024-01-01,100\n");
    Import({path});
    const std::string m = OnlyFailure();
    EXPECT_NE(m.find("order.id: '" + c.text + "' " + c.message),
              std::string::npos)
        << c.text << ": " << m;
    // The same rule for every id column.
    Import({File("o.csv", "id,customer_id,channel_id,ts,amount_minor\n5," +
                              c.text + ",1,2024-01-01,100\n")});
    EXPECT_NE(OnlyFailure().find("order.customer_id: '" + c.text + "'"),
              std::string::npos);
  }
  EXPECT_EQ(Orders(), 0);
  // Spaces around are not part of the spelling; the top of the range is.
  Import({File("o.csv",
               "id,customer_id,channel_id,ts,amount_minor\n"
               " 9223372036854775807 , 1 ,1,2024-01-01,100\n")});
  EXPECT_TRUE(report_.ok()) << OnlyFailure();
  EXPECT_EQ(ValueOf(engine_->GetOrder(kMaxId)).amount_minor, 100);
}

constexpr char kRetailHeader[] =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,"
    "CustomerID,Country\n";

TEST_F(ImportIdsTest, RetailInvoiceNumbersHaveOneSpelling) {
  const std::string path = File(
      "r.csv", std::string(kRetailHeader) +
                   "536365,A,x,2,2010-12-01 08:26:00,1.50,17850,UK\n"     // 2
                   "0536365,B,y,1,2010-12-01 08:26:00,2.00,17850,UK\n"    // 3
                   "C0536366,B,y,-1,2010-12-01 09:00:00,2.00,17850,UK\n"  // 4
  );
  ImportRetail(path);
  EXPECT_EQ(report_.rows_imported, 1);
  EXPECT_EQ(report_.rows_failed, 2);
  ASSERT_EQ(report_.failures.size(), 2u);
  EXPECT_EQ(report_.failures[0].where.line, 3);
  EXPECT_NE(report_.failures[0].status.message().find(
                "InvoiceNo: '0536365' has a leading zero"),
            std::string::npos)
      << report_.failures[0].status.ToString();
  EXPECT_EQ(report_.failures[1].where.line, 4);
  EXPECT_EQ(ValueOf(engine_->GetOrder(536365)).amount_minor, 300);
}

TEST_F(ImportIdsTest, RetailInvoiceCollidingWithADifferentOrderFails) {
  const std::string first =
      File("a.csv", std::string(kRetailHeader) +
                        "536365,A,x,2,2010-12-01 08:26:00,1.50,17850,UK\n"
                        "536365,B,y,1,2010-12-01 08:26:00,2.00,17850,UK\n");
  ImportRetail(first);
  ASSERT_TRUE(report_.ok());
  ImportRetail(first);  // the same invoice again: duplicates
  EXPECT_TRUE(report_.ok());
  EXPECT_EQ(report_.rows_skipped, 2);
  // Another file whose invoice 536365 has other lines: not the same order.
  ImportRetail(File("b.csv", std::string(kRetailHeader) +
                                 "536365,A,x,3,2010-12-01 08:26:00,1.50,17850,"
                                 "UK\n"));
  EXPECT_EQ(report_.rows_skipped, 0);
  const std::string m = OnlyFailure();
  EXPECT_NE(m.find("invoice 536365: order.id: 536365 is already stored with "
                   "different content (amount_minor: 500 stored, 450 in the "
                   "row)"),
            std::string::npos)
      << m;
  EXPECT_EQ(ValueOf(engine_->GetOrder(536365)).amount_minor, 500);
}

}  // namespace
}  // namespace custdb
