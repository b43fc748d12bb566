// Column tables of the custdb CSV formats and the row parsers.
#include "import/custdb_csv_schema.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "api/enum_names.h"
#include "api/messages.h"
#include "custdb/time_format.h"
#include "import/field_parse.h"

namespace custdb {
namespace import {
namespace {

enum class Need {
  kOptional,
  kRequired,
  kCustomerRef,  // at least one column of this group
};

// Column indexes of each kind, in the order of its column table.
enum ChannelColumn {
  kChId,
  kChName,
  kChType,
  kChParentId,
  kChRegion,
  kChActive
};
enum CustomerColumn {
  kCuId,
  kCuCode,
  kCuEmail,
  kCuPhone,
  kCuName,
  kCuRegion,
  kCuGender,
  kCuBirthYear,
  kCuAcquisitionChannelId,
  kCuOwnerChannelId,
  kCuTags,
  kCuAttributes,
  kCuCreatedAt,
};
enum OrderColumn {
  kOrId,
  kOrCustomerId,
  kOrCustomerCode,
  kOrChannelId,
  kOrTs,
  kOrAmountMinor,
  kOrCurrency,
  kOrKind,
  kOrStatus,
  kOrItems,
};
enum InteractionColumn {
  kInId,
  kInCustomerId,
  kInCustomerCode,
  kInChannelId,
  kInTs,
  kInKind,
  kInSatisfaction,
  kInNps,
  kInStaffId,
  kInNote,
  kInResolvedAt,
};

struct ColumnSpec {
  const char* name;
  Need need;
};

// Each table follows its *Column enum above.
constexpr ColumnSpec kChannelColumns[] = {
    {"id", Need::kRequired},     {"name", Need::kRequired},
    {"type", Need::kRequired},   {"parent_id", Need::kOptional},
    {"region", Need::kOptional}, {"active", Need::kOptional},
};
constexpr ColumnSpec kCustomerColumns[] = {
    {"id", Need::kCustomerRef},
    {"code", Need::kCustomerRef},
    {"email", Need::kOptional},
    {"phone", Need::kOptional},
    {"name", Need::kOptional},
    {"region", Need::kOptional},
    {"gender", Need::kOptional},
    {"birth_year", Need::kOptional},
    {"acquisition_channel_id", Need::kOptional},
    {"owner_channel_id", Need::kOptional},
    {"tags", Need::kOptional},
    {"attributes", Need::kOptional},
    {"created_at", Need::kOptional},
};
constexpr ColumnSpec kOrderColumns[] = {
    {"id", Need::kRequired},
    {"customer_id", Need::kCustomerRef},
    {"customer_code", Need::kCustomerRef},
    {"channel_id", Need::kRequired},
    {"ts", Need::kRequired},
    {"amount_minor", Need::kRequired},
    {"currency", Need::kOptional},
    {"kind", Need::kOptional},
    {"status", Need::kOptional},
    {"items", Need::kOptional},
};
constexpr ColumnSpec kInteractionColumns[] = {
    {"id", Need::kRequired},
    {"customer_id", Need::kCustomerRef},
    {"customer_code", Need::kCustomerRef},
    {"channel_id", Need::kOptional},
    {"ts", Need::kRequired},
    {"kind", Need::kRequired},
    {"satisfaction", Need::kOptional},
    {"nps", Need::kOptional},
    {"staff_id", Need::kOptional},
    {"note", Need::kOptional},
    {"resolved_at", Need::kOptional},
};

constexpr NamedValue<FileKind> kFileKinds[] = {
    {FileKind::kChannel, "channels"},
    {FileKind::kCustomer, "customers"},
    {FileKind::kOrder, "orders"},
    {FileKind::kInteraction, "interactions"},
};
static_assert(IsDense(kFileKinds));

struct KindSpec {
  FileKind kind;
  const char* record;  // field prefix in messages: "order.ts"
  const ColumnSpec* columns;
  size_t num_columns;
};

constexpr KindSpec kKinds[] = {
    {FileKind::kChannel, "channel", kChannelColumns,
     std::size(kChannelColumns)},
    {FileKind::kCustomer, "customer", kCustomerColumns,
     std::size(kCustomerColumns)},
    {FileKind::kOrder, "order", kOrderColumns, std::size(kOrderColumns)},
    {FileKind::kInteraction, "interaction", kInteractionColumns,
     std::size(kInteractionColumns)},
};

const KindSpec& SpecOf(FileKind kind) { return kKinds[static_cast<int>(kind)]; }

int FindColumn(const KindSpec& spec, std::string_view name) {
  for (size_t c = 0; c < spec.num_columns; ++c) {
    if (name == spec.columns[c].name) return static_cast<int>(c);
  }
  return -1;
}

std::string ColumnList(const KindSpec& spec, Need need) {
  std::string out;
  for (size_t c = 0; c < spec.num_columns; ++c) {
    if (spec.columns[c].need != need) continue;
    if (!out.empty()) out.append(need == Need::kCustomerRef ? " or " : ", ");
    out.append(spec.columns[c].name);
  }
  return out;
}

std::string AllColumns(const KindSpec& spec) {
  std::string out;
  for (size_t c = 0; c < spec.num_columns; ++c) {
    if (c > 0) out.append(", ");
    out.append(spec.columns[c].name);
  }
  return out;
}

// Why `header` is not a file of `spec`'s kind; ok if it is one.
Status CheckKind(const KindSpec& spec, const std::vector<std::string>& names) {
  const std::string kind = FileKindName(spec.kind);
  for (const std::string& name : names) {
    if (FindColumn(spec, name) < 0) {
      return Status::InvalidArgument("header: unknown column " +
                                     QuoteValue(name) + " for " + kind +
                                     " (columns: " + AllColumns(spec) + ")");
    }
  }
  bool has_ref = false;
  bool needs_ref = false;
  for (size_t c = 0; c < spec.num_columns; ++c) {
    const ColumnSpec& column = spec.columns[c];
    const bool present =
        std::find(names.begin(), names.end(), column.name) != names.end();
    if (column.need == Need::kRequired && !present) {
      return Status::InvalidArgument("header: " + kind + " needs the column '" +
                                     column.name + "'");
    }
    if (column.need == Need::kCustomerRef) {
      needs_ref = true;
      has_ref = has_ref || present;
    }
  }
  if (needs_ref && !has_ref) {
    return Status::InvalidArgument("header: " + kind + " needs the column " +
                                   ColumnList(spec, Need::kCustomerRef));
  }
  return Status::OK();
}

// How far a header is from a kind: (unknown columns, missing required
// columns, counting a missing customer reference as one).
std::pair<size_t, size_t> Distance(const KindSpec& spec,
                                   const std::vector<std::string>& names) {
  size_t unknown = 0;
  for (const std::string& name : names) unknown += FindColumn(spec, name) < 0;
  size_t missing = 0;
  bool needs_ref = false;
  bool has_ref = false;
  for (size_t c = 0; c < spec.num_columns; ++c) {
    const ColumnSpec& column = spec.columns[c];
    const bool present =
        std::find(names.begin(), names.end(), column.name) != names.end();
    if (column.need == Need::kRequired && !present) ++missing;
    if (column.need == Need::kCustomerRef) {
      needs_ref = true;
      has_ref = has_ref || present;
    }
  }
  if (needs_ref && !has_ref) ++missing;
  return {unknown, missing};
}

// Reads the fields of one row, naming them "<record>.<column>" in errors.
class RowFields {
 public:
  RowFields(const FileLayout& layout, const std::vector<std::string>& row)
      : layout_(layout), row_(row), spec_(SpecOf(layout.kind)) {}

