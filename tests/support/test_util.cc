// Test helpers: temporary directories and a fixed clock.
#include "support/test_util.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

namespace custdb {
namespace test {

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "custdb-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Options TestOptions(const std::string& path) {
  Options options;
  options.path = path;
  options.base_currency = "EUR";
  options.block_cache_bytes = 8u << 20;
  options.clock_ms = [] { return kTestNowMs; };
  return options;
}

std::unique_ptr<Engine> OpenTestEngine(const std::string& path) {
  auto opened = Engine::Open(TestOptions(path));
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

Order NewOrder(uint64_t id, uint64_t customer_id, uint64_t channel_id,
               int64_t ts_ms, int64_t amount_minor, OrderStatus status) {
  Order o;
  o.id = id;
  o.customer_id = customer_id;
  o.channel_id = channel_id;
  o.ts_ms = ts_ms;
  o.amount_minor = amount_minor;
  o.status = status;
  return o;
}

Interaction NewInteraction(uint64_t customer_id, uint64_t channel_id,
                           int64_t ts_ms, InteractionKind kind) {
  Interaction i;
  i.customer_id = customer_id;
  i.channel_id = channel_id;
  i.ts_ms = ts_ms;
  i.kind = kind;
  return i;
}

void PutChannelTree(Store* store,
                    const std::vector<std::pair<uint64_t, uint64_t>>& tree) {
  for (const auto& [id, parent] : tree) {
    Channel c;
    c.id = id;
    c.name = "channel " + std::to_string(id);
    c.parent_id = parent;
    Status s = store->PutChannel(c);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

std::vector<uint64_t> Ids(const std::vector<CustomerRecord>& customers) {
  std::vector<uint64_t> ids;
  for (const auto& c : customers) ids.push_back(c.profile.id);
  return ids;
}

std::string Listing(const VerifyReport& report) {
  std::string out = std::to_string(report.problems_found) + " problem(s):";
  for (const VerifyProblem& p : report.problems) out += "\n  " + p.what;
  return out;
}

std::string OnlineRetailPath() {
  return std::string(CUSTDB_SOURCE_DIR) + "/data/online_retail.csv.gz";
}

std::string TestDataPath(const std::string& name) {
  return std::string(CUSTDB_SOURCE_DIR) + "/tests/data/" + name;
}

int64_t PhysicalLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::string data((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (data.compare(0, 3, "\xEF\xBB\xBF") == 0) data.erase(0, 3);
  int64_t lines = 0;
  for (char c : data) lines += c == '\n';
  if (!data.empty() && data.back() != '\n') ++lines;
  return lines;
}

void ExpectEveryLineAccountedFor(const ImportReport& report,
                                 int64_t physical_lines, size_t max_failures) {
  EXPECT_EQ(report.lines_read, physical_lines);
  EXPECT_EQ(report.lines_read,
            report.header_lines + report.blank_lines + report.row_lines)
      << "header " << report.header_lines << ", blank " << report.blank_lines
      << ", row lines " << report.row_lines;
  EXPECT_EQ(report.rows_read,
            report.rows_imported + report.rows_skipped + report.rows_failed);
  int64_t extra = 0;  // lines of multi-line rows beyond their first
  for (const SourceLine& row : report.first_multiline_rows) {
    extra += row.last_line - row.line;
  }
  if (report.multiline_rows ==
      static_cast<int64_t>(report.first_multiline_rows.size())) {
    EXPECT_EQ(report.row_lines, report.rows_read + extra);
  }
  EXPECT_EQ(
      report.failures.size(),
      std::min<size_t>(max_failures, static_cast<size_t>(report.rows_failed)));
  for (size_t i = 1; i < report.failures.size(); ++i) {
    const SourceLine& a = report.failures[i - 1].where;
    const SourceLine& b = report.failures[i].where;
    if (a.file == b.file) {
      EXPECT_LE(a.line, b.line) << "failures out of line order in " << a.file;
    }
  }
}

uint64_t LatestSequenceNumber(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, descriptors,
                                   &handles, &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return 0;
  const uint64_t sequence = raw->GetLatestSequenceNumber();
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
  return sequence;
}

std::string DirectoryState(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    struct stat st;
    std::ostringstream line;
    if (lstat(entry.path().c_str(), &st) != 0) {
      line << "lstat failed: " << std::strerror(errno);
    } else {
      line << "mode " << st.st_mode << " size " << st.st_size << " mtime "
           << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec;
    }
    if (entry.is_regular_file()) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string data(std::istreambuf_iterator<char>(in), {});
      line << " contents " << std::hash<std::string>()(data);
    }
    entries[fs::relative(entry.path(), dir).string()] = line.str();
  }
  std::string out;
  for (const auto& [name, line] : entries) out += name + ": " + line + "\n";
  return out;
}

std::string RewriteSchemaVersion(const std::string& path,
                                 const std::string& version) {
  std::vector<std::string> names;
  EXPECT_TRUE(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.disable_auto_compactions = true;  // no merge operator here
  for (const std::string& name : names) {
    descriptors.emplace_back(name, cf_options);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors,
                                        &handles, &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return "";
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "meta") meta = handles[i];
  }
  std::string old;
  EXPECT_NE(meta, nullptr) << "no meta column family";
  if (meta != nullptr) {
    EXPECT_TRUE(
        raw->Get(rocksdb::ReadOptions(), meta, "schema_version", &old).ok());
    EXPECT_TRUE(
        raw->Put(rocksdb::WriteOptions(), meta, "schema_version", version)
            .ok());
  }
  for (auto* h : handles) EXPECT_TRUE(raw->DestroyColumnFamilyHandle(h).ok());
  EXPECT_TRUE(raw->Close().ok());
  delete raw;
  return old;
}

ReadOnlyBindMount::ReadOnlyBindMount(const std::string& source,
                                     const std::string& target)
    : target_(target) {
  if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    why_ = "cannot bind-mount " + source + " (" + std::strerror(errno) + ")";
    return;
  }
  mounted_ = true;
  // A bind mount takes the flags of its source until remounted.
  if (mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY,
            nullptr) != 0) {
    why_ = "cannot remount " + target + " read-only (" + std::strerror(errno) +
           ")";
    umount2(target.c_str(), MNT_DETACH);
    mounted_ = false;
  }
}

ReadOnlyBindMount::~ReadOnlyBindMount() {
  if (mounted_) umount2(target_.c_str(), MNT_DETACH);
}

}  // namespace test

void PrintTo(const Derived& d, std::ostream* os) {
  *os << "{tier " << static_cast<int>(d.value_tier) << " r " << d.r << " f "
      << d.f << " m " << d.m << " segment " << d.segment << " '"
      << d.segment_name << "' lifecycle " << static_cast<int>(d.lifecycle)
      << " churn " << d.churn_risk << " points " << d.loyalty_points
      << " next_change " << d.next_change_ms << "}";
}

}  // namespace custdb
