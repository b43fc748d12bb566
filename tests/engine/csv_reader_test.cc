// CsvReader: RFC 4180 quoting, physical line numbers, per-record errors and
// independence from how the input is split (import/csv_reader.h).
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
  std::vector<std::string> fields;
  std::string error;  // empty when the record is well formed

  bool operator==(const Row& o) const {
    return line == o.line && fields == o.fields && error == o.error;
  }
};

void PrintTo(const Row& r, std::ostream* os) {
  *os << "{line " << r.line << ", [";
  for (const std::string& f : r.fields) *os << "<" << f << ">";
  *os << "], error '" << r.error << "'}";
}

Row Ok(int64_t line, std::vector<std::string> fields) {
  return Row{line, std::move(fields), ""};
}
Row Bad(int64_t line, std::string error) { return Row{line, {}, error}; }

std::vector<Row> ReadAll(std::string_view data, size_t piece = SIZE_MAX,
                         CsvLimits limits = CsvLimits()) {
  CsvReader reader(StringSource(data, piece), limits);
  std::vector<Row> rows;
  CsvRecord record;
  for (;;) {
    Result<bool> got = reader.Next(&record);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !*got) break;
    Row row;
    row.line = record.line;
    if (record.error.ok()) {
      row.fields = record.fields;
    } else {
      row.error = record.error.message();
    }
    rows.push_back(std::move(row));
  }
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
  EXPECT_EQ(ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,x\n"),
            (std::vector<Row>{Ok(1, {"a,b", "say \"hi\"", "two\nlines"}),
                              Ok(3, {"next", "x"})}));
}

TEST(CsvReaderTest, QuotedEmptyFieldIsARecord) {
  EXPECT_EQ(ReadAll("\"\"\n"), (std::vector<Row>{Ok(1, {""})}));
}

TEST(CsvReaderTest, CrlfLineEndsAreDroppedButKeptInsideQuotes) {
  EXPECT_EQ(ReadAll("a,b\r\n\"x\r\ny\",\"q\"\r\nlast,\r\n"),
            (std::vector<Row>{Ok(1, {"a", "b"}), Ok(2, {"x\r\ny", "q"}),
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

TEST(CsvReaderTest, UnterminatedQuoteIsAnErrorAtTheEnd) {
  EXPECT_EQ(
      ReadAll("a\nb,\"open\nstill open\n"),
      (std::vector<Row>{
          Ok(1, {"a"}),
          Bad(2, "field 2: quoted field starting on line 2 never ends")}));
}

TEST(CsvReaderTest, OversizedRecordFailsAndReadingGoesOn) {
  CsvLimits limits;
  limits.max_record_bytes = 8;
  EXPECT_EQ(
      ReadAll("1234,5678\n12345,6789\n\"quoted,\nlong field\",x\nok\n",
              SIZE_MAX, limits),
      (std::vector<Row>{
          Ok(1, {"1234", "5678"}), Bad(2, "record is longer than 8 bytes"),
          Bad(3, "record is longer than 8 bytes"), Ok(5, {"ok"})}));
}

TEST(CsvReaderTest, TooManyFieldsFailsThatRecordOnly) {
  CsvLimits limits;
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
  const std::vector<Row> whole = ReadAll(data);
  ASSERT_EQ(whole.size(), 6u);
  for (size_t piece = 1; piece <= data.size(); ++piece) {
    EXPECT_EQ(ReadAll(data, piece), whole) << "piece size " << piece;
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
    expected.push_back(Ok(line, fields));
    for (char c : text) line += c == '\n' ? 1 : 0;
    data += text;
  }
  EXPECT_EQ(ReadAll(data, 7), expected) << "seed " << seed;
}

}  // namespace
}  // namespace import
}  // namespace custdb
