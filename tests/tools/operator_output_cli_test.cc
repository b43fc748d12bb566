// The operator commands' output: the values and the shape of their JSON and
// text on a small database built through the engine (docs/OPERATIONS.md).
//
// They run the real engine underneath (Rescore, SetPolicy, FindCustomers,
// the reports, ViewCustomer).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "custdb/time_format.h"
#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CommandRun;
using test::CustdbSplit;
using test::Quote;
using test::TempDir;
using Json = nlohmann::json;

constexpr int64_t kDay = 86400000;

// Ids of the customers the fixture creates.
constexpr uint64_t kA = 1;  // high, active, Potential Loyalist, channel 1, EU
constexpr uint64_t kB = 2;  // medium, churned, Hibernating, channel 3, US
constexpr uint64_t kC = 3;  // low, new, New, channel 2, EU
constexpr uint64_t kD = 4;  // a prospect, channel 1, EU

class OperatorOutputCliTest : public ::testing::Test {
 protected:
  // The engine writes with the system clock; a full rescore sets the
  // database time back to the tests' "now", midnight UTC yesterday, so
  // that two days after it are still within a day of the clock. Every
  // event lies a whole number of days before it.
  void SetUp() override {
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count();
    as_of_ = (now_ms / kDay - 1) * kDay;
    Options options;
    options.path = dir_.Sub("db");
    options.base_currency = "EUR";
    Result<std::unique_ptr<Engine>> opened = Engine::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Fill(**opened);
  }

  // Channels 1 "web" and 2 "shops" with its child 3 "north"; customers
  // A..D (ids 1..4, codes "A".."D") as the constants above say.
  void Fill(Engine& engine) {
    const struct {
      uint64_t id;
      const char* name;
      uint64_t parent;
    } channels[] = {{1, "web", 0}, {2, "shops", 0}, {3, "north", 2}};
    for (const auto& c : channels) {
      Channel channel;
      channel.id = c.id;
      channel.name = c.name;
      channel.parent_id = c.parent;
      ASSERT_TRUE(engine.PutChannel(channel).ok());
    }
    const struct {
      uint64_t id;
      const char* code;
      uint64_t owner;
      const char* region;
    } customers[] = {{kA, "A", 1, "EU"},
                     {kB, "B", 3, "US"},
                     {kC, "C", 2, "EU"},
                     {kD, "D", 1, "EU"}};
    for (const auto& c : customers) {
      Customer customer;
      customer.id = c.id;
      customer.code = c.code;
      customer.name = std::string("Customer ") + c.code;
      customer.owner_channel_id = c.owner;
      customer.region = c.region;
      ASSERT_TRUE(engine.CreateCustomer(customer).ok());
    }
    // A: three orders of 1,000.00 through channel 1, 100, 50, 10 days ago.
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(101, kA, 1, DaysAgo(100), 100000))
            .ok());
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(102, kA, 1, DaysAgo(50), 100000))
            .ok());
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(103, kA, 1, DaysAgo(10), 100000))
            .ok());
    // B: 400.00 through channel 3, 200 days ago, after a call.
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(201, kB, 3, DaysAgo(200), 40000))
            .ok());
    Interaction call =
        test::NewInteraction(kB, 3, DaysAgo(250), InteractionKind::kCall);
    call.id = 901;
    call.satisfaction = 4;
    call.nps = 9;
    ASSERT_TRUE(engine.RecordInteraction(call).ok());
    // C: 50.00 through channel 1 (another channel owns C), 5 days ago.
    ASSERT_TRUE(
        engine.RecordOrder(test::NewOrder(301, kC, 1, DaysAgo(5), 5000)).ok());
  }

  int64_t DaysAgo(int64_t days) const { return as_of_ - days * kDay; }
  std::string Time(int64_t ms) const { return FormatIso8601(ms); }
  std::string Data() const { return " --data " + Quote(dir_.Sub("db")) + " "; }

  // Runs `command --data DB args`, expecting exit 0.
  CommandRun Run(const std::string& command, const std::string& args) {
    const CommandRun run =
        CustdbSplit(command + Data() + args, dir_.Sub("stderr.txt"));
    EXPECT_EQ(run.exit_code, 0) << command << " " << args << "\n" << run.error;
    return run;
  }

  // As Run, with --json, parsing stdout.
  Json RunJson(const std::string& command, const std::string& args) {
    const CommandRun run = Run(command, args + " --json");
    const Json j = Json::parse(run.output, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << command << " " << args << ":\n"
                                   << run.output;
    return j;
  }

  // Derives every customer as of the tests' now.
  void RescoreAtNow() { Run("rescore", "--full --as-of " + Time(as_of_)); }

  // The ids of a list of customers in JSON.
  static std::vector<uint64_t> Ids(const Json& customers) {
    std::vector<uint64_t> ids;
    for (const Json& c : customers) ids.push_back(c["id"].get<uint64_t>());
    return ids;
  }

  std::vector<uint64_t> FindIds(const std::string& args) {
    return Ids(RunJson("find", args)["customers"]);
  }

  // The rows of a tier summary as (group, customers, spend).
  std::vector<std::tuple<std::string, int64_t, int64_t>> TierRows(
      const std::string& args) {
    std::vector<std::tuple<std::string, int64_t, int64_t>> rows;
    // Held by value: ranging over a member of the temporary would dangle.
    const Json report = RunJson("report tiers", args);
    for (const Json& row : report["rows"]) {
      rows.emplace_back(row["group"], row["customers"], row["spend_minor"]);
    }
    return rows;
  }

  std::string File(const std::string& name, const std::string& content) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  TempDir dir_;
  int64_t as_of_ = 0;
};

