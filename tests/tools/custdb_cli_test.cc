// The `custdb` binary: import, export and stats end to end, exit codes and
// messages (docs/IMPORT.md).
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "storage/keys.h"
#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CommandRun;
using test::Custdb;
using test::Quote;
using test::TempDir;

class CustdbCliTest : public ::testing::Test {
 protected:
  std::string File(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string Data() const { return Quote(dir_.Sub("db")); }

  TempDir dir_;
};

TEST_F(CustdbCliTest, ImportReportsBadRowsByLineAndExitsNonZero) {
  const std::string channels =
      File("channels.csv", "id,name,type\n1,shop,retail\n");
  const std::string customers =
      File("customers.csv", "code,email\nC1,c1@example.com\nC2,not-an-email\n");
  const std::string orders =
      File("orders.csv",
           "id,customer_code,channel_id,ts,amount_minor\n"
           "1,C1,1,2023-01-01,100\n"
           "2,C1,1,2023-01-02,-7\n"
           "3,C1,1,2023-01-03,300\n");
  const CommandRun run =
      Custdb("import --data " + Data() + " --format custdb " + Quote(orders) +
             " " + Quote(customers) + " " + Quote(channels));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(
      run.output.find(orders + ":3: order.amount_minor: '-7' is negative"),
      std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find(customers + ":3: customer.email"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("rows read:  6"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("imported:   4"), std::string::npos) << run.output;

  // The good rows landed; stats --json says so.
  const CommandRun stats = Custdb("stats --data " + Data() + " --json");
  ASSERT_EQ(stats.exit_code, 0) << stats.output;
  const nlohmann::json j = nlohmann::json::parse(stats.output);
  EXPECT_EQ(j["counts"]["channels"], 1);
  EXPECT_EQ(j["counts"]["customers"], 1);
  EXPECT_EQ(j["counts"]["orders"], 2);
  EXPECT_EQ(j["base_currency"], "USD");
  EXPECT_GE(j["schema_version"].get<int>(), 1);
  ASSERT_TRUE(j["column_families"].is_array());
  bool has_customers = false;
  for (const auto& cf : j["column_families"]) {
    EXPECT_TRUE(cf["sst_bytes"].is_number());
    EXPECT_TRUE(cf["estimate_num_keys"].is_number());
    has_customers |= cf["name"] == "customers";
  }
  EXPECT_TRUE(has_customers);

  const CommandRun text = Custdb("stats --data " + Data());
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("base currency:   USD"), std::string::npos)
      << text.output;
}

TEST_F(CustdbCliTest, ImportJsonReportParses) {
  const std::string customers = File("c.csv", "code,gender\nA,male\nB,robot\n");
  const CommandRun run =
      Custdb("import --json --data " + Data() +
             " --format custdb --base-currency EUR " + Quote(customers));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const nlohmann::json j = nlohmann::json::parse(run.output);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["rows_read"], 2);
  EXPECT_EQ(j["rows_failed"], 1);
  ASSERT_EQ(j["failures"].size(), 1u);
  EXPECT_EQ(j["failures"][0]["line"], 3);
  EXPECT_EQ(j["failures"][0]["code"], "invalid_argument");

  const CommandRun stats = Custdb("stats --json --data " + Data());
  EXPECT_EQ(nlohmann::json::parse(stats.output)["base_currency"], "EUR");
}

TEST_F(CustdbCliTest, BadHeaderExitsWithFailureAndWritesNothing) {
  const std::string bad = File("bad.csv", "id,colour\n1,red\n");
  const CommandRun run =
      Custdb("import --data " + Data() + " --format custdb " + Quote(bad));
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("unknown column 'colour'"), std::string::npos)
      << run.output;
}

