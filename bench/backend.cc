// The table of backends custdb-bench can run.
#include "backend.h"

namespace custdb {
namespace bench {

const std::vector<BackendInfo>& Backends() {
  static const std::vector<BackendInfo> kBackends = {
      {"custdb", "custdb::Engine embedded in the process, default Options",
       &OpenCustdbBackend},
      {"remote",
       "custdb::Client over loopback TCP to a custdb serve that custdb-bench "
       "starts (or --remote HOST:PORT)",
       &OpenRemoteBackend},
      {"sqlite",
       "SQLite 3, WAL, synchronous=NORMAL, prepared statements, aggregates "
       "updated in the order's transaction",
       &OpenSqliteBackend},
  };
  return kBackends;
}

const BackendInfo* FindBackend(const std::string& name) {
  for (const BackendInfo& b : Backends()) {
    if (name == b.name) return &b;
  }
  return nullptr;
}

}  // namespace bench
}  // namespace custdb
