// ReportBuilder: the one place where an import counts lines and rows, so
// that every physical line ends as a header, blank or row line and every
// row read as exactly one of imported, skipped or failed.
#ifndef CUSTDB_IMPORT_REPORT_BUILDER_H_
#define CUSTDB_IMPORT_REPORT_BUILDER_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "custdb/import.h"
#include "import/csv_reader.h"

namespace custdb {
namespace import {

class ReportBuilder {
 public:
  // Clears `report`; it must outlive the builder.
  ReportBuilder(ImportReport* report, const ImportOptions& options);

  ImportReport& report() { return *report_; }

  // A data row (its span: where.line..where.last_line) was read. Files
  // must be read one after the other: the order in which they are first
  // named here orders the failures.
  void RowRead(const SourceLine& where);
  // The header record of a file: its lines are header lines.
  void HeaderRead(const CsvRecord& header);
  // The reader of a file is done (at its end, or stopped): adds its lines
  // and blank lines.
  void FileRead(const CsvReader& reader);
  void Imported(int64_t rows) { report_->rows_imported += rows; }
  // One row skipped for a documented reason (kSkip*).
  void Skip(const char* reason, const SourceLine& where);
  // One row failed for `status`. Failures may come out of line order (rows
  // fail when read, or later when their batch is written); the list keeps
  // the first max_failures in line order.
  void Fail(const SourceLine& where, Status status);

  // Sets elapsed_seconds from the builder's creation to now.
  void Finish();

  // Reports progress if a callback is set.
  void Progress(const std::string& file, const char* stage, uint64_t bytes_read,
                uint64_t bytes_total, int64_t records_written,
                int64_t records_total) const;

 private:
  // Orders places by file (in reading order), then line.
  bool Before(const SourceLine& a, const SourceLine& b) const;
  size_t FileIndex(const std::string& file) const;

  ImportReport* report_;
  const ImportOptions& options_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::string> files_;  // in reading order
};

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_REPORT_BUILDER_H_