using Rows = std::vector<std::tuple<std::string, int64_t, int64_t>>;

// --- export ------------------------------------------------------------

TEST_F(OperatorOutputCliTest, ExportEndsWithTheDerivedColumns) {
  const CommandRun csv = Run("export", "--what customers --format csv");
  const std::string header = csv.output.substr(0, csv.output.find('\n'));
  EXPECT_NE(header.find(",last_nps,value_tier,r,f,m,segment,lifecycle,"
                        "churn_risk,loyalty_points"),
            std::string::npos)
      << header;
  EXPECT_EQ(header.substr(header.size() - 15), ",loyalty_points");
  // D, a prospect: no scores, no segment.
  const std::string last_row =
      csv.output.substr(csv.output.rfind('\n', csv.output.size() - 2) + 1);
  EXPECT_EQ(last_row.rfind("4,D,", 0), 0u) << last_row;
  EXPECT_NE(last_row.find(",low,,,,,prospect,false,0\n"), std::string::npos)
      << last_row;

  const CommandRun jsonl = Run("export", "--what customers --format jsonl");
  std::istringstream lines(jsonl.output);
  std::string line;
  std::vector<Json> objects;
  while (std::getline(lines, line)) objects.push_back(Json::parse(line));
  ASSERT_EQ(objects.size(), 4u);
  const Json& d = objects[3];
  EXPECT_EQ(d["value_tier"], "low");
  EXPECT_TRUE(d["r"].is_null());
  EXPECT_TRUE(d["f"].is_null());
  EXPECT_TRUE(d["m"].is_null());
  EXPECT_TRUE(d["segment"].is_null());
  EXPECT_EQ(d["lifecycle"], "prospect");
  EXPECT_EQ(d["churn_risk"], false);
  EXPECT_EQ(d["loyalty_points"], 0);
}

