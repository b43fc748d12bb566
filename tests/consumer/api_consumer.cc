// Uses the installed custdb::api alone (no engine, no RocksDB): Status,
// the record types' names, policy validation and the time format.
#include <cstdio>

#include "custdb/policy.h"
#include "custdb/status.h"
#include "custdb/time_format.h"
#include "custdb/types.h"

int main() {
  custdb::Result<int64_t> ms = custdb::ParseIso8601("2011-12-09 12:50:00");
  if (!ms.ok()) {
    std::fprintf(stderr, "parse: %s\n", ms.status().ToString().c_str());
    return 1;
  }
  custdb::OrderStatus status;
  if (!custdb::ParseOrderStatus("completed", &status)) return 1;
  const custdb::Status bad = custdb::ParseIso8601("2011-13-01").status();
  const custdb::Status policy = custdb::ValidatePolicy(custdb::DefaultPolicy());
  std::printf("api: %s %s %s; %s\n", custdb::FormatIso8601(*ms).c_str(),
              custdb::OrderStatusName(status), policy.ToString().c_str(),
              custdb::StatusCodeName(bad.code()));
  return 0;
}
