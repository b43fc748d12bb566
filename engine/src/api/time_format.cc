// ISO-8601 UTC parsing and formatting on the proleptic Gregorian calendar.
#include "custdb/time_format.h"

#include <cstdio>
#include <string>

#include "api/messages.h"

namespace custdb {
namespace {

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kMsPerDay = 86400 * kMsPerSecond;

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The civil date of a day count since 1970-01-01 (civil_from_days).
void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

bool IsLeapYear(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` decimal digits at text[*pos]; advances *pos.
bool ReadDigits(std::string_view text, size_t* pos, size_t n, int64_t* out) {
  if (text.size() - *pos < n) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool ReadChar(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

Status Invalid(std::string_view field, std::string_view text,
               const std::string& why) {
  std::string m(field);
  m.append(": ").append(QuoteValue(std::string(text)));
  m.append(" is not an ISO-8601 UTC time (").append(why);
  m.append("); use 2011-12-09T12:50:00Z, 2011-12-09 12:50:00 or 2011-12-09");
  return Status::InvalidArgument(std::move(m));
}

}  // namespace

Result<int64_t> ParseIso8601(std::string_view text, std::string_view field) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !ReadChar(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &month) || !ReadChar(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day)) {
    return Invalid(field, text, "want a date YYYY-MM-DD");
  }
  if (year < 1) return Invalid(field, text, "year 0000 is out of range");
  if (month < 1 || month > 12) {
    return Invalid(field, text,
                   "month " + std::to_string(month) + " is out of range");
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    char why[64];
    std::snprintf(why, sizeof(why), "no day %lld in %04lld-%02lld",
                  static_cast<long long>(day), static_cast<long long>(year),
                  static_cast<long long>(month));
    return Invalid(field, text, why);
  }
  int64_t ms = DaysFromCivil(year, month, day) * kMsPerDay;
  if (pos == text.size()) return ms;

  const bool iso = text[pos] == 'T';
  if (!iso && text[pos] != ' ') {
    return Invalid(field, text, "want 'T' or ' ' after the date");
  }
  ++pos;
  int64_t hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &pos, 2, &hour) || !ReadChar(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &minute) || !ReadChar(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &second)) {
    return Invalid(field, text, "want a time hh:mm:ss");
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return Invalid(field, text, "time of day out of range");
  }
  int64_t millis = 0;
  if (ReadChar(text, &pos, '.')) {
    size_t digits = 0;
    while (pos + digits < text.size() && text[pos + digits] >= '0' &&
           text[pos + digits] <= '9') {
      ++digits;
    }
    if (digits == 0 || digits > 3) {
      return Invalid(field, text, "want 1 to 3 digits of fractional second");
    }
    ReadDigits(text, &pos, digits, &millis);
    for (size_t i = digits; i < 3; ++i) millis *= 10;
  }
  if (iso) {
    const std::string_view zone = text.substr(pos);
    if (zone != "Z" && zone != "+00:00") {
      return Invalid(field, text, "want 'Z' (UTC) after the time");
    }
    pos = text.size();
  }
  if (pos != text.size()) {
    return Invalid(field, text, "unexpected text after the time");
  }
  ms += ((hour * 60 + minute) * 60 + second) * kMsPerSecond + millis;
  return ms;
}

std::string FormatIso8601(int64_t ms) {
  int64_t days = ms / kMsPerDay;
  int64_t in_day = ms % kMsPerDay;
  if (in_day < 0) {
    in_day += kMsPerDay;
    --days;
  }
  int64_t y, m, d;
  CivilFromDays(days, &y, &m, &d);
  const int64_t seconds = in_day / kMsPerSecond;
  const int64_t millis = in_day % kMsPerSecond;
  char buf[64];
  int n = std::snprintf(
      buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld",
      static_cast<long long>(y), static_cast<long long>(m),
      static_cast<long long>(d), static_cast<long long>(seconds / 3600),
      static_cast<long long>(seconds / 60 % 60),
      static_cast<long long>(seconds % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (millis != 0) {
    std::snprintf(buf, sizeof(buf), ".%03lld", static_cast<long long>(millis));
    out.append(buf);
  }
  out.push_back('Z');
  return out;
}

}  // namespace custdb
