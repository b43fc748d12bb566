// Tokens: AddToken writes only hashes, atomically and mode 0600; Load
// refuses every malformed entry naming it and its field; Authenticate maps
// a token to its principal and nothing else to anything.
#include "server/tokens.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_util.h"

namespace custdb {
namespace server {
namespace {

using test::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

Principal Named(const std::string& name, Role role,
                std::optional<uint64_t> channel = std::nullopt) {
  Principal p;
  p.name = name;
  p.role = role;
  p.channel_id = channel;
  return p;
}

// SHA-256("") and SHA-256("abc"), the FIPS 180-2 examples.
constexpr char kEmptyHash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbcHash[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

class TokensTest : public ::testing::Test {
 protected:
  std::string Path() const { return dir_.Sub("tokens.json"); }

  // Writes a file with one entry whose JSON is `entry`, and loads it.
  Status LoadEntry(const std::string& entry) {
    WriteFile(Path(), "{\"version\": 1, \"tokens\": [" + entry + "]}");
    return TokenFile::Load(Path()).status();
  }

  TempDir dir_;
};

TEST_F(TokensTest, RoleNamesRoundTrip) {
  for (Role r : {Role::kReader, Role::kWriter, Role::kAdmin}) {
    Role parsed = Role::kReader;
    ASSERT_TRUE(ParseRole(RoleName(r), &parsed)) << RoleName(r);
    EXPECT_EQ(parsed, r);
  }
  Role parsed = Role::kWriter;
  EXPECT_FALSE(ParseRole("root", &parsed));
  EXPECT_FALSE(ParseRole("Admin", &parsed));
  EXPECT_EQ(parsed, Role::kWriter);
}

TEST_F(TokensTest, AbsentFileIsNotFound) {
  Result<std::shared_ptr<const TokenFile>> r = TokenFile::Load(Path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(Path()), std::string::npos);
}

TEST_F(TokensTest, AddThenAuthenticate) {
  Result<std::string> admin = AddToken(Path(), Named("ops", Role::kAdmin));
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  Result<std::string> dealer =
      AddToken(Path(), Named("dealer-3", Role::kWriter, 3));
  ASSERT_TRUE(dealer.ok()) << dealer.status().ToString();
  EXPECT_NE(*admin, *dealer);
  // "cdb_" and 32 random bytes in base64url without padding.
  EXPECT_EQ(admin->rfind("cdb_", 0), 0u) << *admin;
  EXPECT_EQ(admin->size(), 4u + 43u) << *admin;
  for (char c : admin->substr(4)) {
    EXPECT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
        << *admin;
  }

  Result<std::shared_ptr<const TokenFile>> file = TokenFile::Load(Path());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 2u);

  std::optional<Principal> p = (*file)->Authenticate(*admin);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "ops");
  EXPECT_EQ(p->role, Role::kAdmin);
  EXPECT_FALSE(p->channel_id.has_value());

  p = (*file)->Authenticate(*dealer);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "dealer-3");
  EXPECT_EQ(p->role, Role::kWriter);
  ASSERT_TRUE(p->channel_id.has_value());
  EXPECT_EQ(*p->channel_id, 3u);

