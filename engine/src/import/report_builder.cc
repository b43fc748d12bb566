// ReportBuilder: counters, skip reasons and failures of an import.
#include "import/report_builder.h"

#include <algorithm>
#include <utility>

namespace custdb {
namespace import {
namespace {

// Inserts `item` into `list`, kept sorted by `before` and at most `max`
// long, so that it ends up holding the first `max` items whatever order
// they came in. Equal places keep their arrival order.
template <typename T, typename Before>
void KeepFirst(std::vector<T>* list, T item, size_t max, Before before) {
  if (max == 0) return;
  auto it = std::upper_bound(list->begin(), list->end(), item, before);
  if (list->size() == max) {
    if (it == list->end()) return;
    list->pop_back();
  }
  list->insert(it, std::move(item));
}

}  // namespace

ReportBuilder::ReportBuilder(ImportReport* report, const ImportOptions& options)
    : report_(report),
      options_(options),
      start_(std::chrono::steady_clock::now()) {
  *report_ = ImportReport();
}

size_t ReportBuilder::FileIndex(const std::string& file) const {
  // Usually the file being read, the last one.
  for (size_t i = files_.size(); i > 0; --i) {
    if (files_[i - 1] == file) return i - 1;
  }
  return files_.size();
}

bool ReportBuilder::Before(const SourceLine& a, const SourceLine& b) const {
  if (a.file != b.file) return FileIndex(a.file) < FileIndex(b.file);
  return a.line < b.line;
}

void ReportBuilder::RowRead(const SourceLine& where) {
  if (files_.empty() || files_.back() != where.file) {
    if (FileIndex(where.file) == files_.size()) files_.push_back(where.file);
  }
  ++report_->rows_read;
  const int64_t lines =
      where.last_line > where.line ? where.last_line - where.line + 1 : 1;
  report_->row_lines += lines;
  if (lines > 1) {
    ++report_->multiline_rows;
    if (report_->first_multiline_rows.size() < options_.max_skip_lines) {
      report_->first_multiline_rows.push_back(where);
    }
  }
}

void ReportBuilder::HeaderRead(const CsvRecord& header) {
  report_->header_lines += header.last_line - header.line + 1;
}

void ReportBuilder::FileRead(const CsvReader& reader) {
  report_->lines_read += reader.lines();
  report_->blank_lines += reader.blank_lines();
}

void ReportBuilder::Skip(const char* reason, const SourceLine& where) {
  ++report_->rows_skipped;
  auto before = [this](const SourceLine& a, const SourceLine& b) {
    return Before(a, b);
  };
  for (ImportSkip& skip : report_->skips) {
    if (skip.reason == reason) {
      ++skip.rows;
      KeepFirst(&skip.first_lines, where, options_.max_skip_lines, before);
      return;
    }
  }
  ImportSkip skip;
  skip.reason = reason;
  skip.rows = 1;
  KeepFirst(&skip.first_lines, where, options_.max_skip_lines, before);
  report_->skips.push_back(std::move(skip));
}

void ReportBuilder::Fail(const SourceLine& where, Status status) {
  ++report_->rows_failed;
  KeepFirst(&report_->failures, ImportFailure{where, std::move(status)},
            options_.max_failures,
            [this](const ImportFailure& a, const ImportFailure& b) {
              return Before(a.where, b.where);
            });
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
