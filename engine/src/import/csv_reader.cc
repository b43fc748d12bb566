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

CsvReader::CsvReader(ByteSource source, CsvOptions options)
    : source_(std::move(source)), options_(options), buf_(kBufferBytes) {}

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
  StopRecording();
  record->line = line_;
  record->last_line = line_;
  record->error = Status::OK();
}

void CsvReader::StopRecording() {
  recording_ = false;
  replay_.clear();
  stray_.clear();
}

void CsvReader::Fail(CsvRecord* record, std::string message) {
  if (record->error.ok()) {
    record->error = Status::InvalidArgument(std::move(message));
  }
  discarding_ = true;
}

std::string CsvReader::QuoteOpenAtLineEnd() const {
  return "field " + std::to_string(num_fields_) +
         ": quoted field not closed before the end of the line";
}

void CsvReader::StartField(CsvRecord* record) {
  field_quoted_ = false;
  if (!discarding_ && num_fields_ == options_.max_fields) {
    Fail(record, "record has more than " + std::to_string(options_.max_fields) +
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
  if (++record_bytes_ > options_.max_record_bytes) {
    if (recording_) {
      stray_ = "makes the record longer than " +
               std::to_string(options_.max_record_bytes) + " bytes";
    } else {
      Fail(record, "record is longer than " +
                       std::to_string(options_.max_record_bytes) + " bytes");
    }
    return;
  }
  record->fields[num_fields_ - 1].push_back(c);
}

bool CsvReader::EndRecord(CsvRecord* record) {
  record->last_line = lines();
  if (discarding_) {
    record->fields.clear();
    return true;
  }
  record->fields.resize(num_fields_);
  std::string& last = record->fields.back();
  // The CR of a CRLF line end; inside quotes it would be data.
  if (!field_quoted_ && !last.empty() && last.back() == '\r') last.pop_back();
  const bool blank = num_fields_ == 1 && !field_quoted_ && last.empty();
  if (blank) ++blank_lines_;
  return !blank;
}

void CsvReader::TakeAsStrayQuote(CsvRecord* record) {
  Fail(record, "field " + std::to_string(num_fields_) +
                   ": quoted field starting on line " +
                   std::to_string(quote_line_) + " " + stray_ +
                   " (taken for a stray quote: reading resumes on line " +
                   std::to_string(quote_line_ + 1) + ")");
  // The bytes after the quote's line, then the rest of the buffer.
  std::vector<char> rest(replay_.begin(), replay_.end());
  rest.insert(rest.end(), buf_.begin() + pos_, buf_.begin() + end_);
  if (rest.size() < kBufferBytes) rest.resize(kBufferBytes);
  end_ = replay_.size() + (end_ - pos_);
  pos_ = 0;
  buf_.swap(rest);
  line_ = quote_line_ + 1;
  at_line_start_ = true;
  recording_ = false;
  replay_.clear();
  stray_.clear();
  EndRecord(record);
}

Result<bool> CsvReader::Next(CsvRecord* record) {
  StartRecord(record);
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
          if (recording_) {
            stray_ = "never ends";
            TakeAsStrayQuote(record);
            return true;
          }
          if (options_.allow_multiline_fields) {
            Fail(record, "field " + std::to_string(num_fields_) +
                             ": quoted field starting on line " +
                             std::to_string(quote_line_) + " never ends");
          } else {
            Fail(record, QuoteOpenAtLineEnd());
          }
          break;
        default:
          break;
      }
      // The next call starts afresh and finds the input at its end.
      return EndRecord(record);
    }
    const char c = buf_[pos_++];
    if (c == '\n') ++line_;
    at_line_start_ = c == '\n';
    if (recording_) replay_.push_back(c);
    switch (state_) {
      case State::kFieldStart:
        if (num_fields_ == 0) StartField(record);
        if (c == '"') {
          field_quoted_ = true;
          quote_line_ = line_;
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
        } else if (c == '\n' && !options_.allow_multiline_fields) {
          // Most likely a stray quote: going on to the next quote would
          // swallow the rows in between.
          Fail(record, QuoteOpenAtLineEnd());
          EndRecord(record);
          return true;
        } else {
          // The first line break in the field: keep what follows, to read
          // it again should the quote turn out to be a stray one.
          if (c == '\n' && !recording_) recording_ = true;
          Append(record, c);
        }
        break;
      case State::kQuoteQuoted:
        if (c == '"') {  // a doubled quote stands for one
          Append(record, c);
          state_ = State::kQuoted;
        } else if (c == ',') {
          StopRecording();
          StartField(record);
          state_ = State::kFieldStart;
        } else if (c == '\n') {
          EndRecord(record);
          return true;
        } else if (c == '\r') {
          state_ = State::kClosedCr;
        } else if (recording_) {
          stray_ = "has text after its closing quote on line " +
                   std::to_string(line_);
          TakeAsStrayQuote(record);
          return true;
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
        if (recording_) {
          stray_ = "has text after its closing quote on line " +
                   std::to_string(line_);
          TakeAsStrayQuote(record);
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
    // Bounds the copy even when the record keeps no bytes.
    if (recording_ && stray_.empty() &&
        replay_.size() > options_.max_record_bytes) {
      stray_ = "makes the record longer than " +
               std::to_string(options_.max_record_bytes) + " bytes";
    }
    if (!stray_.empty()) {
      TakeAsStrayQuote(record);
      return true;
    }
  }
}

}  // namespace import
}  // namespace custdb