  // Near misses: a changed last character, a prefix, an extension, none.
  std::string wrong = *admin;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE((*file)->Authenticate(wrong).has_value());
  EXPECT_FALSE((*file)->Authenticate(admin->substr(0, 20)).has_value());
  EXPECT_FALSE((*file)->Authenticate(*admin + "x").has_value());
  EXPECT_FALSE((*file)->Authenticate("").has_value());
}

TEST_F(TokensTest, FileHoldsOnlyTheHashAndIsPrivate) {
  Result<std::string> token = AddToken(Path(), Named("ops", Role::kAdmin));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  const std::string text = ReadFile(Path());
  EXPECT_EQ(text.find(*token), std::string::npos) << text;
  EXPECT_EQ(text.find(token->substr(4)), std::string::npos) << text;
  EXPECT_NE(text.find("\"sha256\""), std::string::npos) << text;

  struct stat st {};
  ASSERT_EQ(::stat(Path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A second add rewrites the file: still 0600, no temporary left behind.
  ASSERT_TRUE(AddToken(Path(), Named("ro", Role::kReader)).ok());
  ASSERT_EQ(::stat(Path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "tokens.json" || name == "tokens.json.lock") << name;
  }
}

TEST_F(TokensTest, KnownHashAuthenticates) {
  // The format is the documented one: an operator can write it by hand.
  WriteFile(Path(), std::string("{\"version\": 1, \"tokens\": [") +
                        "{\"name\": \"a\", \"role\": \"reader\", "
                        "\"sha256\": \"" +
                        kAbcHash + "\"}, {\"name\": \"b\", \"role\": " +
                        "\"writer\", \"channel_id\": 7, \"sha256\": \"" +
                        std::string(kEmptyHash) + "\"}]}");
  Result<std::shared_ptr<const TokenFile>> file = TokenFile::Load(Path());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  std::optional<Principal> p = (*file)->Authenticate("abc");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "a");
  p = (*file)->Authenticate("");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "b");
  EXPECT_EQ(p->channel_id, std::optional<uint64_t>(7));
  EXPECT_FALSE((*file)->Authenticate("abd").has_value());
}

TEST_F(TokensTest, UpperCaseHexIsAccepted) {
  std::string upper = kAbcHash;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  ASSERT_TRUE(
      LoadEntry("{\"name\": \"a\", \"role\": \"admin\", \"sha256\": \"" +
                upper + "\"}")
          .ok());
  Result<std::shared_ptr<const TokenFile>> file = TokenFile::Load(Path());
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE((*file)->Authenticate("abc").has_value());
}

TEST_F(TokensTest, DuplicateNameOnAddIsRefusedAndWritesNothing) {
  ASSERT_TRUE(AddToken(Path(), Named("ops", Role::kAdmin)).ok());
  const std::string before = ReadFile(Path());
  Result<std::string> again = AddToken(Path(), Named("ops", Role::kReader));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.status().message().find("name: 'ops'"), std::string::npos)
      << again.status().message();
  EXPECT_EQ(ReadFile(Path()), before);
}

TEST_F(TokensTest, BadPrincipalOnAddIsRefused) {
  Result<std::string> r = AddToken(Path(), Named("", Role::kAdmin));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("name"), std::string::npos);
  r = AddToken(Path(), Named("x", Role::kAdmin, 0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("channel_id: 0"), std::string::npos)
      << r.status().message();
  r = AddToken(Path(), Named("x", static_cast<Role>(9)));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("role: 9"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(std::filesystem::exists(Path()));
}

TEST_F(TokensTest, AddToAMalformedFileRefusesAndKeepsIt) {
  WriteFile(Path(), "{not json");
  Result<std::string> r = AddToken(Path(), Named("ops", Role::kAdmin));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadFile(Path()), "{not json");
}

// Each field of an entry, malformed: the error names the entry (index and
// name where it has one) and the field.
TEST_F(TokensTest, MalformedEntriesNameEntryAndField) {
  const std::string hash = std::string("\"sha256\": \"") + kAbcHash + "\"";
  struct Case {
    std::string entry;
    std::string expected;  // in the message
  };
  const Case cases[] = {
      {"{\"role\": \"admin\", " + hash + "}", "tokens[0]: name: is missing"},
      {"{\"name\": 5, \"role\": \"admin\", " + hash + "}",
       "tokens[0]: name: is not a string"},
      {"{\"name\": \"\", \"role\": \"admin\", " + hash + "}", "name: is empty"},
      {"{\"name\": \"" + std::string(65, 'n') + "\", \"role\": \"admin\", " +
           hash + "}",
       "name: is 65 bytes"},
      {"{\"name\": \"a\\u0001\", \"role\": \"admin\", " + hash + "}",
       "name: holds a control character"},
      {"{\"name\": \"a\", " + hash + "}",
       "tokens[0] (name 'a'): role: is missing"},
      {"{\"name\": \"a\", \"role\": \"root\", " + hash + "}",
       "tokens[0] (name 'a'): role: 'root' is not admin, writer or reader"},
      {"{\"name\": \"a\", \"role\": 3, " + hash + "}",
       "tokens[0] (name 'a'): role: is not a string"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"channel_id\": 0, " + hash +
           "}",
       "tokens[0] (name 'a'): channel_id: 0 is not a channel id"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"channel_id\": -3, " + hash +
           "}",
       "tokens[0] (name 'a'): channel_id: -3 is not a channel id"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"channel_id\": \"3\", " + hash +
           "}",
       "tokens[0] (name 'a'): channel_id: \"3\" is not a channel id"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"channel_id\": "
       "9223372036854775808, " +
           hash + "}",
       "channel_id: 9223372036854775808 is not a channel id"},
      {"{\"name\": \"a\", \"role\": \"admin\"}",
       "tokens[0] (name 'a'): sha256: is missing"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"sha256\": 12}",
       "tokens[0] (name 'a'): sha256: is not a string"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"sha256\": \"abcd\"}",
       "tokens[0] (name 'a'): sha256: 4 characters, not 64"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"sha256\": \"" +
           std::string(63, 'a') + "g\"}",
       "tokens[0] (name 'a'): sha256: not a hex digit at character 63"},
      {"{\"name\": \"a\", \"role\": \"admin\", \"chanel_id\": 3, " + hash + "}",
       "tokens[0] (name 'a'): unknown field 'chanel_id'"},
      {"\"just a string\"", "tokens[0]: is not a JSON object"},
  };
  for (const Case& c : cases) {
    Status s = LoadEntry(c.entry);
    ASSERT_FALSE(s.ok()) << c.entry;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.entry;
    EXPECT_NE(s.message().find(c.expected), std::string::npos)
        << "entry: " << c.entry << "\nmessage: " << s.message()
        << "\nexpected: " << c.expected;
  }
}

