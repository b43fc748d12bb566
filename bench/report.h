// Output of custdb-bench: a progress line per step on stderr, one JSON
// object per step with --json, and the side-by-side table at the end.
#ifndef CUSTDB_BENCH_REPORT_H_
#define CUSTDB_BENCH_REPORT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "dataset.h"
#include "runner.h"

namespace custdb {
namespace bench {

// What the data set was, printed above the table and into each JSON line.
struct DatasetSummary {
  double scale = 0;
  uint64_t seed = 0;
  size_t channels = 0;
  size_t customers = 0;
  size_t orders = 0;
  size_t interactions = 0;
  double top20_revenue_share = 0;  // 0..1
};

class Report {
 public:
  // With `json`, each Add() prints one JSON object on a line of stdout.
  Report(const DatasetSummary& data, bool json) : data_(data), json_(json) {}

  // Records a step; prints its progress line (and JSON line).
  void Add(const ResultRow& row);

  // The data set line, then one row per (workload, backend), grouped by
  // workload, with each backend's throughput relative to sqlite's.
  void PrintTable(std::FILE* out) const;

  // Workloads whose reads returned different results on different
  // backends, one line each; empty when every backend agrees. Failed
  // steps are not compared.
  std::vector<std::string> Mismatches() const;

  // The steps that failed, one line each ("custdb rescore_day: …").
  std::vector<std::string> Failures() const;

 private:
  const ResultRow* Find(const std::string& workload,
                        const std::string& backend) const;

  DatasetSummary data_;
  bool json_;
  std::vector<ResultRow> rows_;
};

// ops / seconds, 0 when nothing ran.
double OpsPerSecond(const Measurement& m);

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_REPORT_H_
