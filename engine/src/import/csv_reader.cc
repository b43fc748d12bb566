// The CSV state machine: one byte at a time, so the result never depends on
// how the source splits its input.
#include "import/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace custdb {
namespace import {
namespace {

constexpr size_t kBufferBytes = 1u << 16;
constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

}  // namespace

ByteSource StringSource(std::string_view data, size_t max_piece) {
  return [data, max_piece, offset = size_t{0}](
             char* buf, size_t capacity) mutable -> Result<size_t> {
    const size_t n = std::min({capacity, max_piece, data.size() - offset});
    std::memcpy(buf, data.data() + offset, n);
    offset += n;
    return n;
  };
}

CsvReader::CsvReader(ByteSource source, CsvLimits limits)
    : source_(std::move(source)), limits_(limits), buf_(kBufferBytes) {}

Result<bool> CsvReader::Refill() {
  for (;;) {
    pos_ = 0;
    end_ = 0;
    if (eof_) return false;
    // The first fill gathers at least 3 bytes, so a byte order mark split
    // across pieces is still seen whole.
    const size_t want = bom_checked_ ? 1 : 3;
    while (end_ < want) {
      const size_t capacity = buf_.size() - end_;
      Result<size_t> n = source_(buf_.data() + end_, capacity);
      if (!n.ok()) {
        eof_ = true;
        return n.status();
      }
      if (*n > capacity) {
        eof_ = true;
        return Status::Internal("csv: byte source returned more than asked");
      }
      if (*n == 0) {
        eof_ = true;
        break;
      }
      end_ += *n;
    }
    if (!bom_checked_) {
      bom_checked_ = true;
      if (end_ >= 3 && std::memcmp(buf_.data(), kUtf8Bom, 3) == 0) pos_ = 3;
    }
    if (pos_ < end_) return true;
  }
}

void CsvReader::StartRecord(CsvRecord* record) {
  state_ = State::kFieldStart;
  num_fields_ = 0;
  record_bytes_ = 0;
  field_quoted_ = false;
  discarding_ = false;
  record->line = line_;
  record->error = Status::OK();
}

void CsvReader::Fail(CsvRecord* record, std::string message) {
  if (record->error.ok()) {
    record->error = Status::InvalidArgument(std::move(message));
  }
  discarding_ = true;
}

void CsvReader::StartField(CsvRecord* record) {
  field_quoted_ = false;
  if (!discarding_ && num_fields_ == limits_.max_fields) {
    Fail(record, "record has more than " + std::to_string(limits_.max_fields) +
                     " fields");
  }
  ++num_fields_;
  if (discarding_) return;
  if (num_fields_ <= record->fields.size()) {
    record->fields[num_fields_ - 1].clear();
  } else {
    record->fields.emplace_back();
  }
}

void CsvReader::Append(CsvRecord* record, char c) {
  if (discarding_) return;
  if (++record_bytes_ > limits_.max_record_bytes) {
    Fail(record, "record is longer than " +
                     std::to_string(limits_.max_record_bytes) + " bytes");
    return;
  }
  record->fields[num_fields_ - 1].push_back(c);
}

bool CsvReader::EndRecord(CsvRecord* record) {
  if (discarding_) {
    record->fields.clear();
    return true;
  }
  record->fields.resize(num_fields_);
  std::string& last = record->fields.back();
  // The CR of a CRLF line end; inside quotes it would be data.
  if (!field_quoted_ && !last.empty() && last.back() == '\r') last.pop_back();
  return !(num_fields_ == 1 && !field_quoted_ && last.empty());
}

Result<bool> CsvReader::Next(CsvRecord* record) {
  StartRecord(record);
  int64_t quote_line = 0;  // where the open quoted field started
  for (;;) {
    if (pos_ == end_) {
      Result<bool> more = Refill();
      if (!more.ok()) return more.status();
      if (*more) continue;
      // End of input: complete whatever the record holds.
      switch (state_) {
        case State::kFieldStart:
          if (num_fields_ == 0) return false;
          break;
        case State::kQuoted:
          Fail(record, "field " + std::to_string(num_fields_) +
                           ": quoted field starting on line " +
                           std::to_string(quote_line) + " never ends");
          break;
        default:
          break;
      }
      // The next call starts afresh and finds the input at its end.
      return EndRecord(record);
    }
    const char c = buf_[pos_++];
    if (c == '\n') ++line_;
    switch (state_) {
      case State::kFieldStart:
        if (num_fields_ == 0) StartField(record);
        if (c == '"') {
          field_quoted_ = true;
          quote_line = line_;
          state_ = State::kQuoted;
        } else if (c == ',') {
          StartField(record);
        } else if (c == '\n') {
          if (EndRecord(record)) return true;
          StartRecord(record);  // a blank line
        } else {
          Append(record, c);
          state_ = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (c == ',') {
          StartField(record);
          state_ = State::kFieldStart;
        } else if (c == '\n') {
          if (EndRecord(record)) return true;
          StartRecord(record);
        } else if (c == '"') {
          Fail(record, "field " + std::to_string(num_fields_) +
                           ": quote inside an unquoted field");
          state_ = State::kSkipLine;
        } else {
          Append(record, c);
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteQuoted;
        } else {
          Append(record, c);
        }
        break;
      case State::kQuoteQuoted:
        if (c == '"') {  // a doubled quote stands for one
          Append(record, c);
          state_ = State::kQuoted;
        } else if (c == ',') {
          StartField(record);
          state_ = State::kFieldStart;
        } else if (c == '\n') {
          EndRecord(record);
          return true;
        } else if (c == '\r') {
          state_ = State::kClosedCr;
        } else {
          Fail(record, "field " + std::to_string(num_fields_) +
                           ": text after the closing quote");
          state_ = State::kSkipLine;
        }
        break;
      case State::kClosedCr:
        if (c == '\n') {
          EndRecord(record);
          return true;
        }
        Fail(record, "field " + std::to_string(num_fields_) +
                         ": text after the closing quote");
        state_ = State::kSkipLine;
        break;
      case State::kSkipLine:
        if (c == '\n') {
          EndRecord(record);
          return true;
        }
        break;
    }
  }
}

}  // namespace import
}  // namespace custdb
