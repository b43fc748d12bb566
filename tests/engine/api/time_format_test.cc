// ParseIso8601 / FormatIso8601 (custdb/time_format.h).
#include "custdb/time_format.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace custdb {
namespace {

constexpr int64_t kDay = 86400000;

int64_t Parse(const std::string& text) {
  Result<int64_t> ms = ParseIso8601(text);
  EXPECT_TRUE(ms.ok()) << text << ": " << ms.status().ToString();
  return ms.ok() ? *ms : -1;
}

TEST(TimeFormatTest, ParsesTheAcceptedForms) {
  const int64_t t = 1323435000000;  // 2011-12-09T12:50:00Z
  EXPECT_EQ(Parse("2011-12-09T12:50:00Z"), t);
  EXPECT_EQ(Parse("2011-12-09T12:50:00+00:00"), t);
  EXPECT_EQ(Parse("2011-12-09 12:50:00"), t);
  EXPECT_EQ(Parse("2011-12-09T12:50:00.250Z"), t + 250);
  EXPECT_EQ(Parse("2011-12-09T12:50:00.5Z"), t + 500);
  EXPECT_EQ(Parse("2011-12-09 12:50:00.07"), t + 70);
  EXPECT_EQ(Parse("2011-12-09"), 1323388800000);  // midnight UTC
  EXPECT_EQ(Parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Parse("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(Parse("0001-01-01"), -62135596800000);
  EXPECT_EQ(Parse("9999-12-31T23:59:59.999Z"), 253402300799999);
}

TEST(TimeFormatTest, KnowsLeapYears) {
  EXPECT_EQ(Parse("2000-02-29") + kDay, Parse("2000-03-01"));
  EXPECT_EQ(Parse("2024-02-29") + kDay, Parse("2024-03-01"));
  EXPECT_FALSE(ParseIso8601("1900-02-29").ok());
  EXPECT_FALSE(ParseIso8601("2011-02-29").ok());
}

TEST(TimeFormatTest, RejectsMalformedTextNamingFieldAndValue) {
  for (const char* bad : {"",
                          "2011",
                          "2011-1-09",
                          "2011-13-01",
                          "2011-00-10",
                          "2011-12-00",
                          "2011-02-30",
                          "0000-01-01",
                          "2011-12-09T",
                          "2011-12-09T12:50Z",
                          "2011-12-09T12:50:00",
                          "2011-12-09T24:00:00Z",
                          "2011-12-09T12:60:00Z",
                          "2011-12-09T12:50:60Z",
                          "2011-12-09T12:50:00.1234Z",
                          "2011-12-09T12:50:00.Z",
                          "2011-12-09T12:50:00+01:00",
                          "2011-12-09 12:50:00Z",
                          "2011-12-09x",
                          " 2011-12-09",
                          "2011-12-09 ",
                          "2011-12-09T12:50:00ZZ",
                          "+011-12-09"}) {
    Result<int64_t> ms = ParseIso8601(bad, "order.ts");
    ASSERT_FALSE(ms.ok()) << "accepted '" << bad << "'";
    EXPECT_EQ(ms.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(
        ms.status().message().rfind("order.ts: '" + std::string(bad) + "'", 0),
        0u)
        << ms.status().message();
  }
  EXPECT_NE(ParseIso8601("2011-02-30")
                .status()
                .message()
                .find("no day 30 in 2011-02"),
            std::string::npos);
}

TEST(TimeFormatTest, FormatsWholeSecondsWithoutFraction) {
  EXPECT_EQ(FormatIso8601(1323435000000), "2011-12-09T12:50:00Z");
  EXPECT_EQ(FormatIso8601(1323435000250), "2011-12-09T12:50:00.250Z");
  EXPECT_EQ(FormatIso8601(1323435000007), "2011-12-09T12:50:00.007Z");
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601(951782400000), "2000-02-29T00:00:00Z");
}

TEST(TimeFormatTest, FormatIsDefinedForEveryInt64) {
  EXPECT_FALSE(FormatIso8601(INT64_MAX).empty());
  EXPECT_FALSE(FormatIso8601(INT64_MIN).empty());
}

TEST(TimeFormatTest, RoundTripsEveryTimeInYears1To9999) {
  const uint32_t seed = 42;
  std::mt19937_64 rng(seed);
  const int64_t lo = Parse("0001-01-01");
  const int64_t hi = Parse("9999-12-31T23:59:59.999Z");
  std::uniform_int_distribution<int64_t> any(lo, hi);
  for (int i = 0; i < 20000; ++i) {
    // Whole days, whole seconds and arbitrary milliseconds.
    int64_t ms = any(rng);
    if (i % 3 == 0) ms -= ((ms % kDay) + kDay) % kDay;
    if (i % 3 == 1) ms -= ((ms % 1000) + 1000) % 1000;
    const std::string text = FormatIso8601(ms);
    Result<int64_t> back = ParseIso8601(text);
    ASSERT_TRUE(back.ok()) << text << " seed " << seed;
    ASSERT_EQ(*back, ms) << text << " seed " << seed;
  }
  EXPECT_EQ(Parse(FormatIso8601(lo)), lo);
  EXPECT_EQ(Parse(FormatIso8601(hi)), hi);
}

}  // namespace
}  // namespace custdb
