// Helpers shared by the tests: temporary directories and a fixed clock.
#ifndef CUSTDB_TESTS_TEST_UTIL_H_
#define CUSTDB_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "custdb/engine.h"
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

// The repository's data/online_retail.csv.gz.
std::string OnlineRetailPath();

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_TEST_UTIL_H_
