// ExportCustomers: one table of columns feeds both CSV and JSON Lines.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/enum_names.h"
#include "custdb/export.h"
#include "custdb/query.h"
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

namespace {

// Writes the export's rows, one call per customer, counting them.
class RowWriter {
 public:
  RowWriter(ExportFormat format, std::ostream& out)
      : format_(format), out_(out) {
    if (format_ == ExportFormat::kCsv) {
      exporter::AppendCsvRow(CustomerExportColumns(), &line_);
      out_ << line_;
    }
  }

  Status Write(const CustomerRecord& record) {
    line_.clear();
    if (format_ == ExportFormat::kCsv) {
      fields_.clear();
      for (const ExportColumn& column : kColumns) {
        fields_.push_back(CsvText(column.value(record)));
      }
      exporter::AppendCsvRow(fields_, &line_);
    } else {
      Json object = Json::object();
      for (const ExportColumn& column : kColumns) {
        object[column.name] = column.value(record);
      }
      // Invalid UTF-8 in a stored string is replaced, never thrown.
      line_ = object.dump(-1, ' ', false, Json::error_handler_t::replace);
      line_.push_back('\n');
    }
    out_ << line_;
    if (!out_) return Status::IOError("export: writing the output failed");
    ++count_;
    return Status::OK();
  }

  // The status of the export once every row is written: `s`, or kIOError
  // if the output cannot be flushed.
  Status Finish(Status s, int64_t* written) {
    if (s.ok() && !out_.flush()) {
      s = Status::IOError("export: writing the output failed");
    }
    if (written != nullptr) *written = count_;
    return s;
  }

 private:
  const ExportFormat format_;
  std::ostream& out_;
  std::string line_;
  std::vector<std::string> fields_;
  int64_t count_ = 0;
};

}  // namespace

Status ExportCustomers(Engine& engine, ExportFormat format, std::ostream& out,
                       int64_t* written) {
  RowWriter writer(format, out);
  Status s = engine.ForEachCustomer(
      [&](const CustomerRecord& record) { return writer.Write(record); });
  return writer.Finish(std::move(s), written);
}

Status ExportStoreCustomers(Store& store, ExportFormat format,
                            std::ostream& out, int64_t* written) {
  RowWriter writer(format, out);
  CustomerQuery query;
  query.order = CustomerOrder::kId;
  // Big pages, few round trips; a server with a lower row limit pages
  // them further through the cursor.
  query.limit = 1000;
  Status s;
  do {
    Result<CustomerPage> page = store.FindCustomers(query);
    if (!page.ok()) {
      s = page.status();
      break;
    }
    for (const CustomerRecord& record : page->customers) {
      s = writer.Write(record);
      if (!s.ok()) break;
    }
    query.cursor = std::move(page->next_cursor);
  } while (s.ok() && !query.cursor.empty());
  return writer.Finish(std::move(s), written);
}

}  // namespace custdb
