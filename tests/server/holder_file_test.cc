// The holder file DIR/SERVER.json: written whole, read back, removed only
// by the process it names, and refused when malformed.
#include "server/holder_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_util.h"

namespace custdb {
namespace server {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(HolderFileTest, WritesAndReadsBack) {
  test::TempDir dir;
  const int64_t before = NowMs();
  ASSERT_TRUE(WriteHolderFile(dir.path(), "127.0.0.1:7420").ok());
  Result<HolderInfo> info = ReadHolderFile(dir.path());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->program, "custdb serve");
  EXPECT_EQ(info->pid, static_cast<int64_t>(::getpid()));
  EXPECT_EQ(info->listen, "127.0.0.1:7420");
  EXPECT_GE(info->started_ms, before);
  EXPECT_LE(info->started_ms, NowMs());
  EXPECT_TRUE(ProcessIsRunning(info->pid));
  // Only SERVER.json: the temporary file was renamed, not left.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), kHolderFileName);
    ++files;
  }
  EXPECT_EQ(files, 1);
  // A second write (a restarted server) replaces it.
  ASSERT_TRUE(WriteHolderFile(dir.path(), "[::1]:7000").ok());
  EXPECT_EQ(ReadHolderFile(dir.path())->listen, "[::1]:7000");
}

TEST(HolderFileTest, RemoveTakesOnlyThisProcesssFile) {
  test::TempDir dir;
  EXPECT_TRUE(RemoveHolderFile(dir.path()).ok());  // none: fine
  ASSERT_TRUE(WriteHolderFile(dir.path(), "127.0.0.1:1").ok());
  ASSERT_TRUE(RemoveHolderFile(dir.path()).ok());
  EXPECT_FALSE(std::filesystem::exists(HolderFilePath(dir.path())));

  // A file another server wrote stays.
  std::ofstream(HolderFilePath(dir.path()))
      << R"({"program": "custdb serve", "pid": 1, "listen": "127.0.0.1:2"})";
  ASSERT_TRUE(RemoveHolderFile(dir.path()).ok());
  EXPECT_TRUE(std::filesystem::exists(HolderFilePath(dir.path())));
}

TEST(HolderFileTest, MalformedFilesAreCorruptionAndMissingIsNotFound) {
  test::TempDir dir;
  EXPECT_EQ(ReadHolderFile(dir.path()).status().code(), StatusCode::kNotFound);
  for (const char* text :
       {"", "{", "[]", R"({"pid": "12", "listen": "x", "program": "p"})",
        R"({"pid": 12, "program": "p"})", R"({"listen": "a:1"})"}) {
    std::ofstream(HolderFilePath(dir.path()), std::ios::trunc) << text;
    Result<HolderInfo> info = ReadHolderFile(dir.path());
    EXPECT_EQ(info.status().code(), StatusCode::kCorruption) << text;
    EXPECT_NE(info.status().message().find(HolderFilePath(dir.path())),
              std::string::npos);
  }
}

TEST(HolderFileTest, WriteIntoAMissingDirectoryIsIOError) {
  test::TempDir dir;
  Status s = WriteHolderFile(dir.Sub("absent"), "127.0.0.1:1");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("absent"), std::string::npos);
}

TEST(HolderFileTest, ProcessIsRunningRefusesImpossiblePids) {
  EXPECT_FALSE(ProcessIsRunning(0));
  EXPECT_FALSE(ProcessIsRunning(-1));
  EXPECT_FALSE(ProcessIsRunning(int64_t{1} << 40));
  EXPECT_FALSE(ProcessIsRunning(2147483646));  // above any pid_max
}

}  // namespace
}  // namespace server
}  // namespace custdb
