// Tokens: the tokens file (JSON, docs/OPERATIONS.md "Tokens"), SHA-256 and
// constant-time comparison through OpenSSL, and the atomic rewrite that
// `custdb token add` performs.
//
// The file:
//   {"version": 1,
//    "tokens": [{"name": "billing", "role": "writer", "channel_id": 3,
//                "sha256": "<64 lower- or upper-case hex digits>"}, …]}
// Every field but channel_id is required and no other field is allowed: a
// misspelt "chanel_id" would otherwise grant an unscoped token.
#include "server/tokens.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "custdb/types.h"

namespace custdb {
namespace server {
namespace {

constexpr int kFileVersion = 1;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxNameBytes = 64;
constexpr char kTokenPrefix[] = "cdb_";

std::string ErrnoText(int err) { return std::strerror(err); }

// SHA-256 of `data`, 32 raw bytes; empty if OpenSSL fails.
std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) !=
          1 ||
      len != kHashBytes) {
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string ToHex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Why `hex` is not 32 bytes of hex, or empty (and `out` set) if it is.
std::string FromHex(const std::string& hex, std::string* out) {
  if (hex.size() != kHashBytes * 2) {
    return std::to_string(hex.size()) + " characters, not " +
           std::to_string(kHashBytes * 2);
  }
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      const size_t at = hi < 0 ? i : i + 1;
      return "not a hex digit at character " + std::to_string(at);
    }
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return std::string();
}

// Why `name` cannot name a token, or empty.
std::string NameProblem(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNameBytes) {
    return "is " + std::to_string(name.size()) + " bytes, more than " +
           std::to_string(kMaxNameBytes);
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "holds a control character";
  }
  return std::string();
}

// Base64url without padding (RFC 4648 §5) of `bytes`, through OpenSSL's
// encoder with its alphabet's two differing characters swapped.
std::string Base64Url(const unsigned char* bytes, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]),
                                  bytes, static_cast<int>(n));
  out.resize(len > 0 ? static_cast<size_t>(len) : 0);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

struct ParsedEntry {
  std::string sha256;  // raw
  Principal principal;
};

// "tokens[2] (name 'billing')": how errors name an entry.
std::string EntryLabel(size_t index, const nlohmann::json& entry) {
  std::string label = "tokens[" + std::to_string(index) + "]";
  auto it = entry.find("name");
  if (it != entry.end() && it->is_string()) {
    label += " (name '" + it->get<std::string>() + "')";
  }
  return label;
}

Status ParseEntry(const std::string& where, size_t index,
                  const nlohmann::json& entry, ParsedEntry* out) {
  if (!entry.is_object()) {
    return Status::InvalidArgument(where + ": tokens[" + std::to_string(index) +
                                   "]: is not a JSON object");
  }
  const std::string label = where + ": " + EntryLabel(index, entry);
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    const std::string& key = it.key();
    if (key != "name" && key != "role" && key != "channel_id" &&
        key != "sha256") {
      return Status::InvalidArgument(label + ": unknown field '" + key +
                                     "' (fields: name, role, channel_id, "
                                     "sha256)");
    }
  }
  auto field = [&](const char* name) -> const nlohmann::json* {
    auto it = entry.find(name);
    return it == entry.end() ? nullptr : &*it;
  };

  const nlohmann::json* name = field("name");
  if (name == nullptr || !name->is_string()) {
    return Status::InvalidArgument(
        label + ": name: " + (name ? "is not a string" : "is missing"));
  }
  out->principal.name = name->get<std::string>();
  std::string problem = NameProblem(out->principal.name);
  if (!problem.empty()) {
    return Status::InvalidArgument(label + ": name: " + problem);
  }

  const nlohmann::json* role = field("role");
  if (role == nullptr || !role->is_string()) {
    return Status::InvalidArgument(
        label + ": role: " + (role ? "is not a string" : "is missing"));
  }
  if (!ParseRole(role->get<std::string>(), &out->principal.role)) {
    return Status::InvalidArgument(label + ": role: '" +
                                   role->get<std::string>() +
                                   "' is not admin, writer or reader");
  }

  out->principal.channel_id.reset();
  if (const nlohmann::json* channel = field("channel_id")) {
    // Negative numbers are number_integer, not number_unsigned.
    if (!channel->is_number_unsigned()) {
      return Status::InvalidArgument(
          label + ": channel_id: " + channel->dump() +
          " is not a channel id (1.." + std::to_string(kMaxId) + ")");
    }
    const uint64_t id = channel->get<uint64_t>();
    if (id == 0 || id > kMaxId) {
      return Status::InvalidArgument(
          label + ": channel_id: " + std::to_string(id) +
          " is not a channel id (1.." + std::to_string(kMaxId) + ")");
    }
    out->principal.channel_id = id;
  }

  const nlohmann::json* hash = field("sha256");
  if (hash == nullptr || !hash->is_string()) {
    return Status::InvalidArgument(
        label + ": sha256: " + (hash ? "is not a string" : "is missing"));
  }
  problem = FromHex(hash->get<std::string>(), &out->sha256);
  if (!problem.empty()) {
    return Status::InvalidArgument(label + ": sha256: " + problem);
  }
  return Status::OK();
}