  std::string_view Text(int column) const { return layout_.Get(row_, column); }
  std::string String(int column) const { return std::string(Text(column)); }
  bool Empty(int column) const { return TrimSpaces(Text(column)).empty(); }

  std::string Name(int column) const {
    return std::string(spec_.record) + "." + spec_.columns[column].name;
  }

  Status Missing(int column) const {
    return Status::InvalidArgument(Name(column) + ": missing (required)");
  }

  // An id column (ParseId); empty text gives 0 unless required.
  Status Id(int column, Need need, uint64_t* out) const {
    *out = 0;
    if (Empty(column))
      return need == Need::kRequired ? Missing(column) : Status::OK();
    return ParseId(Text(column), Name(column), out);
  }

  // Empty text gives 0 unless required; negative values are an error.
  Status NonNegative(int column, Need need, int64_t* out) const {
    *out = 0;
    if (Empty(column))
      return need == Need::kRequired ? Missing(column) : Status::OK();
    Status s = ParseInt64(Text(column), Name(column), out);
    if (s.ok() && *out < 0)
      s = FieldError(Name(column), Text(column), "is negative");
    return s;
  }

  // Empty text leaves *out unset unless required.
  Status OptionalInt(int column, std::optional<int32_t>* out) const {
    out->reset();
    if (Empty(column)) return Status::OK();
    int64_t v = 0;
    Status s = ParseInt64(Text(column), Name(column), &v);
    if (!s.ok()) return s;
    if (v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max()) {
      return FieldError(Name(column), Text(column), "is out of range");
    }
    *out = static_cast<int32_t>(v);
    return Status::OK();
  }

