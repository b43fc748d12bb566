// CsvReader: RFC 4180 records pulled one at a time from a stream of bytes.
//
// Quoted fields may hold commas and doubled quotes, and line breaks only
// when CsvOptions::allow_multiline_fields is set; lines end in LF or CRLF;
// a UTF-8 byte order mark at the very start is dropped; blank lines are
// skipped (and counted). A malformed record (a quote inside an unquoted
// field, text after a closing quote, a quoted field still open at the end
// of its line or, for multi-line fields, of the input, a record over the
// size limits) is returned with an error and reading goes on at the next
// line break, so one bad record costs only itself. Every physical line is
// accounted for: lines() == blank_lines() + the sum over the records
// returned of (last_line - line + 1). The reader knows nothing of headers
// or field counts: its callers check them.
#ifndef CUSTDB_IMPORT_CSV_READER_H_
#define CUSTDB_IMPORT_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "custdb/status.h"

namespace custdb {
namespace import {

// Fills `buf` with up to `capacity` (> 0) bytes and returns how many it
// wrote; 0 means end of input. An error status ends the reading.
using ByteSource = std::function<Result<size_t>(char* buf, size_t capacity)>;

// A source that returns the bytes of `data` (which must outlive it) in
// pieces of at most `max_piece` bytes; tests and fuzzers use small pieces
// to prove that the reader does not depend on how input is split.
ByteSource StringSource(std::string_view data, size_t max_piece = SIZE_MAX);

struct CsvRecord {
  // 1-based physical lines on which the record starts and ends; they
  // differ only for a quoted field spanning line breaks (allowed or not:
  // a record failed for a field open at the end of the input ends there).
  int64_t line = 0;
  int64_t last_line = 0;
  // The fields, unquoted. Not meaningful when `error` is set.
  std::vector<std::string> fields;
  // Not ok (kInvalidArgument) when the record is malformed; the message
  // names the fault, e.g. "field 3: quote inside an unquoted field".
  Status error;
};

struct CsvOptions {
  // A record whose fields add up to more bytes is an error.
  size_t max_record_bytes = 1u << 20;
  // A record with more fields is an error.
  size_t max_fields = 1024;
  // Whether a quoted field may hold line breaks. When false, a quoted
  // field still open at a line break fails its record ("field N: quoted
  // field not closed before the end of the line") and the next physical
  // line is read afresh, so a stray quote costs one line, never the lines
  // after it. When true, the field goes on to its closing quote and the
  // record's span (line..last_line) says how far.
  bool allow_multiline_fields = false;
};

// Not thread-safe; one reader per stream.
class CsvReader {
 public:
  explicit CsvReader(ByteSource source, CsvOptions options = CsvOptions());

  // Reads the next record into `*record` (reusing its storage) and returns
  // true, or returns false at the end of input. Returns the source's error
  // status if reading the bytes failed; the reader is then finished.
  Result<bool> Next(CsvRecord* record);

  // Physical lines read so far (all of them once Next returned false); a
  // last line without a line break counts, an empty input has none.
  int64_t lines() const { return at_line_start_ ? line_ - 1 : line_; }
  // Blank lines (empty, or a lone CR) skipped so far.
  int64_t blank_lines() const { return blank_lines_; }

 private:
  enum class State {
    kFieldStart,   // before the first byte of a field
    kUnquoted,     // inside a field that does not start with a quote
    kQuoted,       // inside a quoted field
    kQuoteQuoted,  // after a quote inside a quoted field
    kClosedCr,     // after a CR that follows a closing quote
    kSkipLine,     // after an error: discarding up to the line break
  };

  // Fills the buffer; false at end of input.
  Result<bool> Refill();
  void StartRecord(CsvRecord* record);
  void StartField(CsvRecord* record);
  void Append(CsvRecord* record, char c);
  void Fail(CsvRecord* record, std::string message);
  // The error for a quoted field open at a line break (or the end of the
  // input) when fields may not span lines.
  std::string QuoteOpenAtLineEnd() const;
  // A multi-line quoted field failed (stray_ says how): fails the record on
  // its lines up to the quote's and rewinds to the line after it.
  void TakeAsStrayQuote(CsvRecord* record);
  void StopRecording();
  // Completes the record at a line break or the end of input. Returns
  // false when it was a blank line, which is not returned to the caller.
  bool EndRecord(CsvRecord* record);

  ByteSource source_;
  CsvOptions options_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool bom_checked_ = false;

  State state_ = State::kFieldStart;
  int64_t line_ = 1;           // the physical line of the next byte
  bool at_line_start_ = true;  // no byte of line_ has been read
  int64_t blank_lines_ = 0;
  size_t num_fields_ = 0;      // fields begun in the current record
  size_t record_bytes_ = 0;    // bytes kept in the current record
  bool field_quoted_ = false;  // the current field started with a quote
  bool discarding_ = false;    // the record is in error; keep no bytes
  int64_t quote_line_ = 0;     // where the current quoted field started

  // A quoted field past its first line break: the bytes after that line
  // break (at most max_record_bytes + 1), and once it failed, how.
  bool recording_ = false;
  std::string replay_;
  std::string stray_;
};

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_CSV_READER_H_