TEST_F(TokensTest, MalformedFilesAreRefusedWhole) {
  const std::string good = std::string("{\"name\": \"a\", \"role\": ") +
                           "\"admin\", \"sha256\": \"" + kAbcHash + "\"}";
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"", "not valid JSON"},
      {"{\"version\": 1, \"tokens\": [", "not valid JSON"},
      {"[]", "is not a JSON object"},
      {"{\"tokens\": []}", "version: is missing"},
      {"{\"version\": 2, \"tokens\": []}", "version: 2 is not 1"},
      {"{\"version\": 1}", "tokens: is missing"},
      {"{\"version\": 1, \"tokens\": {}}", "tokens: is not an array"},
      {"{\"version\": 1, \"tokens\": [], \"extra\": 1}",
       "unknown field 'extra'"},
      // A good entry before a bad one: nothing is loaded.
      {"{\"version\": 1, \"tokens\": [" + good +
           ", {\"name\": \"b\", \"role\": \"reader\", \"sha256\": \"x\"}]}",
       "tokens[1] (name 'b'): sha256: 1 characters, not 64"},
      {"{\"version\": 1, \"tokens\": [" + good + ", " + good + "]}",
       "tokens[1] (name 'a'): name: 'a' is taken by an earlier entry"},
      {"{\"version\": 1, \"tokens\": [" + good +
           ", {\"name\": \"b\", \"role\": \"reader\", \"sha256\": \"" +
           kAbcHash + "\"}]}",
       "tokens[1] (name 'b'): sha256: the same as tokens[0] (name 'a')"},
  };
  for (const Case& c : cases) {
    WriteFile(Path(), c.text);
    Result<std::shared_ptr<const TokenFile>> r = TokenFile::Load(Path());
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
        << "file: " << c.text << "\nmessage: " << r.status().message()
        << "\nexpected: " << c.expected;
    EXPECT_NE(r.status().message().find(Path()), std::string::npos);
  }
}

TEST_F(TokensTest, EmptyListLoadsAndAuthenticatesNothing) {
  WriteFile(Path(), "{\"version\": 1, \"tokens\": []}");
  Result<std::shared_ptr<const TokenFile>> file = TokenFile::Load(Path());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 0u);
  EXPECT_FALSE((*file)->Authenticate("").has_value());
}

TEST_F(TokensTest, ALoadedFileIsASnapshot) {
  Result<std::string> first = AddToken(Path(), Named("one", Role::kReader));
  ASSERT_TRUE(first.ok());
  Result<std::shared_ptr<const TokenFile>> before = TokenFile::Load(Path());
  ASSERT_TRUE(before.ok());
  Result<std::string> second = AddToken(Path(), Named("two", Role::kWriter));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE((*before)->Authenticate(*second).has_value());
  Result<std::shared_ptr<const TokenFile>> after = TokenFile::Load(Path());
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE((*after)->Authenticate(*first).has_value());
  EXPECT_TRUE((*after)->Authenticate(*second).has_value());
  EXPECT_EQ((*after)->size(), 2u);
}

TEST_F(TokensTest, ConcurrentAddsLoseNoEntry) {
  // Each add reads, extends and replaces the file; without the lock two at
  // once would each drop the other's entry.
  constexpr int kThreads = 4;
  constexpr int kEach = 8;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Result<std::string> token = AddToken(
            Path(), Named("t" + std::to_string(t) + "-" + std::to_string(i),
                          Role::kReader));
        if (token.ok()) made[t].push_back(*token);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  Result<std::shared_ptr<const TokenFile>> file = TokenFile::Load(Path());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), static_cast<size_t>(kThreads * kEach));
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(made[t].size(), static_cast<size_t>(kEach));
    for (int i = 0; i < kEach; ++i) {
      std::optional<Principal> p = (*file)->Authenticate(made[t][i]);
      ASSERT_TRUE(p.has_value()) << t << " " << i;
      EXPECT_EQ(p->name, "t" + std::to_string(t) + "-" + std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace server
}  // namespace custdb