  Status Time(int column, Need need, std::optional<int64_t>* out) const {
    out->reset();
    if (Empty(column))
      return need == Need::kRequired ? Missing(column) : Status::OK();
    Result<int64_t> ms = ParseIso8601(TrimSpaces(Text(column)), Name(column));
    if (!ms.ok()) return ms.status();
    *out = *ms;
    return Status::OK();
  }

  // An enum by its lower-case name; empty text keeps *out.
  template <typename E>
  Status Enum(int column, Need need, bool (*parse)(const std::string&, E*),
              const char* (*name)(E), int first, int last, E* out) const {
    if (Empty(column))
      return need == Need::kRequired ? Missing(column) : Status::OK();
    if (parse(std::string(TrimSpaces(Text(column))), out)) return Status::OK();
    std::string names;
    for (int v = first; v <= last; ++v) {
      if (!names.empty()) names.append(", ");
      names.append(name(static_cast<E>(v)));
    }
    return FieldError(Name(column), Text(column), "is not one of " + names);
  }

  // The customer a history row belongs to: exactly one of customer_id and
  // customer_code.
  Status CustomerRef(int id_column, int code_column, uint64_t* id,
                     std::string* code) const {
    const bool has_id = !Empty(id_column);
    const bool has_code = !Empty(code_column);
    if (has_id == has_code) {
      return Status::InvalidArgument(
          std::string(spec_.record) + ".customer_id/customer_code: " +
          (has_id ? "both are set; give one" : "missing (give one)"));
    }
    *code = std::string(TrimSpaces(Text(code_column)));
    return Id(id_column, Need::kOptional, id);
  }

 private:
  const FileLayout& layout_;
  const std::vector<std::string>& row_;
  const KindSpec& spec_;
};

// "a;b;c" -> {"a", "b", "c"}; "" -> {}. Empty parts are errors.
Status SplitList(std::string_view text, std::string_view field,
                 std::vector<std::string_view>* parts) {
  parts->clear();
  if (TrimSpaces(text).empty()) return Status::OK();
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(';', start);
    const std::string_view part = text.substr(
        start,
        end == std::string_view::npos ? std::string_view::npos : end - start);
    if (TrimSpaces(part).empty()) {
      return FieldError(
          field, text,
          "has an empty entry " + std::to_string(parts->size() + 1));
    }
    parts->push_back(part);
    if (end == std::string_view::npos) return Status::OK();
    start = end + 1;
  }
}

// "sku:qty:unit_price_minor[:amount_minor]".
Status ParseItem(std::string_view text, const std::string& field,
                 LineItem* item) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(':', start);
    parts.push_back(text.substr(start, end == std::string_view::npos
                                           ? std::string_view::npos
                                           : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts.size() != 3 && parts.size() != 4) {
    return FieldError(field, text,
                      "is not sku:quantity:unit_price_minor[:amount_minor]");
  }
  item->sku = std::string(TrimSpaces(parts[0]));
  Status s = ParseInt64(parts[1], field + " quantity", &item->quantity);
  if (s.ok() && item->quantity <= 0) {
    s = FieldError(field + " quantity", parts[1], "is not positive");
  }
  if (s.ok()) {
    s = ParseInt64(parts[2], field + " unit_price_minor",
                   &item->unit_price_minor);
  }
  if (s.ok() && item->unit_price_minor < 0) {
    s = FieldError(field + " unit_price_minor", parts[2], "is negative");
  }
  if (!s.ok()) return s;
  if (parts.size() == 4) {
    s = ParseInt64(parts[3], field + " amount_minor", &item->amount_minor);
    if (s.ok() && item->amount_minor < 0) {
      s = FieldError(field + " amount_minor", parts[3], "is negative");
    }
    return s;
  }
  if (__builtin_mul_overflow(item->quantity, item->unit_price_minor,
                             &item->amount_minor)) {
    return FieldError(field, text, "overflows: quantity × unit price");
  }
  return Status::OK();
}

}  // namespace

const char* FileKindName(FileKind kind) { return NameOf(kFileKinds, kind); }

std::string_view FileLayout::Get(const std::vector<std::string>& row,
                                 int column) const {
  const int field = field_of_column[column];
  if (field < 0 || static_cast<size_t>(field) >= row.size()) return {};
  return row[field];
}

Result<FileLayout> ClassifyHeader(const std::vector<std::string>& header) {
  std::vector<std::string> names;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name(TrimSpaces(header[i]));
    if (name.empty()) {
      return Status::InvalidArgument("header: column " + std::to_string(i + 1) +
                                     " has no name");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return Status::InvalidArgument("header: column " + QuoteValue(name) +
                                     " appears twice");
    }
    names.push_back(std::move(name));
  }
  // The column tables are built so that at most one kind can match: each
  // kind requires a column that the others do not know.
  for (const KindSpec& spec : kKinds) {
    if (!CheckKind(spec, names).ok()) continue;
    FileLayout layout;
    layout.kind = spec.kind;
    layout.num_fields = header.size();
    layout.field_of_column.assign(spec.num_columns, -1);
    for (size_t i = 0; i < names.size(); ++i) {
      layout.field_of_column[FindColumn(spec, names[i])] = static_cast<int>(i);
    }
    return layout;
  }
  // No kind matches: explain against the closest one, the kind with the
  // fewest unknown columns, then the fewest missing required ones.
  const KindSpec* closest = nullptr;
  std::pair<size_t, size_t> closest_distance;
  for (const KindSpec& spec : kKinds) {
    const std::pair<size_t, size_t> distance = Distance(spec, names);
    if (closest == nullptr || distance < closest_distance) {
      closest = &spec;
      closest_distance = distance;
    }
  }
  Status why = CheckKind(*closest, names);
  return Status::InvalidArgument(
      why.message() +
      "; a header names the columns of channels, customers, orders or "
      "interactions (docs/IMPORT.md)");
}

