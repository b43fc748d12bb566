// Numeric flags of the `custdb` binary are decimal only (issue 12, item
// 10): CLI11 alone reads "010" as octal and "0x10" as hex.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CommandRun;
using test::Custdb;
using test::Quote;
using test::TempDir;

class NumericFlagsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string customers = dir_.Sub("c.csv");
    std::ofstream(customers, std::ios::binary)
        << "id,code\n8,EIGHT\n9,NINE\n10,TEN\n16,SIXTEEN\n";
    ASSERT_EQ(Custdb("import --data " + Data() + " --format custdb " +
                     Quote(customers))
                  .exit_code,
              0);
  }
  std::string Data() const { return Quote(dir_.Sub("db")); }

  TempDir dir_;
};

TEST_F(NumericFlagsCliTest, LeadingZerosAreDecimal) {
  const CommandRun ten = Custdb("view --data " + Data() + " --id 010 --json");
  ASSERT_EQ(ten.exit_code, 0) << ten.output;
  EXPECT_NE(ten.output.find("\"TEN\""), std::string::npos) << ten.output;
  EXPECT_EQ(ten.output.find("\"EIGHT\""), std::string::npos) << ten.output;

  const CommandRun nine = Custdb("view --data " + Data() + " --id 09 --json");
  ASSERT_EQ(nine.exit_code, 0) << nine.output;
  EXPECT_NE(nine.output.find("\"NINE\""), std::string::npos) << nine.output;

  const CommandRun limit = Custdb("find --data " + Data() + " --limit 002");
  EXPECT_EQ(limit.exit_code, 0) << limit.output;
}

// Every numeric flag of every command: hex, binary, exponents, a '+' sign
// and stray text are refused with a usage error naming the text.
TEST_F(NumericFlagsCliTest, EveryNumericFlagRefusesNonDecimalText) {
  const std::string flags[] = {"view --id",
                               "find --channel",
                               "find --min-spend",
                               "find --max-spend",
                               "find --min-orders",
                               "find --max-orders",
                               "find --limit",
                               "churn --inactive-days",
                               "churn --channel",
                               "churn --limit",
                               "report tiers --channel",
                               "report channel --channel",
                               "verify --max-problems"};
  const std::string texts[] = {"0x10", "0b1", "1e3", "+5", "12abc", "0o7"};
  for (const std::string& flag : flags) {
    for (const std::string& text : texts) {
      SCOPED_TRACE(flag + " " + text);
      const CommandRun run =
          Custdb(flag.substr(0, flag.rfind(' ')) + " --data " + Data() +
                 flag.substr(flag.rfind(' ')) + " " + Quote(text));
      EXPECT_EQ(run.exit_code, 2) << run.output;
      EXPECT_NE(run.output.find("'" + text + "' is not a decimal integer"),
                std::string::npos)
          << run.output;
    }
  }
  const std::string files = dir_.Sub("c.csv");
  for (const std::string flag : {"--batch-size", "--max-errors"}) {
    SCOPED_TRACE(flag);
    const CommandRun run =
        Custdb("import --data " + Data() + " --format custdb " + flag +
               " 0x10 " + Quote(files));
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("'0x10' is not a decimal integer"),
              std::string::npos)
        << run.output;
  }
}

}  // namespace
}  // namespace custdb
