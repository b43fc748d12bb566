// CsvReader: RFC 4180 records pulled one at a time from a stream of bytes.
//
// Quoted fields may hold commas, doubled quotes and line breaks; lines end
// in LF or CRLF; a UTF-8 byte order mark at the very start is dropped;
// blank lines are skipped. A malformed record (a quote inside an unquoted
// field, text after a closing quote, a quoted field that never ends, a
// record over the size limits) is returned with an error and reading goes
// on at the next line break, so one bad record costs only itself. The
// reader knows nothing of headers or field counts: its callers check them.
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
  // 1-based physical line on which the record starts.
  int64_t line = 0;
  // The fields, unquoted. Not meaningful when `error` is set.
  std::vector<std::string> fields;
  // Not ok (kInvalidArgument) when the record is malformed; the message
  // names the fault, e.g. "field 3: quote inside an unquoted field".
  Status error;
};

struct CsvLimits {
  // A record whose fields add up to more bytes is an error.
  size_t max_record_bytes = 1u << 20;
  // A record with more fields is an error.
  size_t max_fields = 1024;
};

// Not thread-safe; one reader per stream.
class CsvReader {
 public:
  explicit CsvReader(ByteSource source, CsvLimits limits = CsvLimits());

  // Reads the next record into `*record` (reusing its storage) and returns
  // true, or returns false at the end of input. Returns the source's error
  // status if reading the bytes failed; the reader is then finished.
  Result<bool> Next(CsvRecord* record);

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
  // Completes the record at a line break or the end of input. Returns
  // false when it was a blank line, which is not returned to the caller.
  bool EndRecord(CsvRecord* record);

  ByteSource source_;
  CsvLimits limits_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool bom_checked_ = false;

  State state_ = State::kFieldStart;
  int64_t line_ = 1;           // the physical line of the next byte
  size_t num_fields_ = 0;      // fields begun in the current record
  size_t record_bytes_ = 0;    // bytes kept in the current record
  bool field_quoted_ = false;  // the current field started with a quote
  bool discarding_ = false;    // the record is in error; keep no bytes
};

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_CSV_READER_H_