// Issue 12, item 8: an import that fails before it starts (any header or
// file problem, either format) creates no database, so a retry with another
// --base-currency is not refused by a database the failure left behind.
TEST_F(CustdbCliTest, ImportThatFailsBeforeStartingCreatesNoDatabase) {
  const std::string good = File("good.csv", "code,name\nA,Ann\n");
  const std::string cases[] = {
      "--format custdb --base-currency USD " +
          Quote(File("bad.csv", "id,colour\n1,red\n")),
      "--format custdb " + Quote(good) + " " +
          Quote(File("bad2.csv", "id,name,name\n")),
      "--format custdb " + Quote(File("empty.csv", "")),
      "--format custdb " + Quote(File("quote.csv", "\"code,name\nA,B\n")),
      "--format online-retail " +
          Quote(File("retail.csv", "InvoiceNo,StockCode\n536365,85123A\n")),
      "--format online-retail " + Quote(File("retail-empty.csv", "")),
  };
  for (const std::string& args : cases) {
    SCOPED_TRACE(args);
    for (const char* json : {"", " --json"}) {
      const CommandRun run =
          Custdb("import --data " + Data() + " " + args + json);
      EXPECT_EQ(run.exit_code, 3) << run.output;
      EXPECT_NE(run.output.find("stopped"), std::string::npos) << run.output;
      EXPECT_FALSE(std::filesystem::exists(dir_.Sub("db"))) << run.output;
    }
  }
  const CommandRun retry =
      Custdb("import --data " + Data() +
             " --format custdb --base-currency EUR " + Quote(good));
  ASSERT_EQ(retry.exit_code, 0) << retry.output;
  const CommandRun stats = Custdb("stats --data " + Data() + " --json");
  EXPECT_EQ(nlohmann::json::parse(stats.output)["base_currency"], "EUR");
}

TEST_F(CustdbCliTest, ExportWritesCsvAndJsonl) {
  const std::string customers =
      File("c.csv", "code,name\nA,\"Smith, Ann\"\nB,Bob\n");
  ASSERT_EQ(
      Custdb("import --data " + Data() + " --format custdb " + Quote(customers))
          .exit_code,
      0);
  const std::string out = dir_.Sub("out.csv");
  const CommandRun run =
      Custdb("export --data " + Data() +
             " --what customers --format csv --out " + Quote(out));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::ifstream in(out);
  std::stringstream csv;
  csv << in.rdbuf();
  EXPECT_EQ(csv.str().rfind("id,code,email,", 0), 0u) << csv.str();
  EXPECT_NE(csv.str().find("\"Smith, Ann\""), std::string::npos) << csv.str();
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));

  const CommandRun jsonl =
      Custdb("export --data " + Data() + " --what customers --format jsonl");
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.output;
  std::istringstream lines(jsonl.output);
  std::string line;
  int objects = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("{", 0) != 0) continue;  // the summary on stderr
    EXPECT_TRUE(nlohmann::json::parse(line).contains("spend_minor"));
    ++objects;
  }
  EXPECT_EQ(objects, 2);
}

TEST_F(CustdbCliTest, MissingDatabaseFailsWithoutCreatingOne) {
  const std::string missing = dir_.Sub("no-such-db");
  for (const std::string& args :
       {"stats --data " + Quote(missing),
        "export --data " + Quote(missing) + " --what customers"}) {
    const CommandRun run = Custdb(args);
    EXPECT_NE(run.exit_code, 0) << args;
    EXPECT_NE(run.output.find(missing), std::string::npos) << run.output;
    EXPECT_FALSE(std::filesystem::exists(missing)) << args;
  }
  // A directory that holds no database is not one either.
  std::filesystem::create_directory(missing);
  const CommandRun run = Custdb("stats --data " + Quote(missing));
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("cannot open the database"), std::string::npos)
      << run.output;
}

TEST_F(CustdbCliTest, EverySubcommandHasHelp) {
  for (const char* command : {"import", "export", "stats", "verify"}) {
    const CommandRun run = Custdb(std::string(command) + " --help");
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.output.find("--data"), std::string::npos) << run.output;
  }
  EXPECT_EQ(Custdb("--help").exit_code, 0);
}

TEST_F(CustdbCliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Custdb("").exit_code, 2);
  EXPECT_EQ(Custdb("frobnicate").exit_code, 2);
  EXPECT_EQ(Custdb("import --data " + Data() + " --format xml " +
                   Quote(File("a.csv", "code\nA\n")))
                .exit_code,
            2);
  EXPECT_EQ(Custdb("export --data " + Data() + " --format xml").exit_code, 2);
  const CommandRun run =
      Custdb("import --data " + Data() + " --format custdb " +
             Quote(dir_.Sub("missing.csv")));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("missing.csv"), std::string::npos) << run.output;
}

