// CSV output with RFC 4180 quoting.
#ifndef CUSTDB_EXPORT_CSV_WRITER_H_
#define CUSTDB_EXPORT_CSV_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

namespace custdb {
namespace exporter {

// Appends `value` to `*line`, in double quotes (with inner quotes doubled)
// when it holds a comma, a quote, a CR or an LF.
void AppendCsvField(std::string_view value, std::string* line);

// Appends the fields separated by commas and ended by "\n".
void AppendCsvRow(const std::vector<std::string>& fields, std::string* line);

}  // namespace exporter
}  // namespace custdb

#endif  // CUSTDB_EXPORT_CSV_WRITER_H_
