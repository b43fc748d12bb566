// ReportBuilder: counters, skip reasons and failures of an import.
#include "import/report_builder.h"

#include <utility>

namespace custdb {
namespace import {

ReportBuilder::ReportBuilder(ImportReport* report, const ImportOptions& options)
    : report_(report),
      options_(options),
      start_(std::chrono::steady_clock::now()) {
  *report_ = ImportReport();
}

void ReportBuilder::Skip(const char* reason, const SourceLine& where) {
  ++report_->rows_skipped;
  for (ImportSkip& skip : report_->skips) {
    if (skip.reason == reason) {
      ++skip.rows;
      if (skip.first_lines.size() < options_.max_skip_lines) {
        skip.first_lines.push_back(where);
      }
      return;
    }
  }
  ImportSkip skip;
  skip.reason = reason;
  skip.rows = 1;
  if (options_.max_skip_lines > 0) skip.first_lines.push_back(where);
  report_->skips.push_back(std::move(skip));
}

void ReportBuilder::Fail(const SourceLine& where, Status status, int64_t rows) {
  report_->rows_failed += rows;
  if (report_->failures.size() < options_.max_failures) {
    report_->failures.push_back(ImportFailure{where, std::move(status)});
  }
}

void ReportBuilder::Finish() {
  report_->elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
}

void ReportBuilder::Progress(const std::string& file, const char* stage,
                             uint64_t bytes_read, uint64_t bytes_total,
                             int64_t records_written,
                             int64_t records_total) const {
  if (!options_.progress) return;
  ImportProgress progress;
  progress.file = file;
  progress.stage = stage;
  progress.rows_read = report_->rows_read;
  progress.bytes_read = bytes_read;
  progress.bytes_total = bytes_total;
  progress.records_written = records_written;
  progress.records_total = records_total;
  options_.progress(progress);
}

}  // namespace import
}  // namespace custdb
