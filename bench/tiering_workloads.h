// The tiering workloads of issue 4: reports and queries over the fully
// loaded data set (tier_summary, top100, churn_watch, channel_report) and
// rescoring (rescore_full, rescore_day), each asked of every backend with
// the same arguments. Listed in the workload table in workloads.cc.
#ifndef CUSTDB_BENCH_TIERING_WORKLOADS_H_
#define CUSTDB_BENCH_TIERING_WORKLOADS_H_

#include <cstdint>

#include "backend.h"
#include "dataset.h"
#include "workloads.h"

namespace custdb {
namespace bench {

// Every question is asked as of the end of the data set.
constexpr int64_t kTieringAsOfMs = kDataEndMs;
// churn_watch: high and medium customers idle for this long; this many of
// them listed.
constexpr int64_t kChurnInactiveDays = 90;
constexpr uint32_t kChurnLimit = 1000;
constexpr uint32_t kTopLimit = 100;
// channel_report's month: November 2024, the last whole month of data.
constexpr int64_t kReportFromMs = 1730419200000;  // 2024-11-01T00:00:00Z
constexpr int64_t kReportToMs = 1733011200000;    // 2024-12-01T00:00:00Z

// GetTierSummary by tier, once per operation.
Status RunTierSummary(Backend* backend, const WorkloadInput& input,
                      Measurement* out);
// TopBySpend: the top 100 high-tier customers of a random owner channel.
Status RunTop100(Backend* backend, const WorkloadInput& input,
                 Measurement* out);
// GetChurnWatch: count and first 1,000 of the idle high and medium ones.
Status RunChurnWatch(Backend* backend, const WorkloadInput& input,
                     Measurement* out);
// GetChannelReport: one month's totals for every channel.
Status RunChannelReport(Backend* backend, const WorkloadInput& input,
                        Measurement* out);
// One full rescore as of kTieringAsOfMs.
Status RunRescoreFull(Backend* backend, const WorkloadInput& input,
                      Measurement* out);
// An untimed full rescore as of kTieringAsOfMs (so that the workload does
// not depend on rescore_full having run), then operation i rescores as of
// day i + 1 after it: custdb incrementally, SQLite fully again.
Status RunRescoreDay(Backend* backend, const WorkloadInput& input,
                     Measurement* out);

}  // namespace bench
}  // namespace custdb

#endif  // CUSTDB_BENCH_TIERING_WORKLOADS_H_
