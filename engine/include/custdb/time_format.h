// ISO-8601 UTC text <-> i64 Unix milliseconds, as used by CSV import and
// export, JSON output and the command line.
#ifndef CUSTDB_TIME_FORMAT_H_
#define CUSTDB_TIME_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "custdb/status.h"

namespace custdb {

// Parses a UTC time into Unix milliseconds. Accepted forms (years
// 0001..9999, no leading or trailing spaces):
//   2011-12-09T12:50:00Z        ISO-8601 UTC ("+00:00" may replace "Z")
//   2011-12-09T12:50:00.250Z    with 1 to 3 digits of fractional second
//   2011-12-09 12:50:00         read as UTC (Online Retail's InvoiceDate);
//                               a fraction is allowed here too
//   2011-12-09                  that day's midnight UTC
// Returns kInvalidArgument naming `field` and the text at fault, e.g.
// `order.ts: '2011-02-30' is not an ISO-8601 UTC time (no day 30 in
// 2011-02) ...`. Thread-safe.
Result<int64_t> ParseIso8601(std::string_view text,
                             std::string_view field = "time");

// Formats `ms` as "2011-12-09T12:50:00Z", with ".mmm" before the "Z" only
// when `ms` is not a whole second, so that ParseIso8601(FormatIso8601(ms))
// == ms for every time in years 0001..9999. Defined for every int64 (years
// outside 0000..9999 print with more digits or a sign). Thread-safe.
std::string FormatIso8601(int64_t ms);

}  // namespace custdb

#endif  // CUSTDB_TIME_FORMAT_H_