TEST_F(OperatorOutputCliTest, ExportCarriesEachCustomersDerivedValues) {
  RescoreAtNow();
  const CommandRun csv = Run("export", "--what customers --format csv");
  std::istringstream rows(csv.output);
  std::string row;
  std::vector<std::string> lines;
  while (std::getline(rows, row)) lines.push_back(row);
  ASSERT_EQ(lines.size(), 5u);
  auto ends_with = [](const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() &&
           s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  EXPECT_TRUE(
      ends_with(lines[1], ",high,5,3,5,Potential Loyalist,active,false,3000"))
      << lines[1];
  EXPECT_TRUE(ends_with(lines[2], ",medium,2,1,3,Hibernating,churned,true,400"))
      << lines[2];
  EXPECT_TRUE(ends_with(lines[3], ",low,5,1,1,New,new,false,50")) << lines[3];
  EXPECT_TRUE(ends_with(lines[4], ",low,,,,,prospect,false,0")) << lines[4];

  const CommandRun jsonl = Run("export", "--what customers --format jsonl");
  const Json a = Json::parse(jsonl.output.substr(0, jsonl.output.find('\n')));
  EXPECT_EQ(a["value_tier"], "high");
  EXPECT_EQ(a["r"], 5);
  EXPECT_EQ(a["f"], 3);
  EXPECT_EQ(a["m"], 5);
  EXPECT_EQ(a["segment"], "Potential Loyalist");
  EXPECT_EQ(a["lifecycle"], "active");
  EXPECT_EQ(a["churn_risk"], false);
  EXPECT_EQ(a["loyalty_points"], 3000);
}

// --- rescore -----------------------------------------------------------

TEST_F(OperatorOutputCliTest, RescoreReportsWhatItDid) {
  const Json full =
      RunJson("rescore", "--full --as-of " + Time(as_of_).substr(0, 10));
  EXPECT_EQ(full["as_of"], Time(as_of_));  // a date is its midnight
  EXPECT_EQ(full["full"], true);
  EXPECT_EQ(full["policy_version"], 1);
  EXPECT_EQ(full["examined"], 4);
  EXPECT_LE(full["changed"].get<int64_t>(), 4);

  const Json due = RunJson("rescore", "--as-of " + Time(as_of_ + kDay));
  EXPECT_EQ(due["as_of"], Time(as_of_ + kDay));
  EXPECT_EQ(due["full"], false);
  EXPECT_LE(due["changed"].get<int64_t>(), due["examined"].get<int64_t>());

  const CommandRun text = Run("rescore", "--as-of " + Time(as_of_ + 2 * kDay));
  EXPECT_NE(text.output.find("as of:          " + Time(as_of_ + 2 * kDay)),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("policy version: 1"), std::string::npos)
      << text.output;

  // Before the database time without --full: refused, saying what to do.
  const CommandRun back = CustdbSplit(
      "rescore" + Data() + "--as-of " + Time(as_of_), dir_.Sub("stderr.txt"));
  EXPECT_EQ(back.exit_code, 3) << back.error;
  EXPECT_EQ(back.output, "");
  EXPECT_NE(back.error.find("failed_precondition"), std::string::npos)
      << back.error;
  EXPECT_NE(back.error.find("rescore.as_of: " + Time(as_of_) +
                            " is before the database time " +
                            Time(as_of_ + 2 * kDay) +
                            "; run a full rescore (--full) to set the "
                            "database time back"),
            std::string::npos)
      << back.error;
  const Json full_back = RunJson("rescore", "--full --as-of " + Time(as_of_));
  EXPECT_EQ(full_back["as_of"], Time(as_of_));
}

// A mistyped year is a usage error unless --force says it is meant.
TEST_F(OperatorOutputCliTest, RescoreFarAheadOfTheClockNeedsForce) {
  const CommandRun typo = CustdbSplit("rescore" + Data() + "--as-of 2204-01-01",
                                      dir_.Sub("stderr.txt"));
  EXPECT_EQ(typo.exit_code, 2) << typo.error;
  EXPECT_EQ(typo.output, "");
  EXPECT_NE(typo.error.find("invalid_argument"), std::string::npos)
      << typo.error;
  EXPECT_NE(typo.error.find("rescore.as_of: 2204-01-01T00:00:00Z is "),
            std::string::npos)
      << typo.error;
  EXPECT_NE(typo.error.find("days ahead of the clock"), std::string::npos)
      << typo.error;
  EXPECT_NE(typo.error.find("pass --force if you mean it"), std::string::npos)
      << typo.error;
  // Refused before anything was written: a rescore at "now" still runs.
  RescoreAtNow();

  const Json forced = RunJson("rescore", "--as-of 2204-01-01 --force");
  EXPECT_EQ(forced["as_of"], "2204-01-01T00:00:00Z");
  // And it can be undone.
  const Json undone = RunJson("rescore", "--full --as-of " + Time(as_of_));
  EXPECT_EQ(undone["as_of"], Time(as_of_));
}

// --- report tiers ------------------------------------------------------

TEST_F(OperatorOutputCliTest, ReportTiersGroupsByTierLifecycleSegment) {
  RescoreAtNow();
  const Json tiers = RunJson("report tiers", "");
  EXPECT_EQ(tiers["by"], "tier");
  EXPECT_EQ(tiers["policy_version"], 1);
  EXPECT_EQ(
      TierRows(""),
      (Rows{{"high", 1, 300000}, {"medium", 1, 40000}, {"low", 2, 5000}}));
  EXPECT_EQ(TierRows("--by lifecycle"), (Rows{{"prospect", 1, 0},
                                              {"new", 1, 5000},
                                              {"active", 1, 300000},
                                              {"at_risk", 0, 0},
                                              {"churned", 1, 40000},
                                              {"reactivated", 0, 0}}));
  const Rows segments = TierRows("--by segment");
  // The default policy's ten, in its order, then "(none)" for prospects,
  // so every grouping counts every customer.
  ASSERT_EQ(segments.size(), 11u);
  EXPECT_EQ(segments[0], std::make_tuple(std::string("Champions"), 0, 0));
  EXPECT_EQ(segments[2],
            std::make_tuple(std::string("Potential Loyalist"), 1, 300000));
  EXPECT_EQ(segments[3], std::make_tuple(std::string("New"), 1, 5000));
  EXPECT_EQ(segments[9], std::make_tuple(std::string("Hibernating"), 1, 40000));
  EXPECT_EQ(segments[10], std::make_tuple(std::string("(none)"), 1, 0));

  const CommandRun text = Run("report tiers", "--by tier");
  EXPECT_NE(text.output.find("by tier, policy version 1"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("300,000"), std::string::npos) << text.output;
}

TEST_F(OperatorOutputCliTest, ReportTiersFiltersByChannelAndRegion) {
  RescoreAtNow();
  // Channel 2 with its child 3: B (owned by 3) and C (owned by 2).
  EXPECT_EQ(TierRows("--channel 2"),
            (Rows{{"high", 0, 0}, {"medium", 1, 40000}, {"low", 1, 5000}}));
  EXPECT_EQ(TierRows("--channel 2 --no-subtree"),
            (Rows{{"high", 0, 0}, {"medium", 0, 0}, {"low", 1, 5000}}));
  EXPECT_EQ(TierRows("--region EU"),
            (Rows{{"high", 1, 300000}, {"medium", 0, 0}, {"low", 2, 5000}}));
  EXPECT_EQ(TierRows("--region EU --channel 1"),
            (Rows{{"high", 1, 300000}, {"medium", 0, 0}, {"low", 1, 0}}));
}

// E (id 5) has no owner and no region, a prospect: each split then has a
// "none" key.
TEST_F(OperatorOutputCliTest, ReportTiersSplitsByOwnerOrRegion) {
  {
    Options options;
    options.path = dir_.Sub("db");
    Result<std::unique_ptr<Engine>> opened = Engine::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Customer e;
    e.id = 5;
    e.code = "E";
    ASSERT_TRUE((*opened)->CreateCustomer(e).ok());
  }
  RescoreAtNow();
  // (split key as JSON, group, customers, spend) per row.
  using SplitRows =
      std::vector<std::tuple<std::string, std::string, int64_t, int64_t>>;
  auto split_rows = [this](const std::string& args, const char* key) {
    SplitRows rows;
    const Json report = RunJson("report tiers", args);
    for (const Json& row : report["rows"]) {
      EXPECT_TRUE(row.contains(key)) << row.dump();
      rows.emplace_back(row.value(key, Json()).dump(), row["group"],
                        row["customers"], row["spend_minor"]);
    }
    return rows;
  };

  const Json unsplit = RunJson("report tiers", "");
  EXPECT_EQ(unsplit["split"], "none");
  for (const Json& row : unsplit["rows"]) {
    EXPECT_FALSE(row.contains("owner_channel")) << row.dump();
    EXPECT_FALSE(row.contains("region")) << row.dump();
  }

  EXPECT_EQ(RunJson("report tiers", "--split owner")["split"], "owner");
  // Owners ascending, no owner (null) first; zero rows within each.
  EXPECT_EQ(split_rows("--split owner", "owner_channel"),
            (SplitRows{{"null", "high", 0, 0},
                       {"null", "medium", 0, 0},
                       {"null", "low", 1, 0},
                       {"1", "high", 1, 300000},
                       {"1", "medium", 0, 0},
                       {"1", "low", 1, 0},
                       {"2", "high", 0, 0},
                       {"2", "medium", 0, 0},
                       {"2", "low", 1, 5000},
                       {"3", "high", 0, 0},
                       {"3", "medium", 1, 40000},
                       {"3", "low", 0, 0}}));
  // The filters apply: channel 2's subtree, each channel apart.
  EXPECT_EQ(split_rows("--split owner --channel 2", "owner_channel"),
            (SplitRows{{"2", "high", 0, 0},
                       {"2", "medium", 0, 0},
                       {"2", "low", 1, 5000},
                       {"3", "high", 0, 0},
                       {"3", "medium", 1, 40000},
                       {"3", "low", 0, 0}}));
  // Regions by bytes, no region ("") first.
  EXPECT_EQ(split_rows("--split region", "region"),
            (SplitRows{{R"("")", "high", 0, 0},
                       {R"("")", "medium", 0, 0},
                       {R"("")", "low", 1, 0},
                       {R"("EU")", "high", 1, 300000},
                       {R"("EU")", "medium", 0, 0},
                       {R"("EU")", "low", 2, 5000},
                       {R"("US")", "high", 0, 0},
                       {R"("US")", "medium", 1, 40000},
                       {R"("US")", "low", 0, 0}}));
  EXPECT_EQ(split_rows("--split region --by lifecycle --region US", "region"),
            (SplitRows{{R"("US")", "prospect", 0, 0},
                       {R"("US")", "new", 0, 0},
                       {R"("US")", "active", 0, 0},
                       {R"("US")", "at_risk", 0, 0},
                       {R"("US")", "churned", 1, 40000},
                       {R"("US")", "reactivated", 0, 0}}));

  const CommandRun text = Run("report tiers", "--split region");
  EXPECT_NE(text.output.find("by tier and region, policy version 1\n"),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("\nregion           tier "), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("\n(none)           low "), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("\nEU               high "), std::string::npos)
      << text.output;
  const CommandRun owners = Run("report tiers", "--split owner --channel 2");
  EXPECT_NE(owners.output.find("\n3                medium "), std::string::npos)
      << owners.output;
}

// --- report channel ----------------------------------------------------

TEST_F(OperatorOutputCliTest, ReportChannelTotalsAndDays) {
  const Json total = RunJson("report channel", "--channel 1");
  EXPECT_EQ(total["by"], "total");
  ASSERT_EQ(total["rows"].size(), 1u);
  const Json& web = total["rows"][0];
  EXPECT_EQ(web["channel_id"], 1);
  EXPECT_TRUE(web["day"].is_null());
  EXPECT_EQ(web["revenue_minor"], 305000);
  EXPECT_EQ(web["orders"], 4);
  EXPECT_EQ(web["buying_customers"], 4);  // customer-days
  EXPECT_EQ(web["new_customers"], 2);
  EXPECT_EQ(web["repeat_customers"], 2);
  EXPECT_DOUBLE_EQ(web["repeat_customer_rate"].get<double>(), 0.5);
  EXPECT_EQ(web["interactions"], 0);
  EXPECT_TRUE(web["median_resolve_ms"].is_null());
  EXPECT_TRUE(web["avg_satisfaction"].is_null());
  EXPECT_TRUE(web["nps"].is_null());
  EXPECT_EQ(web["cross_channel_in"], 1);  // C, owned by channel 2
  EXPECT_EQ(web["cross_channel_out"], 0);
  for (const char* key :
       {"complaints_opened", "complaints_resolved", "cross_channel_out"}) {
    EXPECT_TRUE(web[key].is_number_integer()) << key;
  }

  // Dates only: the report counts whole UTC days.
  const Json days =
      RunJson("report channel", "--channel 1 --by day --from " +
                                    Time(DaysAgo(12)).substr(0, 10) + " --to " +
                                    Time(as_of_).substr(0, 10));
  EXPECT_EQ(days["by"], "day");
  ASSERT_EQ(days["rows"].size(), 2u) << days.dump(2);
  EXPECT_EQ(days["rows"][0]["day"], Time(DaysAgo(10)).substr(0, 10));
  EXPECT_EQ(days["rows"][0]["revenue_minor"], 100000);
  EXPECT_EQ(days["rows"][1]["day"], Time(DaysAgo(5)).substr(0, 10));
  EXPECT_EQ(days["rows"][1]["revenue_minor"], 5000);

  // Every channel: one row each, by id; channel 3 took B's order.
  const Json all = RunJson("report channel", "");
  std::vector<uint64_t> ids;
  for (const Json& row : all["rows"]) {
    ids.push_back(row["channel_id"]);
    if (row["channel_id"] == 3) {
      EXPECT_EQ(row["revenue_minor"], 40000);
    }
  }
  EXPECT_EQ(ids, (std::vector<uint64_t>{1, 2, 3}));

  const CommandRun text = Run("report channel", "--channel 1");
  EXPECT_NE(text.output.find("305,000"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("total"), std::string::npos) << text.output;
}

// --- find --------------------------------------------------------------

TEST_F(OperatorOutputCliTest, FindAppliesEveryFilter) {
  RescoreAtNow();
  using Ids = std::vector<uint64_t>;
  EXPECT_EQ(FindIds(""), (Ids{kA, kB, kC, kD}));  // spend descending
  EXPECT_EQ(FindIds("--tier high,medium"), (Ids{kA, kB}));
  EXPECT_EQ(FindIds("--tier low --tier high"), (Ids{kA, kC, kD}));
  EXPECT_EQ(FindIds("--stage churned"), (Ids{kB}));
  EXPECT_EQ(FindIds("--stage new,active"), (Ids{kA, kC}));
  EXPECT_EQ(FindIds("--segment 'Potential Loyalist'"), (Ids{kA}));
  EXPECT_EQ(FindIds("--segment New,Hibernating"), (Ids{kB, kC}));
  EXPECT_EQ(FindIds("--channel 2"), (Ids{kC}));
  EXPECT_EQ(FindIds("--channel 2 --subtree"), (Ids{kB, kC}));
  EXPECT_EQ(FindIds("--region US"), (Ids{kB}));
  EXPECT_EQ(FindIds("--min-spend 10000 --max-spend 100000"), (Ids{kB}));
  EXPECT_EQ(FindIds("--min-spend 40000 --max-spend 40000"), (Ids{kB}));
  EXPECT_EQ(FindIds("--min-orders 2"), (Ids{kA}));
  EXPECT_EQ(FindIds("--max-orders 0"), (Ids{kD}));
  EXPECT_EQ(FindIds("--active-since " + Time(DaysAgo(20))), (Ids{kA, kC}));
  EXPECT_EQ(FindIds("--inactive-since " + Time(DaysAgo(20))), (Ids{kB}));
  EXPECT_EQ(FindIds("--min-orders 1 --order last_activity_desc"),
            (Ids{kC, kA, kB}));
  EXPECT_EQ(FindIds("--min-orders 1 --order last_activity_asc"),
            (Ids{kB, kA, kC}));
  EXPECT_EQ(FindIds("--tier high --region US"), (Ids{}));
}

TEST_F(OperatorOutputCliTest, FindPrintsEachCustomerWithItsTiering) {
  RescoreAtNow();
  const Json page = RunJson("find", "--tier high");
  ASSERT_EQ(page["customers"].size(), 1u);
  const Json& a = page["customers"][0];
  EXPECT_EQ(a["id"], kA);
  EXPECT_EQ(a["code"], "A");
  EXPECT_EQ(a["name"], "Customer A");
  EXPECT_EQ(a["region"], "EU");
  EXPECT_EQ(a["owner_channel"], 1);
  EXPECT_EQ(a["order_count"], 3);
  EXPECT_EQ(a["spend_minor"], 300000);
  EXPECT_EQ(a["first_order_at"], Time(DaysAgo(100)));
  EXPECT_EQ(a["last_order_at"], Time(DaysAgo(10)));
  EXPECT_EQ(a["last_activity_at"], Time(DaysAgo(10)));
  EXPECT_EQ(a["value_tier"], "high");
  EXPECT_EQ(a["r"], 5);
  EXPECT_EQ(a["f"], 3);
  EXPECT_EQ(a["m"], 5);
  EXPECT_EQ(a["segment"], "Potential Loyalist");
  EXPECT_EQ(a["lifecycle"], "active");
  EXPECT_EQ(a["churn_risk"], false);
  EXPECT_EQ(a["loyalty_points"], 3000);
  EXPECT_EQ(a["derived_as_of"], Time(as_of_));
  EXPECT_EQ(a["policy_version"], 1);
  EXPECT_TRUE(page["next_cursor"].is_null());
  EXPECT_EQ(page["plan"]["results"], 1);
  EXPECT_FALSE(page["plan"]["index"].get<std::string>().empty());

  const CommandRun text = Run("find", "--tier high");
  EXPECT_NE(text.output.find("Potential Loyalist"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("300,000"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("1 customers"), std::string::npos) << text.output;
}

TEST_F(OperatorOutputCliTest, FindPagesWithTheCursor) {
  const Json first = RunJson("find", "--order id --limit 3");
  EXPECT_EQ(Ids(first["customers"]), (std::vector<uint64_t>{kA, kB, kC}));
  ASSERT_TRUE(first["next_cursor"].is_string()) << first.dump(2);
  const Json second =
      RunJson("find", "--order id --limit 3 --cursor " +
                          Quote(first["next_cursor"].get<std::string>()));
  EXPECT_EQ(Ids(second["customers"]), (std::vector<uint64_t>{kD}));
  EXPECT_TRUE(second["next_cursor"].is_null());

  const CommandRun text = Run("find", "--order id --limit 3");
  EXPECT_NE(text.output.find("more with --cursor " +
                             first["next_cursor"].get<std::string>()),
            std::string::npos)
      << text.output;

  // A cursor of another query is a value the engine refuses: exit 2.
  const CommandRun other =
      CustdbSplit("find" + Data() + "--order spend_desc --limit 3 --cursor " +
                      Quote(first["next_cursor"].get<std::string>()),
                  dir_.Sub("stderr.txt"));
  EXPECT_EQ(other.exit_code, 2) << other.error;
  EXPECT_EQ(other.output, "");
}

TEST_F(OperatorOutputCliTest, FindExplainPrintsOnlyThePlan) {
  RescoreAtNow();
  const Json j = RunJson("find", "--tier high --region EU --explain");
  ASSERT_EQ(j.size(), 1u) << j.dump(2);  // no customers
  const Json& plan = j["plan"];
  EXPECT_FALSE(plan["index"].get<std::string>().empty());
  EXPECT_TRUE(plan["bounds"].is_string());
  EXPECT_TRUE(plan["residual_filters"].is_array());
  EXPECT_TRUE(plan["index_order"].is_boolean());
  EXPECT_EQ(plan["results"], 1);
  EXPECT_GE(plan["keys_examined"].get<int64_t>(), 1);
  EXPECT_TRUE(plan["keys_rejected"].is_number_integer());
  // The region and the tiers each offer an index; the one that ran was
  // estimated, the other may have been dropped before it was in full.
  ASSERT_EQ(plan["candidates"].size(), 2u) << plan.dump(2);
  int ran_listed = 0;
  for (const Json& c : plan["candidates"]) {
    if (c["index"] != plan["index"]) {
      EXPECT_TRUE(c["estimated_keys"].is_null() ||
                  c["estimated_keys"].is_number_integer())
          << c.dump();
      continue;
    }
    ++ran_listed;
    EXPECT_TRUE(c["estimated_keys"].is_number_integer()) << c.dump();
  }
  EXPECT_EQ(ran_listed, 1) << plan.dump(2);

  const CommandRun text = Run("find", "--tier high --region EU --explain");
  EXPECT_EQ(text.output.rfind("index " + plan["index"].get<std::string>(), 0),
            0u)
      << text.output;
  EXPECT_NE(text.output.find("1 results"), std::string::npos) << text.output;
}

// --- churn -------------------------------------------------------------

TEST_F(OperatorOutputCliTest, ChurnCountsAndListsBySpend) {
  const std::string at = "--as-of " + Time(as_of_) + " ";
  // The default policy's 180 days: only B (200 days quiet); D never bought.
  const Json policy_days = RunJson("churn", at);
  EXPECT_EQ(policy_days["as_of"], Time(as_of_));
  EXPECT_EQ(policy_days["count"], 1);
  EXPECT_EQ(Ids(policy_days["top"]), (std::vector<uint64_t>{kB}));
  EXPECT_EQ(policy_days["top"][0]["code"], "B");

  const Json week = RunJson("churn", at + "--inactive-days 7");
  EXPECT_EQ(week["count"], 2);
  EXPECT_EQ(Ids(week["top"]), (std::vector<uint64_t>{kA, kB}));
  const Json one = RunJson("churn", at + "--inactive-days 7 --limit 1");
  EXPECT_EQ(one["count"], 2);  // all are counted, `limit` are listed
  EXPECT_EQ(Ids(one["top"]), (std::vector<uint64_t>{kA}));
  EXPECT_EQ(
      Ids(RunJson("churn", at + "--inactive-days 7 --tier medium,low")["top"]),
      (std::vector<uint64_t>{kB}));
  EXPECT_EQ(Ids(RunJson("churn", at + "--inactive-days 7 --channel 2")["top"]),
            (std::vector<uint64_t>{kB}));

  const CommandRun text = Run("churn", at + "--inactive-days 7");
  EXPECT_NE(text.output.find("2 customers without activity for 7 days"),
            std::string::npos)
      << text.output;
}

// --- view --------------------------------------------------------------

TEST_F(OperatorOutputCliTest, ViewByIdOrCode) {
  RescoreAtNow();
  const Json by_id = RunJson("view", "--id 1");
  EXPECT_EQ(by_id, RunJson("view", "--code A"));
  EXPECT_EQ(by_id["customer"]["id"], kA);
  EXPECT_EQ(by_id["customer"]["segment"], "Potential Loyalist");
  std::vector<uint64_t> orders;
  for (const Json& o : by_id["recent_orders"]) orders.push_back(o["id"]);
  EXPECT_EQ(orders, (std::vector<uint64_t>{103, 102, 101}));  // newest first
  const Json& newest = by_id["recent_orders"][0];
  EXPECT_EQ(newest["ts"], Time(DaysAgo(10)));
  EXPECT_EQ(newest["amount_minor"], 100000);
  EXPECT_EQ(newest["kind"], "sale");
  EXPECT_EQ(newest["status"], "completed");
  EXPECT_EQ(by_id["recent_interactions"], Json::array());

  const Json b = RunJson("view", "--code B");
  ASSERT_EQ(b["recent_interactions"].size(), 1u);
  const Json& call = b["recent_interactions"][0];
  EXPECT_EQ(call["id"], 901);
  EXPECT_EQ(call["kind"], "call");
  EXPECT_EQ(call["satisfaction"], 4);
  EXPECT_EQ(call["nps"], 9);
  EXPECT_TRUE(call["resolved_at"].is_null());

  const CommandRun text = Run("view", "--id 1");
  EXPECT_NE(text.output.find("value_tier:       high"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("recent orders (3)"), std::string::npos)
      << text.output;

  const CommandRun missing =
      CustdbSplit("view" + Data() + "--id 99", dir_.Sub("stderr.txt"));
  EXPECT_EQ(missing.exit_code, 3) << missing.error;
  EXPECT_NE(missing.error.find("not_found"), std::string::npos)
      << missing.error;
}

TEST_F(OperatorOutputCliTest, ViewOfAnUnknownCodeFailsNamingIt) {
  const CommandRun run =
      CustdbSplit("view" + Data() + "--code nope", dir_.Sub("stderr.txt"));
  EXPECT_EQ(run.exit_code, 3) << run.error;
  EXPECT_EQ(run.output, "");
  EXPECT_NE(run.error.find("--code 'nope'"), std::string::npos) << run.error;
  EXPECT_NE(run.error.find("not_found"), std::string::npos) << run.error;
}

// --- policy ------------------------------------------------------------

TEST_F(OperatorOutputCliTest, PolicyGetPrintsTheStoredPolicy) {
  const Json p = RunJson("policy get", "");
  EXPECT_EQ(p["version"], 1);
  EXPECT_EQ(p["high_min_spend_minor"], 200000);
  EXPECT_EQ(p["high_min_orders"], 0);
  EXPECT_EQ(p["medium_min_spend_minor"], 30000);
  EXPECT_EQ(p["medium_min_orders"], 0);
  EXPECT_EQ(p["rfm_mode"], "fixed");
  EXPECT_EQ(p["recency_days"], Json({30, 90, 180, 365}));
  EXPECT_EQ(p["frequency_orders"], Json({2, 3, 5, 10}));
  EXPECT_EQ(p["monetary_minor"], Json({10000, 30000, 100000, 200000}));
  ASSERT_EQ(p["segments"].size(), 10u);
  EXPECT_EQ(p["segments"][0], Json::parse(R"({"name": "Champions",
      "r": [5, 5], "f": [4, 5], "m": [1, 5]})"));
  EXPECT_EQ(p["new_days"], 30);
  EXPECT_EQ(p["active_days"], 90);
  EXPECT_EQ(p["at_risk_days"], 180);
  EXPECT_EQ(p["churn_days"], 180);
  EXPECT_EQ(p["loyalty_points_per_unit"], 1);

  const CommandRun text = Run("policy get", "");
  EXPECT_NE(text.output.find("version:        1"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("Can't Lose Them"), std::string::npos)
      << text.output;
}

// GetTierSummary.
TEST_F(OperatorOutputCliTest, PolicySetStoresTheNextVersion) {
  RescoreAtNow();
  // What `policy get --json` printed, edited, is what `policy set` reads.
  Json p = RunJson("policy get", "");
  p["high_min_spend_minor"] = 350000;
  p["version"] = 99;  // ignored: the engine numbers versions
  const std::string file = File("policy.json", p.dump(2));
  const Json report = RunJson("policy set", Quote(file));
  EXPECT_EQ(report["policy_version"], 2);
  EXPECT_EQ(report["full"], true);
  EXPECT_EQ(report["as_of"], Time(as_of_));  // the last rescore's
  EXPECT_EQ(report["examined"], 4);

  const Json stored = RunJson("policy get", "");
  EXPECT_EQ(stored["version"], 2);
  EXPECT_EQ(stored["high_min_spend_minor"], 350000);
  // A's 3,000.00 is no longer high.
  EXPECT_EQ(TierRows(""),
            (Rows{{"high", 0, 0}, {"medium", 2, 340000}, {"low", 2, 5000}}));
  EXPECT_EQ(RunJson("report tiers", "")["policy_version"], 2);
}

// Issue 12 item 6: one `policy set` is one version, quintiles included.
TEST_F(OperatorOutputCliTest, PolicySetQuantileStoresOneVersion) {
  RescoreAtNow();
  Json p = RunJson("policy get", "");
  p["rfm_mode"] = "quantile";
  const Json report =
      RunJson("policy set", Quote(File("quantile.json", p.dump(2))));
  EXPECT_EQ(report["policy_version"], 2);
  const Json stored = RunJson("policy get", "");
  EXPECT_EQ(stored["version"], 2);
  EXPECT_EQ(stored["rfm_mode"], "quantile");
  // The lowest order count among the buyers scores 1.
  EXPECT_GT(stored["frequency_orders"][0].get<int64_t>(), 1);
  EXPECT_EQ(
      RunJson("rescore", "--full --as-of " + Time(as_of_))["policy_version"],
      2);
}

}  // namespace
}  // namespace custdb