Result<Channel> ParseChannelRow(const FileLayout& layout,
                                const std::vector<std::string>& row) {
  const RowFields f(layout, row);
  Channel c;
  Status s = f.Id(kChId, Need::kRequired, &c.id);
  if (s.ok()) {
    c.name = f.String(kChName);
    if (c.name.empty()) s = f.Missing(kChName);
  }
  if (s.ok()) {
    s = f.Enum(kChType, Need::kRequired, &ParseChannelType, &ChannelTypeName, 1,
               8, &c.type);
  }
  if (s.ok()) s = f.Id(kChParentId, Need::kOptional, &c.parent_id);
  c.region = f.String(kChRegion);
  if (s.ok() && !f.Empty(kChActive)) {
    s = ParseBool(f.Text(kChActive), f.Name(kChActive), &c.active);
  }
  if (!s.ok()) return s;
  return c;
}

Result<Customer> ParseCustomerRow(const FileLayout& layout,
                                  const std::vector<std::string>& row) {
  const RowFields f(layout, row);
  Customer c;
  if (f.Empty(kCuId) && f.Empty(kCuCode)) {
    return Status::InvalidArgument("customer.id/code: missing (give one)");
  }
  Status s = f.Id(kCuId, Need::kOptional, &c.id);
  c.code = std::string(TrimSpaces(f.Text(kCuCode)));
  c.email = f.String(kCuEmail);
  c.phone = f.String(kCuPhone);
  c.name = f.String(kCuName);
  c.region = f.String(kCuRegion);
  if (s.ok()) {
    s = f.Enum(kCuGender, Need::kOptional, &ParseGender, &GenderName, 0, 3,
               &c.gender);
  }
  std::optional<int32_t> birth_year;
  if (s.ok()) s = f.OptionalInt(kCuBirthYear, &birth_year);
  c.birth_year = birth_year.value_or(0);
  if (s.ok()) {
    s = f.Id(kCuAcquisitionChannelId, Need::kOptional,
             &c.acquisition_channel_id);
  }
  if (s.ok()) s = f.Id(kCuOwnerChannelId, Need::kOptional, &c.owner_channel_id);
  std::vector<std::string_view> parts;
  if (s.ok()) s = SplitList(f.Text(kCuTags), f.Name(kCuTags), &parts);
  if (s.ok()) {
    for (std::string_view tag : parts) c.tags.emplace_back(TrimSpaces(tag));
    s = SplitList(f.Text(kCuAttributes), f.Name(kCuAttributes), &parts);
  }
  for (size_t i = 0; s.ok() && i < parts.size(); ++i) {
    const size_t eq = parts[i].find('=');
    const std::string key(TrimSpaces(parts[i].substr(0, eq)));
    if (eq == std::string_view::npos || key.empty()) {
      s = FieldError(f.Name(kCuAttributes), parts[i], "is not key=value");
    } else if (!c.attributes.emplace(key, parts[i].substr(eq + 1)).second) {
      s = FieldError(f.Name(kCuAttributes), key, "appears twice");
    }
  }
  std::optional<int64_t> created_at;
  if (s.ok()) s = f.Time(kCuCreatedAt, Need::kOptional, &created_at);
  c.created_at_ms = created_at.value_or(0);
  if (!s.ok()) return s;
  return c;
}

