// Bulk import of CSV files into a custdb database: the custdb CSV formats
// (channels, customers, orders, interactions) and the UCI Online Retail
// data set. Formats, mappings and skip reasons are documented in
// docs/IMPORT.md.
//
// An import never stops at a bad row: it reports the row (file, line and
// a message naming the field and value) and goes on. Rows that are skipped
// for a documented reason (a missing CustomerID, a record imported before)
// are counted apart from failures. Every physical line of every file read
// is accounted for (ImportReport::lines_read). Importing the same files
// twice is safe: the second run adds nothing and counts every row as a
// duplicate. A row whose id is stored under a different record
// (docs/IMPORT.md, "Ids and duplicates") is a failure, never a duplicate.
//
// Crash safety: every batch is one atomic commit through the write-ahead
// log, so an import killed at any moment (SIGKILL, power loss) leaves a
// database that verifies clean and holds a prefix of the import's batches;
// running the same import again skips that prefix as duplicates and
// writes the rest, ending with the database an uninterrupted import gives
// (for customer ids, see docs/IMPORT.md, "Crash-safe").
#ifndef CUSTDB_IMPORT_H_
#define CUSTDB_IMPORT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "custdb/status.h"

namespace custdb {

// Documented skip reasons (ImportSkip::reason).
// Online Retail: the row has an empty CustomerID.
inline constexpr char kSkipMissingCustomerId[] = "missing CustomerID";
// The row's record is already in the database (a re-import): same id and
// the same lifelong fields.
inline constexpr char kSkipDuplicate[] = "duplicate (already imported)";

// Where a row is: the file as given and its 1-based physical line; for a
// row whose quoted field spans line breaks, also its last line.
struct SourceLine {
  std::string file;
  int64_t line = 0;
  int64_t last_line = 0;  // 0 (or `line`): the row is on one line
};

// Rows skipped for one documented reason.
struct ImportSkip {
  std::string reason;
  int64_t rows = 0;
  // The first few (ImportOptions::max_skip_lines), in line order.
  std::vector<SourceLine> first_lines;
};

// A row that failed: its place and why (kInvalidArgument for bad input,
// else the engine's status for the rejected record). One per row, so that
// every failed row is listed with its own line.
struct ImportFailure {
  SourceLine where;
  Status status;
};

struct ImportReport {
  // Physical lines of the files read (a last line without a line break
  // counts). Each is exactly one of a header line, a blank line or a line
  // of a data row: lines_read == header_lines + blank_lines + row_lines.
  int64_t lines_read = 0;
  int64_t header_lines = 0;
  int64_t blank_lines = 0;  // empty, or a lone CR; skipped
  // Lines of data rows: rows_read plus the lines that multi-line rows take
  // beyond their first.
  int64_t row_lines = 0;
  // Data rows with a quoted field spanning line breaks (custdb CSV only:
  // in Online Retail such a field fails its own line), and the first few
  // (ImportOptions::max_skip_lines) with their spans.
  int64_t multiline_rows = 0;
  std::vector<SourceLine> first_multiline_rows;

  // Data rows read (header lines are not rows).
  int64_t rows_read = 0;
  // Rows whose data is now in the database.
  int64_t rows_imported = 0;
  // Rows skipped for a documented reason (the sum over `skips`).
  int64_t rows_skipped = 0;
  // Rows that failed; the import went on without them.
  int64_t rows_failed = 0;

  // Records written by this import.
  int64_t channels_written = 0;  // created or replaced
  int64_t customers_created = 0;
  int64_t customers_found = 0;  // Online Retail: existing, found by code
  int64_t orders_created = 0;   // sale orders
  int64_t credit_notes_created = 0;
  int64_t interactions_created = 0;

  std::vector<ImportSkip> skips;  // one per reason, in first-seen order
  // The first ImportOptions::max_failures failures in line order (files
  // in the order they were imported); rows_failed counts them all, so
  // rows_failed - failures.size() were left out of the list.
  std::vector<ImportFailure> failures;

