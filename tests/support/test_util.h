// Helpers shared by the tests: temporary directories and a fixed clock.
#ifndef CUSTDB_TESTS_SUPPORT_TEST_UTIL_H_
#define CUSTDB_TESTS_SUPPORT_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "custdb/engine.h"
#include "custdb/import.h"
#include "custdb/options.h"

namespace custdb {
namespace test {

// A fresh directory under the system temp dir, removed with its contents
// when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path()/name, not created.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// 2024-01-01T00:00:00Z, the tests' default "now".
constexpr int64_t kTestNowMs = 1704067200000;

// Options for a database at `path` with a fixed clock at kTestNowMs and
// base currency EUR.
Options TestOptions(const std::string& path);

// Opens a database with TestOptions(path), failing the test on error.
std::unique_ptr<Engine> OpenTestEngine(const std::string& path);

// A completed sale order (or one in `status`) with no line items: the
// fields most tests vary.
Order NewOrder(uint64_t id, uint64_t customer_id, uint64_t channel_id,
               int64_t ts_ms, int64_t amount_minor,
               OrderStatus status = OrderStatus::kCompleted);

// An interaction without scores or notes; id 0 lets the engine assign one.
Interaction NewInteraction(uint64_t customer_id, uint64_t channel_id,
                           int64_t ts_ms, InteractionKind kind);

constexpr int64_t kDay = 86400000;
// kTestNowMs minus whole days.
constexpr int64_t DaysAgo(int64_t days) { return kTestNowMs - days * kDay; }

// Puts channels named "channel <id>" with the given (id, parent_id) pairs,
// parents first; fails the test on error.
void PutChannelTree(Store* store,
                    const std::vector<std::pair<uint64_t, uint64_t>>& tree);

// The value of `r`, or T{} after failing the test when `r` is an error.
template <typename T>
T ValueOf(const Result<T>& r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : T{};
}

// The ids of `customers`, in order.
std::vector<uint64_t> Ids(const std::vector<CustomerRecord>& customers);

// Verify's problems, one per line, for failure messages.
std::string Listing(const VerifyReport& report);

// The repository's data/online_retail.csv.gz.
std::string OnlineRetailPath();

// The repository's tests/data/`name`.
std::string TestDataPath(const std::string& name);

// The physical lines of the file at `path`, counted as an editor does (a
// last line without a line break counts; a leading byte order mark is not
// a line of its own).
int64_t PhysicalLines(const std::string& path);

// Expects `report` to account for each of `physical_lines` lines (issue
// 12, item 7): as a header, blank or row line, and each row as imported,
// skipped or failed, with the failures listed in line order and the
// unlisted ones exactly those beyond max_failures.
void ExpectEveryLineAccountedFor(const ImportReport& report,
                                 int64_t physical_lines,
                                 size_t max_failures = 100);

// The sequence number of the last write to the closed database at `path`,
// read through RocksDB directly: how many entries a step wrote.
uint64_t LatestSequenceNumber(const std::string& path);

// Every entry under `dir` (recursively) with its size, modification time
// and contents, one per line: two states compare equal only if nothing in
// the directory was created, removed, renamed, written or touched.
std::string DirectoryState(const std::string& dir);

// Rewrites meta/schema_version of the closed custdb database at `path`
// (decimal ASCII, engine/src/storage/keys.h) and returns the value it held. The
// database must have been flushed: this opens it without custdb's merge
// operator, so a log holding counter merges could not be replayed.
std::string RewriteSchemaVersion(const std::string& path,
                                 const std::string& version);

// A read-only bind mount of `source` at `target` (an existing directory)
// for as long as the object lives. Mounting needs CAP_SYS_ADMIN in the
// current mount namespace (root outside a restricted container); when it
// fails, ok() is false and why() says why, for a GTEST_SKIP.
class ReadOnlyBindMount {
 public:
  ReadOnlyBindMount(const std::string& source, const std::string& target);
  ~ReadOnlyBindMount();
  ReadOnlyBindMount(const ReadOnlyBindMount&) = delete;
  ReadOnlyBindMount& operator=(const ReadOnlyBindMount&) = delete;
  bool ok() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  std::string target_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace test

// GoogleTest prints a failed comparison of Derived with this, not as bytes.
void PrintTo(const Derived& d, std::ostream* os);

}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_TEST_UTIL_H_
