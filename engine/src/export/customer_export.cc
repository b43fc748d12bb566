// ExportCustomers: one table of columns feeds both CSV and JSON Lines.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/enum_names.h"
#include "custdb/export.h"
#include "custdb/time_format.h"
#include "export/csv_writer.h"

namespace custdb {
namespace {

constexpr NamedValue<ExportFormat> kExportFormats[] = {
    {ExportFormat::kCsv, "csv"},
    {ExportFormat::kJsonl, "jsonl"},
};
static_assert(IsDense(kExportFormats));

using Json = nlohmann::ordered_json;

Json TimeOrNull(int64_t ms) {
  return ms == 0 ? Json(nullptr) : Json(FormatIso8601(ms));
}

Json IdOrNull(uint64_t id) { return id == 0 ? Json(nullptr) : Json(id); }

// An R, F or M score; a prospect has none (0).
Json ScoreOrNull(int score) { return score == 0 ? Json(nullptr) : Json(score); }

struct ExportColumn {
  const char* name;
  Json (*value)(const CustomerRecord& r);
};

// The export's columns, in order. Absent values are null.
const ExportColumn kColumns[] = {
    {"id", [](const CustomerRecord& r) { return Json(r.profile.id); }},
    {"code", [](const CustomerRecord& r) { return Json(r.profile.code); }},
    {"email", [](const CustomerRecord& r) { return Json(r.profile.email); }},
    {"phone", [](const CustomerRecord& r) { return Json(r.profile.phone); }},
    {"name", [](const CustomerRecord& r) { return Json(r.profile.name); }},
    {"region", [](const CustomerRecord& r) { return Json(r.profile.region); }},
    {"gender",
     [](const CustomerRecord& r) {
       return Json(GenderName(r.profile.gender));
     }},
    {"birth_year",
     [](const CustomerRecord& r) {
       return r.profile.birth_year == 0 ? Json(nullptr)
                                        : Json(r.profile.birth_year);
     }},
    {"acquisition_channel",
     [](const CustomerRecord& r) {
       return IdOrNull(r.profile.acquisition_channel_id);
     }},
    {"owner_channel",
     [](const CustomerRecord& r) {
       return IdOrNull(r.profile.owner_channel_id);
     }},
    {"tags", [](const CustomerRecord& r) { return Json(r.profile.tags); }},
    {"attributes",
     [](const CustomerRecord& r) { return Json(r.profile.attributes); }},
    {"created_at",
     [](const CustomerRecord& r) {
       return TimeOrNull(r.profile.created_at_ms);
     }},
    {"order_count",
     [](const CustomerRecord& r) { return Json(r.aggregates.order_count); }},
    {"completed_order_count",
     [](const CustomerRecord& r) {
       return Json(r.aggregates.completed_order_count);
     }},
    {"spend_minor",
     [](const CustomerRecord& r) {
       return Json(r.aggregates.total_spend_minor);
     }},
    {"first_order_at",
     [](const CustomerRecord& r) {
       return TimeOrNull(r.aggregates.first_order_ms);
     }},
    {"last_order_at",
     [](const CustomerRecord& r) {
       return TimeOrNull(r.aggregates.last_order_ms);
     }},
    {"last_interaction_at",
     [](const CustomerRecord& r) {
       return TimeOrNull(r.aggregates.last_interaction_ms);
     }},
    {"last_activity_at",
     [](const CustomerRecord& r) {
       return TimeOrNull(r.aggregates.last_activity_ms);
     }},
    {"interaction_count",
     [](const CustomerRecord& r) {
       return Json(r.aggregates.interaction_count);
     }},
    {"complaint_count",
     [](const CustomerRecord& r) {
       return Json(r.aggregates.complaint_count);
     }},
    {"open_complaint_count",
     [](const CustomerRecord& r) {
       return Json(r.aggregates.open_complaint_count);
     }},
    {"satisfaction_sum",
     [](const CustomerRecord& r) {
       return Json(r.aggregates.satisfaction_sum);
     }},
    {"satisfaction_count",
     [](const CustomerRecord& r) {
       return Json(r.aggregates.satisfaction_count);
     }},
    {"last_nps",
     [](const CustomerRecord& r) {
       return r.aggregates.last_nps < 0 ? Json(nullptr)
                                        : Json(r.aggregates.last_nps);
     }},
    // The derived attributes (derived.h), after the columns above so that
    // readers of the older layout find theirs where they were.
    {"value_tier",
     [](const CustomerRecord& r) {
       return Json(ValueTierName(r.derived.value_tier));
     }},
    {"r", [](const CustomerRecord& r) { return ScoreOrNull(r.derived.r); }},
    {"f", [](const CustomerRecord& r) { return ScoreOrNull(r.derived.f); }},
    {"m", [](const CustomerRecord& r) { return ScoreOrNull(r.derived.m); }},
    {"segment",
     [](const CustomerRecord& r) {
       return r.derived.segment < 0 ? Json(nullptr)
                                    : Json(r.derived.segment_name);
     }},
    {"lifecycle",
     [](const CustomerRecord& r) {
       return Json(LifecycleStageName(r.derived.lifecycle));
     }},
    {"churn_risk",
     [](const CustomerRecord& r) { return Json(r.derived.churn_risk); }},
    {"loyalty_points",
     [](const CustomerRecord& r) { return Json(r.derived.loyalty_points); }},
};

// The CSV text of a column value: null is empty, a list is joined by ';',
// an object is written as key=value pairs joined by ';'.
std::string CsvText(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "";
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::array: {
      std::string out;
      for (const Json& item : value) {
        if (!out.empty()) out.push_back(';');
        out.append(CsvText(item));
      }
      return out;
    }
    case Json::value_t::object: {
      std::string out;
      for (const auto& [key, item] : value.items()) {
        if (!out.empty()) out.push_back(';');
        out.append(key).push_back('=');
        out.append(CsvText(item));
      }
      return out;
    }
    default:
      return value.dump();
  }
}

}  // namespace

bool ParseExportFormat(const std::string& name, ExportFormat* out) {
  return ParseName(kExportFormats, name, out);
}

const std::vector<std::string>& CustomerExportColumns() {
  static const std::vector<std::string>* const columns = [] {
    auto* names = new std::vector<std::string>();
    for (const ExportColumn& column : kColumns) names->push_back(column.name);
    return names;
  }();
  return *columns;
}

Status ExportCustomers(Engine& engine, ExportFormat format, std::ostream& out,
                       int64_t* written) {
  int64_t count = 0;
  std::string line;
  if (format == ExportFormat::kCsv) {
    exporter::AppendCsvRow(CustomerExportColumns(), &line);
    out << line;
  }
  std::vector<std::string> fields;
  Status s = engine.ForEachCustomer([&](const CustomerRecord& record) {
    line.clear();
    if (format == ExportFormat::kCsv) {
      fields.clear();
      for (const ExportColumn& column : kColumns) {
        fields.push_back(CsvText(column.value(record)));
      }
      exporter::AppendCsvRow(fields, &line);
    } else {
      Json object = Json::object();
      for (const ExportColumn& column : kColumns) {
        object[column.name] = column.value(record);
      }
      // Invalid UTF-8 in a stored string is replaced, never thrown.
      line = object.dump(-1, ' ', false, Json::error_handler_t::replace);
      line.push_back('\n');
    }
    out << line;
    if (!out) return Status::IOError("export: writing the output failed");
    ++count;
    return Status::OK();
  });
  if (s.ok() && !out.flush()) {
    s = Status::IOError("export: writing the output failed");
  }
  if (written != nullptr) *written = count;
  return s;
}

}  // namespace custdb
