// custdb checkpoint: writes a copy that verifies clean, and refuses an
// existing or parentless --to before opening the database.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CustdbSplit;
using test::Quote;

class CheckpointCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("db");
    std::unique_ptr<Engine> engine = test::OpenTestEngine(db_);
    ASSERT_NE(engine, nullptr);
    test::PutChannelTree(engine.get(), {{1, 0}});
    Customer c;
    c.id = 1;
    c.code = "C-1";
    c.owner_channel_id = 1;
    ASSERT_TRUE(engine->CreateCustomer(c).ok());
    ASSERT_TRUE(
        engine->RecordOrder(test::NewOrder(10, 1, 1, test::DaysAgo(1), 1234))
            .ok());
  }

  test::CommandRun Run(const std::string& args) {
    return CustdbSplit(args, dir_.Sub("stderr.txt"));
  }

  test::TempDir dir_;
  std::string db_;
};

TEST_F(CheckpointCliTest, WritesACopyThatVerifies) {
  const std::string copy = dir_.Sub("copy");
  const test::CommandRun run =
      Run("checkpoint --data " + Quote(db_) + " --to " + Quote(copy));
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_EQ(run.output, "checkpoint of " + db_ + " written to " + copy + "\n");
  const test::CommandRun verify = Run("verify --data " + Quote(copy));
  EXPECT_EQ(verify.exit_code, 0) << verify.output << verify.error;
  EXPECT_NE(verify.output.find("problems:       0"), std::string::npos)
      << verify.output;
  const test::CommandRun view =
      Run("view --data " + Quote(copy) + " --code C-1 --json");
  EXPECT_EQ(view.exit_code, 0) << view.error;
  EXPECT_NE(view.output.find("1234"), std::string::npos) << view.output;

  const test::CommandRun json =
      Run("checkpoint --data " + Quote(db_) + " --to " +
          Quote(dir_.Sub("copy2")) + " --json");
  EXPECT_EQ(json.exit_code, 0) << json.error;
  EXPECT_NE(json.output.find("\"checkpoint\": \"" + dir_.Sub("copy2") + "\""),
            std::string::npos)
      << json.output;
}

TEST_F(CheckpointCliTest, BadTargetsAreUsageErrors) {
  std::filesystem::create_directory(dir_.Sub("exists"));
  const test::CommandRun exists = Run("checkpoint --data " + Quote(db_) +
                                      " --to " + Quote(dir_.Sub("exists")));
  EXPECT_EQ(exists.exit_code, 2) << exists.error;
  EXPECT_NE(
      exists.error.find("--to: '" + dir_.Sub("exists") + "' already exists"),
      std::string::npos)
      << exists.error;
  const test::CommandRun orphan = Run("checkpoint --data " + Quote(db_) +
                                      " --to " + Quote(dir_.Sub("a/b")));
  EXPECT_EQ(orphan.exit_code, 2) << orphan.error;
  EXPECT_NE(orphan.error.find("is not a directory"), std::string::npos)
      << orphan.error;
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("a")));
  const test::CommandRun missing = Run("checkpoint --data " + Quote(db_));
  EXPECT_EQ(missing.exit_code, 2) << missing.error;
  EXPECT_NE(missing.error.find("--to"), std::string::npos) << missing.error;
}

}  // namespace
}  // namespace custdb