Result<OrderRow> ParseOrderRow(const FileLayout& layout,
                               const std::vector<std::string>& row) {
  const RowFields f(layout, row);
  OrderRow r;
  Order& o = r.order;
  Status s = f.Id(kOrId, Need::kRequired, &o.id);
  if (s.ok()) {
    s = f.CustomerRef(kOrCustomerId, kOrCustomerCode, &o.customer_id,
                      &r.customer_code);
  }
  if (s.ok()) s = f.Id(kOrChannelId, Need::kRequired, &o.channel_id);
  std::optional<int64_t> ts;
  if (s.ok()) s = f.Time(kOrTs, Need::kRequired, &ts);
  o.ts_ms = ts.value_or(0);
  if (s.ok())
    s = f.NonNegative(kOrAmountMinor, Need::kRequired, &o.amount_minor);
  o.currency = std::string(TrimSpaces(f.Text(kOrCurrency)));
  if (s.ok()) {
    s = f.Enum(kOrKind, Need::kOptional, &ParseOrderKind, &OrderKindName, 1, 2,
               &o.kind);
  }
  if (s.ok()) {
    s = f.Enum(kOrStatus, Need::kOptional, &ParseOrderStatus, &OrderStatusName,
               1, 5, &o.status);
  }
  std::vector<std::string_view> parts;
  if (s.ok()) s = SplitList(f.Text(kOrItems), f.Name(kOrItems), &parts);
  for (size_t i = 0; s.ok() && i < parts.size(); ++i) {
    LineItem item;
    s = ParseItem(parts[i],
                  f.Name(kOrItems) + "[" + std::to_string(i + 1) + "]", &item);
    o.items.push_back(std::move(item));
  }
  if (!s.ok()) return s;
  return r;
}

Result<InteractionRow> ParseInteractionRow(
    const FileLayout& layout, const std::vector<std::string>& row) {
  const RowFields f(layout, row);
  InteractionRow r;
  Interaction& x = r.interaction;
  Status s = f.Id(kInId, Need::kRequired, &x.id);
  // The engine would assign an id for 0, and a re-import would then add
  // the interaction again.
  if (s.ok() && x.id == 0) s = FieldError(f.Name(kInId), "0", "is not an id");
  if (s.ok()) {
    s = f.CustomerRef(kInCustomerId, kInCustomerCode, &x.customer_id,
                      &r.customer_code);
  }
  if (s.ok()) s = f.Id(kInChannelId, Need::kOptional, &x.channel_id);
  std::optional<int64_t> ts;
  if (s.ok()) s = f.Time(kInTs, Need::kRequired, &ts);
  x.ts_ms = ts.value_or(0);
  if (s.ok()) {
    s = f.Enum(kInKind, Need::kRequired, &ParseInteractionKind,
               &InteractionKindName, 1, 9, &x.kind);
  }
  if (s.ok()) s = f.OptionalInt(kInSatisfaction, &x.satisfaction);
  if (s.ok()) s = f.OptionalInt(kInNps, &x.nps);
  x.staff_id = std::string(TrimSpaces(f.Text(kInStaffId)));
  x.note = f.String(kInNote);
  if (s.ok()) s = f.Time(kInResolvedAt, Need::kOptional, &x.resolved_at_ms);
  if (!s.ok()) return s;
  return r;
}

}  // namespace import
}  // namespace custdb
