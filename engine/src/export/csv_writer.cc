// RFC 4180 field quoting.
#include "export/csv_writer.h"

namespace custdb {
namespace exporter {

void AppendCsvField(std::string_view value, std::string* line) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    line->append(value);
    return;
  }
  line->push_back('"');
  for (const char c : value) {
    if (c == '"') line->push_back('"');
    line->push_back(c);
  }
  line->push_back('"');
}

void AppendCsvRow(const std::vector<std::string>& fields, std::string* line) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line->push_back(',');
    AppendCsvField(fields[i], line);
  }
  line->push_back('\n');
}

}  // namespace exporter
}  // namespace custdb
