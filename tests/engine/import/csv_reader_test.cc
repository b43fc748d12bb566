// CsvReader: RFC 4180 quoting, physical line numbers and spans, per-record
// errors, every line accounted for, and independence from how the input is
// split (import/csv_reader.h).
#include "import/csv_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "export/csv_writer.h"

namespace custdb {
namespace import {
namespace {

// What a record came out as, in a form that compares easily.
struct Row {
  int64_t line = 0;
  int64_t last_line = 0;
  std::vector<std::string> fields;
  std::string error;  // empty when the record is well formed

  bool operator==(const Row& o) const {
    return line == o.line && last_line == o.last_line && fields == o.fields &&
           error == o.error;
  }
};

void PrintTo(const Row& r, std::ostream* os) {
  *os << "{lines " << r.line << "-" << r.last_line << ", [";
  for (const std::string& f : r.fields) *os << "<" << f << ">";
  *os << "], error '" << r.error << "'}";
}

Row Ok(int64_t line, std::vector<std::string> fields) {
  return Row{line, line, std::move(fields), ""};
}
Row Bad(int64_t line, std::string error) { return Row{line, line, {}, error}; }
// Records spanning lines `line`..`last_line`.
Row OkSpan(int64_t line, int64_t last_line, std::vector<std::string> fields) {
  return Row{line, last_line, std::move(fields), ""};
}
Row BadSpan(int64_t line, int64_t last_line, std::string error) {
  return Row{line, last_line, {}, error};
}

constexpr char kNotClosed[] =
    ": quoted field not closed before the end of the line";

CsvOptions Multiline() {
  CsvOptions options;
  options.allow_multiline_fields = true;
  return options;
}

// Physical lines as an editor counts them, the byte order mark aside.
int64_t PhysicalLines(std::string_view data) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  int64_t lines = 0;
  for (char c : data) lines += c == '\n';
  if (!data.empty() && data.back() != '\n') ++lines;
  return lines;
}

// Reads every record, and checks on the way that every physical line of
// `data` is accounted for: blank, or within exactly one record's span, the
// spans in order and without gaps or overlaps.
std::vector<Row> ReadAll(std::string_view data, size_t piece = SIZE_MAX,
                         CsvOptions options = CsvOptions()) {
  CsvReader reader(StringSource(data, piece), options);
  std::vector<Row> rows;
  CsvRecord record;
  int64_t row_lines = 0;
  int64_t previous_last = 0;
  for (;;) {
    Result<bool> got = reader.Next(&record);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !*got) break;
    EXPECT_GT(record.line, previous_last);
    EXPECT_GE(record.last_line, record.line);
    previous_last = record.last_line;
    row_lines += record.last_line - record.line + 1;
    Row row;
    row.line = record.line;
    row.last_line = record.last_line;
    if (record.error.ok()) {
      row.fields = record.fields;
    } else {
      row.error = record.error.message();
    }
    rows.push_back(std::move(row));
  }
  EXPECT_EQ(reader.lines(), PhysicalLines(data));
  EXPECT_EQ(reader.lines(), reader.blank_lines() + row_lines)
      << "blank " << reader.blank_lines() << ", in records " << row_lines;
  return rows;
}

TEST(CsvReaderTest, ReadsPlainRecordsWithTheirLines) {
  EXPECT_EQ(ReadAll("a,b,c\n1,2,3\n"),
            (std::vector<Row>{Ok(1, {"a", "b", "c"}), Ok(2, {"1", "2", "3"})}));
}

TEST(CsvReaderTest, LastLineNeedsNoLineBreak) {
  EXPECT_EQ(ReadAll("a,b\n1,2"),
            (std::vector<Row>{Ok(1, {"a", "b"}), Ok(2, {"1", "2"})}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\n\n").empty());
}

TEST(CsvReaderTest, KeepsEmptyFields) {
  EXPECT_EQ(ReadAll(",a,,\n"), (std::vector<Row>{Ok(1, {"", "a", "", ""})}));
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  EXPECT_EQ(ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,x\n",
                    SIZE_MAX, Multiline()),
            (std::vector<Row>{OkSpan(1, 2, {"a,b", "say \"hi\"", "two\nlines"}),
                              Ok(3, {"next", "x"})}));
}

// Issue 12, item 7: without multi-line fields a line break inside quotes
// fails that line, and the next line is read as a record of its own.
TEST(CsvReaderTest, LineBreakInQuotesFailsItsLineUnlessMultiline) {
  EXPECT_EQ(ReadAll("\"a,b\",\"two\nlines\"\nnext,x\n"),
            (std::vector<Row>{Bad(1, std::string("field 2") + kNotClosed),
                              Bad(2, "field 1: quote inside an unquoted field"),
                              Ok(3, {"next", "x"})}));
}

TEST(CsvReaderTest, QuotedEmptyFieldIsARecord) {
  EXPECT_EQ(ReadAll("\"\"\n"), (std::vector<Row>{Ok(1, {""})}));
}

TEST(CsvReaderTest, CrlfLineEndsAreDroppedButKeptInsideQuotes) {
  EXPECT_EQ(
      ReadAll("a,b\r\n\"x\r\ny\",\"q\"\r\nlast,\r\n", SIZE_MAX, Multiline()),
      (std::vector<Row>{Ok(1, {"a", "b"}), OkSpan(2, 3, {"x\r\ny", "q"}),
                        Ok(4, {"last", ""})}));
}

TEST(CsvReaderTest, SkipsBlankLinesButCountsThem) {
  EXPECT_EQ(ReadAll("a\n\n\r\nb\n"),
            (std::vector<Row>{Ok(1, {"a"}), Ok(4, {"b"})}));
}

TEST(CsvReaderTest, DropsAByteOrderMarkAtTheStartOnly) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBF\"id\",x\n"),
            (std::vector<Row>{Ok(1, {"id", "x"})}));
  // Split across pieces, and not at the start.
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFid\n", 1), (std::vector<Row>{Ok(1, {"id"})}));
  EXPECT_EQ(ReadAll("a\n\xEF\xBB\xBF\n"),
            (std::vector<Row>{Ok(1, {"a"}), Ok(2, {"\xEF\xBB\xBF"})}));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldFailsThatRecordOnly) {
  EXPECT_EQ(ReadAll("ok,1\nab\"c,2\nok,3\n"),
            (std::vector<Row>{Ok(1, {"ok", "1"}),
                              Bad(2, "field 1: quote inside an unquoted field"),
                              Ok(3, {"ok", "3"})}));
}

