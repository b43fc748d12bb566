// The tiering workloads' bodies. Each times every call and keeps a digest
// of the answers, so that the backends are cross-checked as the other
// reads are (rescoring excepted: custdb's fixed-breakpoint scores and
// SQLite's quintiles are different answers by design).
#include "tiering_workloads.h"

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace custdb {
namespace bench {
namespace {

uint64_t Mix(uint64_t check, uint64_t value) { return check * 31 + value; }
uint64_t Mix(uint64_t check, int64_t value) {
  return Mix(check, static_cast<uint64_t>(value));
}

// Optional averages compared to a thousandth: both backends divide the
// same integer sums, but need not in the same way.
uint64_t MixRounded(uint64_t check, const std::optional<double>& value) {
  return Mix(check, value ? static_cast<int64_t>(std::llround(*value * 1000))
                          : INT64_MIN);
}

uint64_t MixCustomers(uint64_t check,
                      const std::vector<CustomerRecord>& customers) {
  for (const CustomerRecord& c : customers) {
    check = Mix(check, c.profile.id);
    check = Mix(check, c.aggregates.total_spend_minor);
  }
  return check;
}

// Runs op(i) for i in [0, input.read_ops), timing each call; op returns
// the rows it read and mixes its answer into *check. Fills `out`.
Status TimedLoop(
    const WorkloadInput& input, const char* what,
    const std::function<Status(size_t i, uint64_t* rows, uint64_t* check)>& op,
    Measurement* out) {
  LatencyRecorder recorder;
  recorder.Reserve(input.read_ops);
  uint64_t rows = 0, check = 0;
  const Clock::time_point begin = Clock::now();
  for (size_t i = 0; i < input.read_ops; ++i) {
    const Clock::time_point start = Clock::now();
    Status s = op(i, &rows, &check);
    recorder.Record(start, Clock::now());
    if (!s.ok()) {
      return Status(s.code(), std::string(what) + " #" + std::to_string(i) +
                                  ": " + s.message());
    }
  }
  out->seconds = Seconds(begin, Clock::now());
  out->ops = input.read_ops;
  out->rows = rows;
  out->check = check;
  out->latency = recorder.Summarize();
  return Status::OK();
}

}  // namespace

Status RunTierSummary(Backend* backend, const WorkloadInput& input,
                      Measurement* out) {
  TierSummary summary;
  return TimedLoop(
      input, "tier summary",
      [&](size_t, uint64_t* rows, uint64_t* check) {
        Status s = backend->GetTierSummary(&summary);
        if (!s.ok()) return s;
        *rows += summary.rows.size();
        for (const TierSummaryRow& r : summary.rows) {
          *check = Mix(*check, std::hash<std::string>()(r.group));
          *check = Mix(*check, r.customers);
          *check = Mix(*check, r.spend_minor);
        }
        return Status::OK();
      },
      out);
}

Status RunTop100(Backend* backend, const WorkloadInput& input,
                 Measurement* out) {
  // Owner channels drawn before the clock starts, the same on every
  // backend.
  Random rng(input.seed);
  std::vector<uint64_t> owners(input.read_ops);
  for (uint64_t& id : owners) id = 1 + rng.Below(input.data->channels.size());
  std::vector<CustomerRecord> top;
  return TimedLoop(
      input, "top100",
      [&](size_t i, uint64_t* rows, uint64_t* check) {
        TopSpendQuery query;
        query.owner_channel_id = owners[i];
        query.tier = ValueTier::kHigh;
        query.limit = kTopLimit;
        Status s = backend->TopBySpend(query, &top);
        if (!s.ok()) return s;
        *rows += top.size();
        *check = MixCustomers(*check, top);
        return Status::OK();
      },
      out);
}

Status RunChurnWatch(Backend* backend, const WorkloadInput& input,
                     Measurement* out) {
  ChurnWatchQuery query;
  query.as_of_ms = kTieringAsOfMs;
  query.tiers = {ValueTier::kHigh, ValueTier::kMedium};
  query.inactive_days = kChurnInactiveDays;
  query.limit = kChurnLimit;
  ChurnWatch watch;
  return TimedLoop(
      input, "churn watch",
      [&](size_t, uint64_t* rows, uint64_t* check) {
        Status s = backend->GetChurnWatch(query, &watch);
        if (!s.ok()) return s;
        *rows += watch.top.size();
        *check = Mix(*check, watch.count);
        *check = MixCustomers(*check, watch.top);
        return Status::OK();
      },
      out);
}

Status RunChannelReport(Backend* backend, const WorkloadInput& input,
                        Measurement* out) {
  ChannelReport report;
  return TimedLoop(
      input, "channel report",
      [&](size_t, uint64_t* rows, uint64_t* check) {
        Status s =
            backend->GetChannelReport(kReportFromMs, kReportToMs, &report);
        if (!s.ok()) return s;
        *rows += report.rows.size();
        // The fields every backend fills (Backend::GetChannelReport).
        for (const ChannelReportRow& r : report.rows) {
          uint64_t c = *check;
          c = Mix(c, r.channel_id);
          c = Mix(c, r.revenue_minor);
          c = Mix(c, r.orders);
          c = Mix(c, r.buying_customers);
          c = Mix(c, r.new_customers);
          c = Mix(c, r.interactions);
          c = Mix(c, r.complaints_opened);
          c = Mix(c, r.complaints_resolved);
          c = MixRounded(c, r.avg_satisfaction);
          *check = MixRounded(c, r.nps);
        }
        return Status::OK();
      },
      out);
}

Status RunRescoreFull(Backend* backend, const WorkloadInput& input,
                      Measurement* out) {
  RescoreReport report;
  Status s = TimedLoop(
      input, "full rescore",
      [&](size_t, uint64_t*, uint64_t*) {
        return backend->Rescore(kTieringAsOfMs, /*full=*/true, &report);
      },
      out);
  out->note = "rescored " + std::to_string(report.examined) + " customers";
  return s;
}

Status RunRescoreDay(Backend* backend, const WorkloadInput& input,
                     Measurement* out) {
  RescoreReport report;
  Status s = backend->Rescore(kTieringAsOfMs, /*full=*/true, &report);
  if (!s.ok()) return Status(s.code(), "full rescore first: " + s.message());
  // Operation i rescores as of day i + 1 after the full rescore.
  s = TimedLoop(
      input, "one-day rescore",
      [&](size_t i, uint64_t*, uint64_t*) {
        const int64_t as_of =
            kTieringAsOfMs + static_cast<int64_t>(i + 1) * kDayMs;
        return backend->Rescore(as_of, /*full=*/false, &report);
      },
      out);
  out->note =
      "the last one rescored " + std::to_string(report.examined) + " customers";
  return s;
}

}  // namespace bench
}  // namespace custdb
