// Export of every customer (profile, aggregates and derived attributes) as
// CSV or JSON Lines, for operators and for loading into other tools.
#ifndef CUSTDB_EXPORT_H_
#define CUSTDB_EXPORT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "custdb/status.h"
#include "custdb/store.h"

namespace custdb {

enum class ExportFormat {
  kCsv,    // RFC 4180 quoting, header first, LF line ends
  kJsonl,  // one JSON object per line
};

// "csv" or "jsonl"; false for anything else.
bool ParseExportFormat(const std::string& name, ExportFormat* out);

// The columns of a customer export, in order: the CSV header and the keys
// of each JSON object. docs/IMPORT.md describes each.
const std::vector<std::string>& CustomerExportColumns();

// Writes every customer, in id order from one consistent snapshot, one row
// (line) each; CSV starts with the header. Times are ISO-8601 UTC; in CSV
// an absent value (a time or channel of 0, no NPS, no birth year, a
// prospect's R/F/M scores and segment) is an empty field, in JSON it is
// null. Tags are joined by ';' in CSV and attributes written as key=value
// pairs joined by ';'; JSON has an array and an object. Sets *written (if
// not null) to the customers written. Returns kIOError if `out` fails, or
// the engine's status. Reads only; safe to run while others write.
Status ExportCustomers(Engine& engine, ExportFormat format, std::ostream& out,
                       int64_t* written = nullptr);

// The same rows through the Store API alone, for a Store that is not an
// Engine (a Client: `custdb export --connect`): FindCustomers in id order,
// page after page. Each page is read from one snapshot, the whole export
// is not: a customer created or erased meanwhile may or may not appear.
// Returns kIOError if `out` fails, or FindCustomers' status.
Status ExportStoreCustomers(Store& store, ExportFormat format,
                            std::ostream& out, int64_t* written = nullptr);

}  // namespace custdb

#endif  // CUSTDB_EXPORT_H_
