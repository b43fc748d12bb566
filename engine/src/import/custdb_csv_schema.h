// The custdb CSV formats (docs/IMPORT.md): the columns of each record
// kind, how a header picks the kind, and how a row becomes a record.
#ifndef CUSTDB_IMPORT_CUSTDB_CSV_SCHEMA_H_
#define CUSTDB_IMPORT_CUSTDB_CSV_SCHEMA_H_

#include <string>
#include <string_view>
#include <vector>

#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {
namespace import {

// The kinds of file, named for the records each holds, in the order an
// import applies them (0-based; not keys::RecordKind, the stored counts).
enum class FileKind {
  kChannel = 0,
  kCustomer = 1,
  kOrder = 2,
  kInteraction = 3
};

// "channels", "customers", "orders", "interactions": the file kind, also
// the prefix of field names in messages ("orders.ts").
const char* FileKindName(FileKind kind);

// Where each known column of a kind sits in a file's rows.
struct FileLayout {
  FileKind kind = FileKind::kChannel;
  size_t num_fields = 0;             // fields per row (the header's)
  std::vector<int> field_of_column;  // per column of the kind; -1: absent

  // The row's text for `column` (an index into the kind's column table),
  // empty if the file has no such column.
  std::string_view Get(const std::vector<std::string>& row, int column) const;
};

// Picks the one kind whose columns include every header name and whose
// required columns the header has all. kInvalidArgument naming the
// unknown, missing or repeated column otherwise, e.g. `header: unknown
// column "emial" for a customers file (known: id, code, email, ...)`.
Result<FileLayout> ClassifyHeader(const std::vector<std::string>& header);

// A row of an orders or interactions file: the record, plus the customer
// code to look up when the row names its customer by code (then the
// record's customer_id is 0).
struct OrderRow {
  Order order;
  std::string customer_code;
};
struct InteractionRow {
  Interaction interaction;
  std::string customer_code;
};

// Row parsers. kInvalidArgument naming "<kind>.<column>" and the value for
// a missing required value, a malformed number, time or list, an unknown
// enum name or a negative amount. They check the format only; the engine
// checks the rest (lengths, references, ranges) when the record is
// written.
Result<Channel> ParseChannelRow(const FileLayout& layout,
                                const std::vector<std::string>& row);
Result<Customer> ParseCustomerRow(const FileLayout& layout,
                                  const std::vector<std::string>& row);
Result<OrderRow> ParseOrderRow(const FileLayout& layout,
                               const std::vector<std::string>& row);
Result<InteractionRow> ParseInteractionRow(const FileLayout& layout,
                                           const std::vector<std::string>& row);

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_CUSTDB_CSV_SCHEMA_H_
