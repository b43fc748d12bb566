// Progress lines, JSON lines and the side-by-side table.
#include "report.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace custdb {
namespace bench {
namespace {

constexpr const char* kBaseline = "sqlite";

// Names in first-seen order.
template <typename Field>
std::vector<std::string> Distinct(const std::vector<ResultRow>& rows,
                                  Field field) {
  std::vector<std::string> names;
  for (const ResultRow& r : rows) {
    const std::string& name = r.*field;
    bool seen = false;
    for (const std::string& n : names) seen |= n == name;
    if (!seen) names.push_back(name);
  }
  return names;
}

const char* LatencyPer(const Measurement& m) {
  return m.ops_per_call == 1 ? "op" : "batch";
}

}  // namespace

double OpsPerSecond(const Measurement& m) {
  return m.seconds > 0 ? m.ops / m.seconds : 0.0;
}

void Report::Add(const ResultRow& row) {
  rows_.push_back(row);
  const Measurement& m = row.measurement;
  if (!row.status.ok()) {
    std::fprintf(stderr, "custdb-bench: %-7s %-17s FAILED: %s\n",
                 row.backend.c_str(), row.workload.c_str(),
                 row.status.ToString().c_str());
    if (json_) {
      nlohmann::json j = {{"backend", row.backend},
                          {"workload", row.workload},
                          {"error", row.status.ToString()},
                          {"scale", data_.scale},
                          {"seed", data_.seed}};
      std::cout << j.dump() << std::endl;
    }
    return;
  }
  std::fprintf(stderr,
               "custdb-bench: %-7s %-17s %9llu ops, %zu thread(s), in %7.2f s "
               "(cpu %.2f s) = %10.0f ops/s; per %s p50 %.1f us, p99 %.1f "
               "us\n",
               row.backend.c_str(), row.workload.c_str(),
               static_cast<unsigned long long>(m.ops), m.threads, m.seconds,
               m.cpu_seconds, OpsPerSecond(m), LatencyPer(m), m.latency.p50_us,
               m.latency.p99_us);
  if (!m.note.empty()) {
    std::fprintf(stderr, "custdb-bench: %-7s %-17s %s\n", row.backend.c_str(),
                 row.workload.c_str(), m.note.c_str());
  }
  if (!json_) return;
  nlohmann::json j = {
      {"backend", row.backend},
      {"workload", row.workload},
      {"threads", m.threads},
      {"ops", m.ops},
      {"ops_per_s", OpsPerSecond(m)},
      {"p50_us", m.latency.p50_us},
      {"p99_us", m.latency.p99_us},
      {"p999_us", m.latency.p999_us},
      {"max_us", m.latency.max_us},
      {"mean_us", m.latency.mean_us},
      {"latency_per", LatencyPer(m)},
      {"ops_per_call", m.ops_per_call},
      {"seconds", m.seconds},
      {"cpu_s", m.cpu_seconds},
      {"rows", m.rows},
      {"check", m.check},
      {"scale", data_.scale},
      {"seed", data_.seed},
      {"customers", data_.customers},
      {"orders", data_.orders},
      {"interactions", data_.interactions},
  };
  if (!m.note.empty()) j["note"] = m.note;
  std::cout << j.dump() << std::endl;
}

const ResultRow* Report::Find(const std::string& workload,
                              const std::string& backend) const {
  for (const ResultRow& r : rows_) {
    if (r.workload == workload && r.backend == backend) return &r;
  }
  return nullptr;
}

void Report::PrintTable(std::FILE* out) const {
  std::fprintf(out,
               "data: scale %g, seed %llu: %zu channels, %zu customers, %zu "
               "orders, %zu interactions; the top 20%% of customers bring "
               "%.1f%% of revenue\n\n",
               data_.scale, static_cast<unsigned long long>(data_.seed),
               data_.channels, data_.customers, data_.orders,
               data_.interactions, 100.0 * data_.top20_revenue_share);
  std::fprintf(out, "%-17s %-8s %7s %9s %7s %7s %10s %9s %9s %9s %-5s %9s\n",
               "workload", "backend", "threads", "ops", "seconds", "cpu_s",
               "ops/s", "p50_us", "p99_us", "p999_us", "per", "vs_sqlite");
  const std::vector<std::string> backends =
      Distinct(rows_, &ResultRow::backend);
  for (const std::string& workload : Distinct(rows_, &ResultRow::workload)) {
    const ResultRow* baseline = Find(workload, kBaseline);
    for (const std::string& backend : backends) {
      const ResultRow* r = Find(workload, backend);
      if (r == nullptr) continue;
      if (!r->status.ok()) {
        std::fprintf(out, "%-17s %-8s FAILED (%s)\n", workload.c_str(),
                     backend.c_str(), r->status.ToString().c_str());
        continue;
      }
      const Measurement& m = r->measurement;
      char ratio[32] = "-";
      if (baseline != nullptr && r != baseline && baseline->status.ok() &&
          OpsPerSecond(baseline->measurement) > 0) {
        std::snprintf(ratio, sizeof(ratio), "%.2fx",
                      OpsPerSecond(m) / OpsPerSecond(baseline->measurement));
      }
      std::fprintf(out,
                   "%-17s %-8s %7zu %9llu %7.2f %7.2f %10.0f %9.1f %9.1f "
                   "%9.1f %-5s %9s\n",
                   workload.c_str(), backend.c_str(), m.threads,
                   static_cast<unsigned long long>(m.ops), m.seconds,
                   m.cpu_seconds, OpsPerSecond(m), m.latency.p50_us,
                   m.latency.p99_us, m.latency.p999_us, LatencyPer(m), ratio);
    }
  }
}

std::vector<std::string> Report::Mismatches() const {
  std::vector<std::string> out;
  for (const ResultRow& r : rows_) {
    for (const ResultRow& other : rows_) {
      if (&other == &r) break;  // compare each pair once
      if (other.workload != r.workload) continue;
      if (!other.status.ok() || !r.status.ok()) continue;
      const Measurement& a = other.measurement;
      const Measurement& b = r.measurement;
      if (a.rows == b.rows && a.check == b.check) continue;
      out.push_back(r.workload + ": " + other.backend + " read " +
                    std::to_string(a.rows) + " rows (digest " +
                    std::to_string(a.check) + "), " + r.backend + " read " +
                    std::to_string(b.rows) + " rows (digest " +
                    std::to_string(b.check) + ")");
    }
  }
  return out;
}

std::vector<std::string> Report::Failures() const {
  std::vector<std::string> out;
  for (const ResultRow& r : rows_) {
    if (!r.status.ok()) {
      out.push_back(r.backend + " " + r.workload + ": " + r.status.ToString());
    }
  }
  return out;
}

}  // namespace bench
}  // namespace custdb
