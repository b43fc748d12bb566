// ReportBuilder: the one place where an import counts rows as imported,
// skipped or failed, so that every row read ends in exactly one of them.
#ifndef CUSTDB_IMPORT_REPORT_BUILDER_H_
#define CUSTDB_IMPORT_REPORT_BUILDER_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "custdb/import.h"

namespace custdb {
namespace import {

class ReportBuilder {
 public:
  // Clears `report`; it must outlive the builder.
  ReportBuilder(ImportReport* report, const ImportOptions& options);

  ImportReport& report() { return *report_; }

  void RowRead() { ++report_->rows_read; }
  void Imported(int64_t rows) { report_->rows_imported += rows; }
  // One row skipped for a documented reason (kSkip*).
  void Skip(const char* reason, const SourceLine& where);
  // `rows` rows failed for `status`, reported once at `where`.
  void Fail(const SourceLine& where, Status status, int64_t rows = 1);

  // Sets elapsed_seconds from the builder's creation to now.
  void Finish();

  // Reports progress if a callback is set.
  void Progress(const std::string& file, const char* stage, uint64_t bytes_read,
                uint64_t bytes_total, int64_t records_written,
                int64_t records_total) const;

 private:
  ImportReport* report_;
  const ImportOptions& options_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_REPORT_BUILDER_H_