// Parses the whole file into `entries`; on error `entries` is unspecified.
Status ParseFile(const std::string& path, const std::string& text,
                 std::vector<ParsedEntry>* entries) {
  const std::string where = "tokens file '" + path + "'";
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(where + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument(where + ": is not a JSON object");
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "version" && it.key() != "tokens") {
      return Status::InvalidArgument(where + ": unknown field '" + it.key() +
                                     "' (fields: version, tokens)");
    }
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() ||
      version->get<int64_t>() != kFileVersion) {
    return Status::InvalidArgument(
        where + ": version: " +
        (version == doc.end() ? std::string("is missing") : version->dump()) +
        " is not " + std::to_string(kFileVersion));
  }
  auto tokens = doc.find("tokens");
  if (tokens == doc.end() || !tokens->is_array()) {
    return Status::InvalidArgument(
        where + ": tokens: " +
        (tokens == doc.end() ? "is missing" : "is not an array"));
  }
  entries->clear();
  std::set<std::string> names;
  for (size_t i = 0; i < tokens->size(); ++i) {
    ParsedEntry entry;
    Status s = ParseEntry(where, i, (*tokens)[i], &entry);
    if (!s.ok()) return s;
    const std::string label = where + ": " + EntryLabel(i, (*tokens)[i]);
    if (!names.insert(entry.principal.name).second) {
      return Status::InvalidArgument(label + ": name: '" +
                                     entry.principal.name +
                                     "' is taken by an earlier entry");
    }
    // Two entries for one token would make its role depend on their order.
    for (size_t j = 0; j < entries->size(); ++j) {
      if ((*entries)[j].sha256 == entry.sha256) {
        return Status::InvalidArgument(label + ": sha256: the same as tokens[" +
                                       std::to_string(j) + "] (name '" +
                                       (*entries)[j].principal.name + "')");
      }
    }
    entries->push_back(std::move(entry));
  }
  return Status::OK();
}

// The file's bytes; kNotFound if it is absent.
Status ReadWhole(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) {
      return Status::NotFound("tokens file '" + path + "' does not exist");
    }
    return Status::IOError("tokens file '" + path + "': " + ErrnoText(err));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    return Status::IOError("tokens file '" + path + "': read failed");
  }
  *text = buf.str();
  return Status::OK();
}

nlohmann::ordered_json ToJson(const std::vector<ParsedEntry>& entries) {
  nlohmann::ordered_json doc;
  doc["version"] = kFileVersion;
  doc["tokens"] = nlohmann::ordered_json::array();
  for (const ParsedEntry& e : entries) {
    nlohmann::ordered_json j;
    j["name"] = e.principal.name;
    j["role"] = RoleName(e.principal.role);
    if (e.principal.channel_id) j["channel_id"] = *e.principal.channel_id;
    j["sha256"] = ToHex(e.sha256);
    doc["tokens"].push_back(std::move(j));
  }
  return doc;
}

Status WriteAll(int fd, const std::string& data, const std::string& what) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(what + ": write: " + ErrnoText(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Replaces `path` with `data`, mode 0600: a temporary file beside it,
// fsync, rename over, fsync of the directory; a reader (the server on
// SIGHUP) sees the old file or the new one, never a part.
Status ReplaceFile(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(&tmp[0]);
  if (fd < 0) {
    return Status::IOError(
        "tokens file '" + path +
        "': cannot create a temporary file beside it: " + ErrnoText(errno));
  }
  const std::string what = "tokens file '" + tmp + "'";
  Status s;
  if (::fchmod(fd, 0600) != 0) {
    s = Status::IOError(what + ": chmod: " + ErrnoText(errno));
  }
  if (s.ok()) s = WriteAll(fd, data, what);
  if (s.ok() && ::fsync(fd) != 0) {
    s = Status::IOError(what + ": fsync: " + ErrnoText(errno));
  }
  if (::close(fd) != 0 && s.ok()) {
    s = Status::IOError(what + ": close: " + ErrnoText(errno));
  }
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IOError("tokens file '" + path +
                        "': rename: " + ErrnoText(errno));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  const int dir = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    const bool synced = ::fsync(dir) == 0;
    const int err = errno;
    ::close(dir);
    if (!synced) {
      return Status::IOError("tokens file '" + path +
                             "': fsync of its directory: " + ErrnoText(err));
    }
  }
  return Status::OK();
}

// Holds an exclusive flock on `path`.lock for its lifetime, so that two
// `token add` runs at once cannot each rewrite the file without the
// other's entry. (The tokens file itself is replaced by rename, so a lock
// on it would lock the old inode.)
class AddLock {
 public:
  explicit AddLock(const std::string& path) : path_(path + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      status_ = Status::IOError("tokens file '" + path +
                                "': cannot create its lock file '" + path_ +
                                "': " + ErrnoText(errno));
      return;
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        status_ = Status::IOError("tokens lock '" + path_ +
                                  "': flock: " + ErrnoText(errno));
        return;
      }
    }
  }
  ~AddLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  AddLock(const AddLock&) = delete;
  AddLock& operator=(const AddLock&) = delete;
  const Status& status() const { return status_; }

 private:
  std::string path_;
  int fd_ = -1;
  Status status_;
};

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "invalid";
}