TEST(CsvReaderTest, TextAfterClosingQuoteFailsThatRecordOnly) {
  EXPECT_EQ(ReadAll("x,\"ab\"c,\"more\"\ny\n"),
            (std::vector<Row>{Bad(1, "field 2: text after the closing quote"),
                              Ok(2, {"y"})}));
  EXPECT_EQ(ReadAll("\"a\"\rb\nc\n"),
            (std::vector<Row>{Bad(1, "field 1: text after the closing quote"),
                              Ok(2, {"c"})}));
}

// A multi-line quoted field that never ends was a stray quote: its line
// fails and the lines after it are read again as records of their own.
TEST(CsvReaderTest, UnterminatedMultilineQuoteIsTakenForAStrayQuote) {
  const std::string error =
      "field 2: quoted field starting on line 2 never ends (taken for a "
      "stray quote: reading resumes on line 3)";
  for (const char* data :
       {"a\nb,\"open\nstill open\n", "a\nb,\"open\nstill open",
        "a\r\nb,\"open\r\nstill open\r\n"}) {
    for (size_t piece : {size_t{1}, size_t{2}, SIZE_MAX}) {
      EXPECT_EQ(ReadAll(data, piece, Multiline()),
                (std::vector<Row>{Ok(1, {"a"}), Bad(2, error),
                                  Ok(3, {"still open"})}))
          << data << " piece " << piece;
    }
  }
  // On its own last line there is nothing to read again.
  EXPECT_EQ(
      ReadAll("a\nb,\"open", SIZE_MAX, Multiline()),
      (std::vector<Row>{Ok(1, {"a"}),
                        Bad(2,
                            "field 2: quoted field starting on line 2 never "
                            "ends")}));
}

TEST(CsvReaderTest, UnterminatedQuoteFailsItsLineOnly) {
  EXPECT_EQ(ReadAll("a\nb,\"open\nstill open\n"),
            (std::vector<Row>{Ok(1, {"a"}),
                              Bad(2, std::string("field 2") + kNotClosed),
                              Ok(3, {"still open"})}));
  // At the end of the input, with or without a line break.
  EXPECT_EQ(ReadAll("a\nb,\"open"),
            (std::vector<Row>{Ok(1, {"a"}),
                              Bad(2, std::string("field 2") + kNotClosed)}));
  EXPECT_EQ(ReadAll("a\nb,\"open\r\n"),
            (std::vector<Row>{Ok(1, {"a"}),
                              Bad(2, std::string("field 2") + kNotClosed)}));
}

