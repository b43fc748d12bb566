// custdb stats: record counts and storage figures of a database.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "command_table.h"
#include "command_util.h"

namespace custdb {
namespace tools {
namespace {

// `where`: the directory, or the server address with --connect.
void PrintText(const std::string& where, const EngineStats& stats) {
  std::cout << "database:        " << where << "\n"
            << "schema version:  " << stats.schema_version << "\n"
            << "base currency:   " << stats.base_currency << "\n"
            << "channels:        " << FormatCount(stats.counts.channels) << "\n"
            << "customers:       " << FormatCount(stats.counts.customers)
            << "\n"
            << "orders:          " << FormatCount(stats.counts.orders)
            << " (sale orders and credit notes)\n"
            << "interactions:    " << FormatCount(stats.counts.interactions)
            << "\n\n";
  char line[160];
  std::snprintf(line, sizeof(line), "%-16s %14s %16s %16s %8s\n",
                "column family", "keys (est.)", "sst bytes", "memtable bytes",
                "files");
  std::cout << line;
  ColumnFamilyStats total;
  total.name = "total";
  auto print = [&line](const ColumnFamilyStats& cf) {
    std::snprintf(
        line, sizeof(line), "%-16s %14s %16s %16s %8s\n", cf.name.c_str(),
        FormatCount(static_cast<int64_t>(cf.estimate_num_keys)).c_str(),
        FormatCount(static_cast<int64_t>(cf.sst_bytes)).c_str(),
        FormatCount(static_cast<int64_t>(cf.memtable_bytes)).c_str(),
        FormatCount(static_cast<int64_t>(cf.num_files)).c_str());
    std::cout << line;
  };
  for (const ColumnFamilyStats& cf : stats.column_families) {
    print(cf);
    total.estimate_num_keys += cf.estimate_num_keys;
    total.sst_bytes += cf.sst_bytes;
    total.memtable_bytes += cf.memtable_bytes;
    total.num_files += cf.num_files;
  }
  print(total);
}

void PrintJson(const EngineStats& stats) {
  nlohmann::ordered_json j;
  j["schema_version"] = stats.schema_version;
  j["base_currency"] = stats.base_currency;
  j["counts"] = {{"channels", stats.counts.channels},
                 {"customers", stats.counts.customers},
                 {"orders", stats.counts.orders},
                 {"interactions", stats.counts.interactions}};
  nlohmann::ordered_json families = nlohmann::ordered_json::array();
  uint64_t sst_bytes = 0;
  for (const ColumnFamilyStats& cf : stats.column_families) {
    families.push_back({{"name", cf.name},
                        {"estimate_num_keys", cf.estimate_num_keys},
                        {"sst_bytes", cf.sst_bytes},
                        {"memtable_bytes", cf.memtable_bytes},
                        {"num_files", cf.num_files}});
    sst_bytes += cf.sst_bytes;
  }
  j["column_families"] = std::move(families);
  j["total_sst_bytes"] = sst_bytes;
  tools::PrintJson(j);
}

class StatsCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_flag("--json", json_, "Print as JSON");
  }

  int RunOnEngine(Engine& engine, const std::string& dir) override {
    return Print(engine.Stats(), dir);
  }

  // The server's Engine::Stats, through the ServerInfo/stats operation.
  bool RunsOverClient() const override { return true; }
  int RunOnClient(Client& client, const std::string& address) override {
    return Print(client.GetStats(), address);
  }

 private:
  int Print(const Result<EngineStats>& stats, const std::string& dir) {
    if (!stats.ok()) {
      std::cerr << "custdb stats: " << stats.status().ToString() << "\n";
      return kExitFailure;
    }
    if (json_) {
      PrintJson(*stats);
    } else {
      PrintText(dir, *stats);
    }
    return kExitOk;
  }

  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeStatsCommand() {
  return std::make_unique<StatsCommand>();
}

}  // namespace tools
}  // namespace custdb