bool ParseRole(const std::string& name, Role* out) {
  for (Role r : {Role::kReader, Role::kWriter, Role::kAdmin}) {
    if (name == RoleName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

Result<std::shared_ptr<const TokenFile>> TokenFile::Load(
    const std::string& path) {
  std::string text;
  Status s = ReadWhole(path, &text);
  if (!s.ok()) return s;
  std::vector<ParsedEntry> parsed;
  s = ParseFile(path, text, &parsed);
  if (!s.ok()) return s;
  auto file = std::make_shared<TokenFile>();
  file->entries_.reserve(parsed.size());
  for (ParsedEntry& e : parsed) {
    file->entries_.push_back(
        Entry{std::move(e.sha256), std::move(e.principal)});
  }
  return std::shared_ptr<const TokenFile>(std::move(file));
}

std::optional<Principal> TokenFile::Authenticate(std::string_view token) const {
  const std::string hash = Sha256(token);
  if (hash.size() != kHashBytes) return std::nullopt;
  // Every entry is compared, and the match is picked with masks rather
  // than an early return, so the time taken says nothing about which
  // entry matched or how much of a hash agreed.
  size_t found = entries_.size();
  for (size_t i = 0; i < entries_.size(); ++i) {
    const size_t equal = static_cast<size_t>(
        CRYPTO_memcmp(hash.data(), entries_[i].sha256.data(), kHashBytes) == 0);
    const size_t mask = ~(equal - 1);  // all ones when equal
    found = (found & ~mask) | (i & mask);
  }
  if (found == entries_.size()) return std::nullopt;
  return entries_[found].principal;
}

size_t TokenFile::size() const { return entries_.size(); }

Result<std::string> AddToken(const std::string& path,
                             const Principal& principal) {
  const std::string problem = NameProblem(principal.name);
  if (!problem.empty()) {
    return Status::InvalidArgument("name: '" + principal.name + "' " + problem);
  }
  if (principal.channel_id &&
      (*principal.channel_id == 0 || *principal.channel_id > kMaxId)) {
    return Status::InvalidArgument(
        "channel_id: " + std::to_string(*principal.channel_id) +
        " is not a channel id (1.." + std::to_string(kMaxId) + ")");
  }
  if (principal.role != Role::kReader && principal.role != Role::kWriter &&
      principal.role != Role::kAdmin) {
    return Status::InvalidArgument(
        "role: " + std::to_string(static_cast<int>(principal.role)) +
        " is not admin, writer or reader");
  }

  AddLock lock(path);
  if (!lock.status().ok()) return lock.status();

  std::vector<ParsedEntry> entries;
  std::string text;
  Status s = ReadWhole(path, &text);
  if (s.ok()) {
    s = ParseFile(path, text, &entries);
    if (!s.ok()) return s;
  } else if (!s.IsNotFound()) {
    return s;
  }
  for (const ParsedEntry& e : entries) {
    if (e.principal.name == principal.name) {
      return Status::InvalidArgument("name: '" + principal.name +
                                     "' is already in tokens file '" + path +
                                     "'");
    }
  }

  unsigned char random[kHashBytes];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return Status::Internal("RAND_bytes failed: no token was made");
  }
  std::string token = kTokenPrefix + Base64Url(random, sizeof(random));
  OPENSSL_cleanse(random, sizeof(random));

  ParsedEntry entry;
  entry.sha256 = Sha256(token);
  if (entry.sha256.size() != kHashBytes) {
    return Status::Internal("SHA-256 failed: no token was made");
  }
  entry.principal = principal;
  entries.push_back(std::move(entry));
  s = ReplaceFile(path, ToJson(entries).dump(2) + "\n");
  if (!s.ok()) return s;
  return token;
}

}  // namespace server
}  // namespace custdb