// Issue 12, item 7: a stray quote at the start, middle or end of a field,
// on the first, a middle or the last line, LF or CRLF, costs its own line
// and no other.
TEST(CsvReaderTest, StrayQuoteCostsOnlyItsLine) {
  struct Case {
    std::string data;
    std::vector<Row> want;
  };
  const std::string quote_open = std::string("field 2") + kNotClosed;
  const std::string inside = "field 2: quote inside an unquoted field";
  const std::vector<Case> cases = {
      {"1,\"x,a\n2,y,b\n3,z,c\n",
       {Bad(1, quote_open), Ok(2, {"2", "y", "b"}), Ok(3, {"3", "z", "c"})}},
      {"1,x,a\n2,\"y,b\n3,z,c\n",
       {Ok(1, {"1", "x", "a"}), Bad(2, quote_open), Ok(3, {"3", "z", "c"})}},
      {"1,x,a\n2,y,b\n3,\"z,c\n",
       {Ok(1, {"1", "x", "a"}), Ok(2, {"2", "y", "b"}), Bad(3, quote_open)}},
      {"1,x,a\n2,y,b\n3,\"z,c",
       {Ok(1, {"1", "x", "a"}), Ok(2, {"2", "y", "b"}), Bad(3, quote_open)}},
      {"1,x\"y,a\n2,y,b\n", {Bad(1, inside), Ok(2, {"2", "y", "b"})}},
      {"1,xy\",a\n2,y,b\n", {Bad(1, inside), Ok(2, {"2", "y", "b"})}},
      {"1,x,a\r\n2,\"y,b\r\n3,z,c\r\n",
       {Ok(1, {"1", "x", "a"}), Bad(2, quote_open), Ok(3, {"3", "z", "c"})}},
      {"1,x,a\r\n\r\n2,\"y,b\r\n\n3,z\"\",c\r\n",
       {Ok(1, {"1", "x", "a"}), Bad(3, quote_open), Bad(5, inside)}},
      // A second quote further down does not pair with the stray one.
      {"1,\"x,a\n2,y,b\n3,z\",c\n",
       {Bad(1, quote_open), Ok(2, {"2", "y", "b"}), Bad(3, inside)}},
  };
  for (const Case& c : cases) {
    for (size_t piece : {size_t{1}, size_t{3}, SIZE_MAX}) {
      EXPECT_EQ(ReadAll(c.data, piece), c.want) << c.data << " piece " << piece;
    }
  }
}

// With multi-line fields a quoted field may run over line breaks to its
// closing quote, and the record's span says which lines it took. When the
// field then fails (text after its closing quote, too long, no end), its
// opening quote was a stray one: the record fails on the lines up to the
// quote's, and the lines after it are read again.
TEST(CsvReaderTest, MultilineRecordReportsItsSpan) {
  EXPECT_EQ(ReadAll("1,\"x,a\n2,y,b\n3,z\",c\n4,w,d\n", SIZE_MAX, Multiline()),
            (std::vector<Row>{OkSpan(1, 3, {"1", "x,a\n2,y,b\n3,z", "c"}),
                              Ok(4, {"4", "w", "d"})}));
  EXPECT_EQ(
      ReadAll("0,\"ok\n\",q\n1,\"x,a\n2,y,b\n3,\"z\",c\n4,w,d\n", SIZE_MAX,
              Multiline()),
      (std::vector<Row>{
          OkSpan(1, 2, {"0", "ok\n", "q"}),
          Bad(3,
              "field 2: quoted field starting on line 3 has text after its "
              "closing quote on line 5 (taken for a stray quote: reading "
              "resumes on line 4)"),
          Ok(4, {"2", "y", "b"}), Ok(5, {"3", "z", "c"}),
          Ok(6, {"4", "w", "d"})}));
  // The stray quote's record may start on an earlier line.
  EXPECT_EQ(
      ReadAll("\"a\nb\",\"x,\n2,y\n3,\"z\"q\n", SIZE_MAX, Multiline()),
      (std::vector<Row>{
          BadSpan(1, 2,
                  "field 2: quoted field starting on line 2 has text after "
                  "its closing quote on line 4 (taken for a stray quote: "
                  "reading resumes on line 3)"),
          Ok(3, {"2", "y"}), Bad(4, "field 2: text after the closing quote")}));
}

// What is kept to read again is bounded by max_record_bytes: past it the
// quote is taken for a stray one at once, however far the file goes on.
TEST(CsvReaderTest, StrayQuoteCopyIsBounded) {
  CsvOptions options = Multiline();
  options.max_record_bytes = 16;
  std::string data = "1,\"x\n";
  std::vector<Row> want = {
      Bad(1,
          "field 2: quoted field starting on line 1 makes the record longer "
          "than 16 bytes (taken for a stray quote: reading resumes on line "
          "2)")};
  for (int i = 2; i <= 40; ++i) {
    data += std::to_string(i) + ",abcdef\n";
    want.push_back(Ok(i, {std::to_string(i), "abcdef"}));
  }
  for (size_t piece : {size_t{1}, size_t{5}, SIZE_MAX}) {
    EXPECT_EQ(ReadAll(data, piece, options), want) << "piece " << piece;
  }
}