TEST_F(CustdbCliTest, VerifyExitsZeroWhenCleanAndOneOnAMismatch) {
  const std::string customers = File("c.csv", "code\nA\nB\n");
  ASSERT_EQ(
      Custdb("import --data " + Data() + " --format custdb " + Quote(customers))
          .exit_code,
      0);
  const CommandRun clean = Custdb("verify --json --data " + Data());
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  const nlohmann::json j = nlohmann::json::parse(clean.output);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["customers_checked"], 2);

  // Remove one customer's aggregates behind custdb's back.
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(),
                                                dir_.Sub("db"), &names)
                    .ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names)
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.Sub("db"),
                                  descriptors, &handles, &raw)
                    .ok());
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "aggregates") {
        EXPECT_TRUE(
            raw->Delete(rocksdb::WriteOptions(), handles[i], keys::IdKey(1))
                .ok());
        EXPECT_TRUE(raw->Flush(rocksdb::FlushOptions(), handles[i]).ok());
      }
    }
    for (auto* h : handles) EXPECT_TRUE(raw->DestroyColumnFamilyHandle(h).ok());
    EXPECT_TRUE(raw->Close().ok());
    delete raw;
  }
  const CommandRun broken = Custdb("verify --data " + Data());
  EXPECT_EQ(broken.exit_code, 1) << broken.output;
  EXPECT_NE(broken.output.find("problems:       1"), std::string::npos)
      << broken.output;
  EXPECT_NE(broken.output.find("customer 1"), std::string::npos)
      << broken.output;
}

// Issue 12, item 7: every line is accounted for in the printed report, a
// multi-line row shows its span, and "N more not listed" is exact.
TEST_F(CustdbCliTest, ImportReportAccountsForEveryLine) {
  const std::string retail = test::TestDataPath("csv/retail_stray_quote.csv");
  CommandRun run =
      Custdb("import --data " + Data() +
             " --format online-retail --max-errors 0 " + Quote(retail));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("lines:      6 (header 1, blank 0, in rows 5)"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("rows read:  5\n"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("failed:     ... 1 rows not listed"),
            std::string::npos)
      << run.output;

  const std::string customers =
      File("customers.csv",
           "code,name\nC1,\"two\nlines\"\nC2,x\"\nC3,y\"\nC4,z\"\n");
  run = Custdb("import --data " + Quote(dir_.Sub("db2")) +
               " --format custdb --max-errors 2 " + Quote(customers));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("lines:      6 (header 1, blank 0, in rows 5)"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("multi-line: 1 rows with quoted line breaks; "
                            "first " +
                            customers + " lines 2-3"),
            std::string::npos)
      << run.output;
  // The engine refuses a line break in a name; the failure shows the span.
  EXPECT_NE(run.output.find(customers + ":2-3: customer.name: "),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find(customers + ":4: field 2: quote inside"),
            std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find(customers + ":5:"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("failed:     ... 2 more rows not listed"),
            std::string::npos)
      << run.output;

  run = Custdb("import --json --data " + Quote(dir_.Sub("db3")) +
               " --format custdb " + Quote(customers));
  const nlohmann::json j = nlohmann::json::parse(run.output);
  EXPECT_EQ(j["lines_read"], 6);
  EXPECT_EQ(j["row_lines"], 5);
  EXPECT_EQ(j["multiline_rows"], 1);
  EXPECT_EQ(j["first_multiline_rows"][0]["last_line"], 3);
  ASSERT_EQ(j["failures"].size(), 4u);
  EXPECT_EQ(j["failures"][0]["line"], 2);
  EXPECT_EQ(j["failures"][0]["last_line"], 3);
  EXPECT_EQ(j["failures"][1]["line"], 4);
  EXPECT_EQ(j["failures"][1]["last_line"], 4);
}

}  // namespace
}  // namespace custdb
