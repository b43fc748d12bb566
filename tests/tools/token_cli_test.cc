// custdb token add: prints a token once, stores only its hash (the server
// then authenticates it with the role and scope given), and names the flag
// and value of every refusal, writing nothing then.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "server/tokens.h"
#include "support/test_util.h"
#include "tools/cli_run.h"

namespace custdb {
namespace {

using test::CustdbSplit;
using test::Quote;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TokenCliTest : public ::testing::Test {
 protected:
  test::CommandRun Run(const std::string& args) {
    return CustdbSplit(args, dir_.Sub("stderr.txt"));
  }
  std::string Tokens() const { return dir_.Sub("tokens.json"); }

  test::TempDir dir_;
};

TEST_F(TokenCliTest, AddsATokenTheServerAccepts) {
  const test::CommandRun run =
      Run("token add --tokens " + Quote(Tokens()) +
          " --role writer --channel 3 --name dealer-3");
  ASSERT_EQ(run.exit_code, 0) << run.error;
  EXPECT_EQ(run.error, "");
  const std::string token = run.output.substr(0, run.output.find('\n'));
  EXPECT_EQ(token.rfind("cdb_", 0), 0u) << run.output;
  EXPECT_EQ(run.output, token + "\n" +
                            "added token 'dealer-3' (role writer, scope "
                            "channel 3) to " +
                            Tokens() +
                            "\nthe token above is shown only now and is not "
                            "stored: " +
                            Tokens() + " keeps its SHA-256\n");

  const std::string text = ReadFile(Tokens());
  EXPECT_EQ(text.find(token), std::string::npos) << text;
  EXPECT_EQ(text.find(token.substr(4)), std::string::npos) << text;
  struct stat st {};
  ASSERT_EQ(::stat(Tokens().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Result<std::shared_ptr<const server::TokenFile>> file =
      server::TokenFile::Load(Tokens());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  std::optional<server::Principal> p = (*file)->Authenticate(token);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "dealer-3");
  EXPECT_EQ(p->role, server::Role::kWriter);
  EXPECT_EQ(p->channel_id, std::optional<uint64_t>(3));
}

TEST_F(TokenCliTest, SecondTokenJoinsTheFileAndDefaultNameSaysWhatItIs) {
  const test::CommandRun first =
      Run("token add --tokens " + Quote(Tokens()) + " --role admin");
  ASSERT_EQ(first.exit_code, 0) << first.error;
  EXPECT_NE(first.output.find("added token 'admin-"), std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("(role admin, no scope)"), std::string::npos)
      << first.output;
  const test::CommandRun second =
      Run("token add --tokens " + Quote(Tokens()) + " --role reader --name ro");
  ASSERT_EQ(second.exit_code, 0) << second.error;
  Result<std::shared_ptr<const server::TokenFile>> file =
      server::TokenFile::Load(Tokens());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 2u);
  const std::string a = first.output.substr(0, first.output.find('\n'));
  const std::string b = second.output.substr(0, second.output.find('\n'));
  EXPECT_NE(a, b);
  EXPECT_EQ((*file)->Authenticate(a)->role, server::Role::kAdmin);
  EXPECT_EQ((*file)->Authenticate(b)->role, server::Role::kReader);
}

TEST_F(TokenCliTest, RefusalsNameTheFlagAndValueAndWriteNothing) {
  ASSERT_EQ(
      Run("token add --tokens " + Quote(Tokens()) + " --role reader --name ro")
          .exit_code,
      0);
  const std::string before = ReadFile(Tokens());
  struct Case {
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {"--role root",
       "custdb token add: --role: 'root' is not admin, writer "
       "or reader\n"},
      {"--role admin --channel 0",
       "custdb token add: --channel: '0' is not a channel id (1.." +
           std::to_string(kMaxId) + ")\n"},
      {"--role admin --channel x3",
       "custdb token add: --channel: 'x3' is not a channel id (1.." +
           std::to_string(kMaxId) + ")\n"},
      {"--role admin --channel 9223372036854775808",
       "custdb token add: --channel: '9223372036854775808' is not a channel "
       "id (1.." +
           std::to_string(kMaxId) + ")\n"},
      {"--role admin --name ro",
       "custdb token add: --name: 'ro' is already in tokens file '" + Tokens() +
           "'\n"},
  };
  for (const Case& c : cases) {
    const test::CommandRun run =
        Run("token add --tokens " + Quote(Tokens()) + " " + c.args);
    EXPECT_EQ(run.exit_code, 2) << c.args;
    EXPECT_EQ(run.output, "") << c.args;
    EXPECT_EQ(run.error, c.message) << c.args;
    EXPECT_EQ(ReadFile(Tokens()), before) << c.args;
  }
  // Without --tokens or --role: CLI11's own usage error, nothing made.
  const test::CommandRun missing = Run("token add --role admin");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.error.find("--tokens"), std::string::npos) << missing.error;
}

TEST_F(TokenCliTest, MalformedFileIsReportedAndKept) {
  {
    std::ofstream out(Tokens());
    out << "{\"version\": 1, \"tokens\": [{\"name\": \"a\"}]}";
  }
  const std::string before = ReadFile(Tokens());
  const test::CommandRun run =
      Run("token add --tokens " + Quote(Tokens()) + " --role admin");
  EXPECT_EQ(run.exit_code, 2) << run.error;
  EXPECT_NE(run.error.find("tokens[0] (name 'a'): role: is missing"),
            std::string::npos)
      << run.error;
  EXPECT_EQ(run.output, "");
  EXPECT_EQ(ReadFile(Tokens()), before);
}

}  // namespace
}  // namespace custdb