TEST(CsvReaderTest, CountsLinesAndBlankLines) {
  struct Case {
    std::string data;
    int64_t lines;
    int64_t blank;
  };
  const std::vector<Case> cases = {
      {"", 0, 0},
      {"\n", 1, 1},
      {"a", 1, 0},
      {"a\n", 1, 0},
      {"\n\na\r\n\r\n", 4, 3},
      {"\r", 1, 1},
      {"\xEF\xBB\xBF", 0, 0},
      {"\xEF\xBB\xBF\n", 1, 1},
      {"a\n\n\"b\n\nc\"\n\n", 6, 2},  // line 4 is inside quotes
  };
  for (const Case& c : cases) {
    CsvReader reader(StringSource(c.data), Multiline());
    CsvRecord record;
    for (;;) {
      Result<bool> got = reader.Next(&record);
      ASSERT_TRUE(got.ok());
      if (!*got) break;
    }
    EXPECT_EQ(reader.lines(), c.lines) << c.data;
    EXPECT_EQ(reader.blank_lines(), c.blank) << c.data;
  }
}

TEST(CsvReaderTest, OversizedRecordFailsAndReadingGoesOn) {
  CsvOptions limits = Multiline();
  limits.max_record_bytes = 8;
  EXPECT_EQ(
      ReadAll("1234,5678\n12345,6789\n\"quoted,\nlong field\",x\nok\n",
              SIZE_MAX, limits),
      (std::vector<Row>{
          Ok(1, {"1234", "5678"}), Bad(2, "record is longer than 8 bytes"),
          Bad(3,
              "field 1: quoted field starting on line 3 makes the record "
              "longer than 8 bytes (taken for a stray quote: reading "
              "resumes on line 4)"),
          Bad(4, "record is longer than 8 bytes"), Ok(5, {"ok"})}));
}

TEST(CsvReaderTest, TooManyFieldsFailsThatRecordOnly) {
  CsvOptions limits;
  limits.max_fields = 3;
  EXPECT_EQ(ReadAll("a,b,c\na,b,c,d\nz\n", SIZE_MAX, limits),
            (std::vector<Row>{Ok(1, {"a", "b", "c"}),
                              Bad(2, "record has more than 3 fields"),
                              Ok(3, {"z"})}));
}

TEST(CsvReaderTest, ResultDoesNotDependOnHowInputIsSplit) {
  const std::string data =
      "\xEF\xBB\xBFh1,\"h,2\"\r\n\"a\"\"b\",\"x\r\ny\"\r\n\r\nbad\"q,1\n"
      "\"open\"x,2\nlast,\"\"\n\"never\nends";
  for (bool multiline : {false, true}) {
    CsvOptions options;
    options.allow_multiline_fields = multiline;
    const std::vector<Row> whole = ReadAll(data, SIZE_MAX, options);
    ASSERT_EQ(whole.size(), multiline ? 7u : 8u);
    for (size_t piece = 1; piece <= data.size(); ++piece) {
      EXPECT_EQ(ReadAll(data, piece, options), whole)
          << "piece size " << piece << (multiline ? " multiline" : "");
    }
  }
}

TEST(CsvReaderTest, ReportsByteSourceErrors) {
  int calls = 0;
  CsvReader reader([&calls](char* buf, size_t) -> Result<size_t> {
    if (calls++ == 0) {
      buf[0] = 'a';
      buf[1] = '\n';
      buf[2] = 'b';
      return size_t{3};
    }
    return Status::IOError("disk on fire");
  });
  CsvRecord record;
  Result<bool> got = reader.Next(&record);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got);
  got = reader.Next(&record);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kIOError);
  EXPECT_EQ(got.status().message(), "disk on fire");
}

// Property: whatever fields are written with RFC 4180 quoting read back
// unchanged, with the right starting lines.
TEST(CsvReaderTest, ReadsBackWhatTheWriterQuoted) {
  const uint32_t seed = 20240101;
  std::mt19937 rng(seed);
  const std::string alphabet = "ab ,\"\r\n;x\t\xC3\xA9";
  std::string data;
  std::vector<Row> expected;
  int64_t line = 1;
  for (int r = 0; r < 300; ++r) {
    std::vector<std::string> fields(1 + rng() % 5);
    for (std::string& f : fields) {
      const size_t length = rng() % 8;
      for (size_t i = 0; i < length; ++i)
        f.push_back(alphabet[rng() % alphabet.size()]);
    }
    if (fields.size() == 1 && fields[0].empty()) fields[0] = "z";  // not blank
    std::string text;
    exporter::AppendCsvRow(fields, &text);
    const int64_t first = line;
    for (char c : text) line += c == '\n' ? 1 : 0;
    expected.push_back(OkSpan(first, line - 1, fields));
    data += text;
  }
  EXPECT_EQ(ReadAll(data, 7, Multiline()), expected) << "seed " << seed;
}

}  // namespace
}  // namespace import
}  // namespace custdb