  double elapsed_seconds = 0;

  // The import stopped early because ImportOptions::stop was set. The
  // rows it did not get to are in no counter; for Online Retail, which
  // reads every row before it writes, they may include rows read.
  bool interrupted = false;

  // True when no row failed (skipped rows are fine).
  bool ok() const { return rows_failed == 0; }
};

// A snapshot handed to ImportOptions::progress.
struct ImportProgress {
  std::string file;     // the file being read
  const char* stage;    // "reading" or "writing"
  int64_t rows_read;    // data rows read so far, over all files
  uint64_t bytes_read;  // of `file` (compressed bytes for .gz)
  uint64_t bytes_total;
  int64_t records_written;  // while "writing": records done of
  int64_t records_total;    // records_total (0 when unknown)
};

struct ImportOptions {
  // Records per Engine::ApplyBatch call (one atomic commit). 1..100,000.
  size_t batch_size = 1000;
  // Line numbers kept per skip reason, and multi-line rows listed.
  size_t max_skip_lines = 5;
  // Failures kept with their message (ImportReport::failures).
  size_t max_failures = 100;
  // Called every few thousand rows and at each change of stage, from the
  // importing thread; may be empty.
  std::function<void(const ImportProgress&)> progress;
  // When set, polled before each row and record is handled; once it reads
  // true the import commits what it has queued, handles nothing more,
  // flushes and returns kCancelled with report->interrupted set. May be
  // set from a signal handler.
  const std::atomic<bool>* stop = nullptr;
};

// Imports custdb CSV files (docs/IMPORT.md, "custdb CSV"), in which quoted
// fields may span lines (a note, a name). Each file's
// header names its columns and so its record kind; files are applied
// channels, then customers, then orders, then interactions, in argument
// order within a kind. Every file is opened and its header checked before
// anything is written.
//
// Returns ok when the import ran to the end, whether or not rows failed
// (see report->ok()). Returns kInvalidArgument for an empty `paths`, an
// invalid header or batch_size, kIOError for a file that cannot be opened
// or read (the message names it), kCancelled when options.stop was set,
// or the engine's status if a batch could not be committed; then the
// import stopped and `report` describes what was done. Writes through the
// WAL (with the engine's Options::sync) and calls engine.Flush() at the
// end, also when it stopped early. Not safe to run two imports into one
// engine at once.
Status ImportCustdbCsv(Engine& engine, const std::vector<std::string>& paths,
                       const ImportOptions& options, ImportReport* report);

// Imports the UCI Online Retail CSV at `path` (plain or gzip-compressed;
// docs/IMPORT.md, "Online Retail"): channel 1 "online", one customer per
// CustomerID (its code), one order per invoice, credit notes for invoices
// "C…". A quoted field may not span lines: a quote still open at the end
// of a line fails that line only. Requires a database whose base currency is
// GBP (kFailedPrecondition otherwise, and if channel 1 exists as anything but
// an ecommerce channel named "online"). Other errors and the report as for
// ImportCustdbCsv.
Status ImportOnlineRetail(Engine& engine, const std::string& path,
                          const ImportOptions& options, ImportReport* report);

// Check what ImportCustdbCsv and ImportOnlineRetail check before they
// write anything (batch size, at least one file, each file readable and its
// header valid), without a database, so that a command can refuse a bad
// import before it creates or opens one. Same statuses as the imports.
Status CheckCustdbCsvInput(const std::vector<std::string>& paths,
                           const ImportOptions& options);
Status CheckOnlineRetailInput(const std::string& path,
                              const ImportOptions& options);

// The order id of Online Retail invoice `number`: the number itself for an
// invoice, 2^62 + number for a credit note ("C" + number).
uint64_t OnlineRetailOrderId(uint64_t number, bool credit_note);

}  // namespace custdb

#endif  // CUSTDB_IMPORT_H_
