// ImportCustdbCsv: header-driven CSV files of channels, customers, orders
// and interactions, applied in that order.
#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/messages.h"
#include "custdb/import.h"
#include "import/csv_reader.h"
#include "import/custdb_csv_schema.h"
#include "import/event_batcher.h"
#include "import/file_source.h"
#include "import/report_builder.h"
#include "import/same_record.h"

namespace custdb {
namespace import {
namespace {

constexpr int64_t kProgressEveryRows = 8192;

struct InputFile {
  std::string path;
  FileLayout layout;
};

// A row's place, kept compactly for the duplicate checks.
struct RowPlace {
  size_t file = 0;  // index into the importer's files
  int64_t line = 0;
  int64_t last_line = 0;
};

// Notes and names may hold line breaks (docs/IMPORT.md), and the exporter
// writes them so; the report lists the rows that span lines.
CsvOptions CustdbCsvOptions() {
  CsvOptions options;
  options.allow_multiline_fields = true;
  return options;
}

// What the importer remembers about each queued event.
struct RowNote {
  SourceLine where;
  FileKind kind = FileKind::kCustomer;
  OrderKind order_kind = OrderKind::kSale;
};

// Opens `path`, reads its header and picks its record kind.
Result<InputFile> ReadHeader(const std::string& path) {
  Result<std::unique_ptr<FileSource>> source = FileSource::Open(path);
  if (!source.ok()) return source.status();
  CsvReader reader((*source)->Bytes(), CustdbCsvOptions());
  CsvRecord header;
  Result<bool> got = reader.Next(&header);
  if (!got.ok()) return got.status();
  if (!*got) {
    return Status::InvalidArgument(path + ": empty file; want a header line");
  }
  const std::string where = path + ":" + std::to_string(header.line) + ": ";
  if (!header.error.ok()) {
    return Status::InvalidArgument(where + "header: " + header.error.message());
  }
  Result<FileLayout> layout = ClassifyHeader(header.fields);
  if (!layout.ok()) {
    return Status::InvalidArgument(where + layout.status().message());
  }
  return InputFile{path, std::move(layout).value()};
}

class CustdbImporter {
 public:
  CustdbImporter(Engine* engine, const ImportOptions& options,
                 const std::vector<InputFile>* files, ReportBuilder* report)
      : engine_(engine),
        options_(options),
        files_(files),
        report_(report),
        batcher_(
            engine, options.batch_size,
            [this](const RowNote& note, const Event& event,
                   const Status& status) { OnResult(note, event, status); }) {}

  // Makes the engine assign ids to customer rows without one above every
  // id the customers files give, so that no row's explicit id can have
  // been given to an earlier row by the engine. Non-ok if a file could not
  // be read.
  Status ReserveExplicitCustomerIds();

  // Imports the rows of (*files_)[index]. Non-ok if the file could not be
  // read or a batch not committed.
  Status ImportFile(size_t index);

 private:
  // Queues or applies one data row; non-ok only if a commit failed.
  Status ImportRow(size_t file, const CsvRecord& record);
  Status AddChannel(const RowPlace& place, const std::vector<std::string>& row);
  Status AddCustomer(const RowPlace& place,
                     const std::vector<std::string>& row);
  Status AddOrder(const RowPlace& place, const std::vector<std::string>& row);
  Status AddInteraction(const RowPlace& place,
                        const std::vector<std::string>& row);
  void OnResult(const RowNote& note, const Event& event, const Status& status);

  SourceLine Where(const RowPlace& place) const {
    return SourceLine{(*files_)[place.file].path, place.line, place.last_line};
  }
  // Registers `key` as seen at `place`; if it was seen before, returns the
  // error for `field` naming where.
  template <typename Key>
  Status FirstSighting(std::unordered_map<Key, RowPlace>* seen, const Key& key,
                       const std::string& field, const std::string& shown,
                       const RowPlace& place);
  // The id of the customer with `code`; kInvalidArgument naming `field` if
  // there is none.
  Result<uint64_t> CustomerIdOfCode(const std::string& code,
                                    const std::string& field);
  // For a record rejected with kAlreadyExists: OK if the record stored
  // under its id (a customer without an id: its code) is the row's record,
  // imported before; else the failure to report.
  Status StoredIsSame(const Event& event, const Status& status);

  Engine* engine_;
  const ImportOptions& options_;
  const std::vector<InputFile>* files_;
  ReportBuilder* report_;
  EventBatcher<RowNote> batcher_;
  const FileLayout* layout_ = nullptr;  // of the file being imported

  // Ids and codes met in this import: the input must not repeat them.
  std::unordered_map<uint64_t, RowPlace> channel_ids_;
  std::unordered_map<uint64_t, RowPlace> customer_ids_;
  std::unordered_map<std::string, RowPlace> customer_codes_;
  std::unordered_map<uint64_t, RowPlace> order_ids_;
  std::unordered_map<uint64_t, RowPlace> interaction_ids_;
  // Customer codes resolved for orders and interactions; 0: no customer.
  std::unordered_map<std::string, uint64_t> code_ids_;
};

Status CustdbImporter::ImportFile(size_t index) {
  const InputFile& file = (*files_)[index];
  layout_ = &file.layout;
  Result<std::unique_ptr<FileSource>> source = FileSource::Open(file.path);
  if (!source.ok()) return source.status();
  const uint64_t total = (*source)->bytes_total();
  report_->Progress(file.path, "reading", 0, total, 0, 0);
  CsvReader reader((*source)->Bytes(), CustdbCsvOptions());
  CsvRecord record;
  bool header = true;
  for (;;) {
    Result<bool> got = reader.Next(&record);
    if (!got.ok()) {
      report_->FileRead(reader);
      return got.status();
    }
    if (!*got) break;
    if (header) {  // checked by ReadHeader
      header = false;
      report_->HeaderRead(record);
      continue;
    }
    if (StopRequested(options_)) {
      // The rows read so far end where they would have: their batch is
      // committed, so a re-run finds them all.
      Status s = batcher_.Write();
      return s.ok() ? Interrupted() : s;
    }
    Status s = ImportRow(index, record);
    if (!s.ok()) {
      report_->FileRead(reader);
      return s;
    }
    if (report_->report().rows_read % kProgressEveryRows == 0) {
      report_->Progress(file.path, "reading", (*source)->bytes_read(), total,
                        static_cast<int64_t>(batcher_.written()), 0);
    }
  }
  report_->FileRead(reader);
  Status s = batcher_.Write();
  report_->Progress(file.path, "reading", total, total,
                    static_cast<int64_t>(batcher_.written()), 0);
  return s;
}

Status CustdbImporter::ImportRow(size_t file, const CsvRecord& record) {
  const RowPlace place{file, record.line, record.last_line};
  report_->RowRead(Where(place));
  if (!record.error.ok()) {
    report_->Fail(Where(place), record.error);
    return Status::OK();
  }
  if (record.fields.size() != layout_->num_fields) {
    report_->Fail(Where(place),
                  Status::InvalidArgument("row has " +
                                          std::to_string(record.fields.size()) +
                                          " fields; the header has " +
                                          std::to_string(layout_->num_fields)));
    return Status::OK();
  }
  switch (layout_->kind) {
    case FileKind::kChannel:
      return AddChannel(place, record.fields);
    case FileKind::kCustomer:
      return AddCustomer(place, record.fields);
    case FileKind::kOrder:
      return AddOrder(place, record.fields);
    case FileKind::kInteraction:
      return AddInteraction(place, record.fields);
  }
  return Status::Internal("unknown record kind");
}

template <typename Key>
Status CustdbImporter::FirstSighting(std::unordered_map<Key, RowPlace>* seen,
                                     const Key& key, const std::string& field,
                                     const std::string& shown,
                                     const RowPlace& place) {
  const auto [it, inserted] = seen->emplace(key, place);
  if (inserted) return Status::OK();
  const SourceLine first = Where(it->second);
  return Status::InvalidArgument(field + ": " + shown + " repeats line " +
                                 std::to_string(first.line) + " of " +
                                 first.file);
}

Status CustdbImporter::AddChannel(const RowPlace& place,
                                  const std::vector<std::string>& row) {
  Result<Channel> channel = ParseChannelRow(*layout_, row);
  Status s = channel.status();
  if (s.ok()) {
    s = FirstSighting(&channel_ids_, channel->id, "channel.id",
                      std::to_string(channel->id), place);
  }
  // Channels are few and PutChannel creates or replaces, so they are
  // written one by one and a re-import simply rewrites them.
  if (s.ok()) s = engine_->PutChannel(*channel);
  if (s.ok()) {
    report_->Imported(1);
    ++report_->report().channels_written;
  } else {
    report_->Fail(Where(place), s);
  }
  return Status::OK();
}

Status CustdbImporter::AddCustomer(const RowPlace& place,
                                   const std::vector<std::string>& row) {
  Result<Customer> customer = ParseCustomerRow(*layout_, row);
  Status s = customer.status();
  if (s.ok() && customer->id != 0) {
    s = FirstSighting(&customer_ids_, customer->id, "customer.id",
                      std::to_string(customer->id), place);
  }
  if (s.ok() && !customer->code.empty()) {
    s = FirstSighting(&customer_codes_, customer->code, "customer.code",
                      "'" + customer->code + "'", place);
  }
  if (!s.ok()) {
    report_->Fail(Where(place), s);
    return Status::OK();
  }
  if (customer->id == 0 && !customer->code.empty()) {
    // Found by its code before it reaches the engine, which would assign
    // it an id first and only then find the code taken: a re-import would
    // use up an id for every customer imported before, and the customers
    // it does create would get other ids than in an uninterrupted import.
    Result<CustomerRecord> found = engine_->GetCustomerByCode(customer->code);
    if (found.ok() || !found.status().IsNotFound()) {
      if (found.ok()) {
        report_->Skip(kSkipDuplicate, Where(place));
      } else {
        report_->Fail(Where(place), found.status());
      }
      return Status::OK();
    }
  }
  RowNote note;
  note.where = Where(place);
  note.kind = FileKind::kCustomer;
  return batcher_.Add(std::move(customer).value(), std::move(note));
}

Result<uint64_t> CustdbImporter::CustomerIdOfCode(const std::string& code,
                                                  const std::string& field) {
  auto it = code_ids_.find(code);
  if (it == code_ids_.end()) {
    Result<CustomerRecord> found = engine_->GetCustomerByCode(code);
    if (!found.ok() && !found.status().IsNotFound()) return found.status();
    const uint64_t id = found.ok() ? found->profile.id : 0;
    it = code_ids_.emplace(code, id).first;
  }
  if (it->second == 0) {
    return Status::InvalidArgument(field + ": '" + code +
                                   "' is not the code of a customer");
  }
  return it->second;
}

Status CustdbImporter::AddOrder(const RowPlace& place,
                                const std::vector<std::string>& row) {
  Result<OrderRow> parsed = ParseOrderRow(*layout_, row);
  Status s = parsed.status();
  if (s.ok()) {
    s = FirstSighting(&order_ids_, parsed->order.id, "order.id",
                      std::to_string(parsed->order.id), place);
  }
  if (s.ok() && !parsed->customer_code.empty()) {
    Result<uint64_t> id =
        CustomerIdOfCode(parsed->customer_code, "order.customer_code");
    s = id.status();
    if (s.ok()) parsed->order.customer_id = *id;
  }
  if (!s.ok()) {
    report_->Fail(Where(place), s);
    return Status::OK();
  }
  RowNote note;
  note.where = Where(place);
  note.kind = FileKind::kOrder;
  note.order_kind = parsed->order.kind;
  return batcher_.Add(std::move(parsed->order), std::move(note));
}

Status CustdbImporter::AddInteraction(const RowPlace& place,
                                      const std::vector<std::string>& row) {
  Result<InteractionRow> parsed = ParseInteractionRow(*layout_, row);
  Status s = parsed.status();
  if (s.ok()) {
    s = FirstSighting(&interaction_ids_, parsed->interaction.id,
                      "interaction.id", std::to_string(parsed->interaction.id),
                      place);
  }
  if (s.ok() && !parsed->customer_code.empty()) {
    Result<uint64_t> id =
        CustomerIdOfCode(parsed->customer_code, "interaction.customer_code");
    s = id.status();
    if (s.ok()) parsed->interaction.customer_id = *id;
  }
  if (!s.ok()) {
    report_->Fail(Where(place), s);
    return Status::OK();
  }
  RowNote note;
  note.where = Where(place);
  note.kind = FileKind::kInteraction;
  return batcher_.Add(std::move(parsed->interaction), std::move(note));
}

Status CustdbImporter::ReserveExplicitCustomerIds() {
  uint64_t largest = 0;
  for (const InputFile& file : *files_) {
    if (file.layout.kind != FileKind::kCustomer) continue;
    Result<std::unique_ptr<FileSource>> source = FileSource::Open(file.path);
    if (!source.ok()) return source.status();
    CsvReader reader((*source)->Bytes());
    CsvRecord record;
    for (bool header = true;; header = false) {
      Result<bool> got = reader.Next(&record);
      if (!got.ok()) return got.status();
      if (!*got) break;
      if (header || !record.error.ok() ||
          record.fields.size() != file.layout.num_fields) {
        continue;  // the import pass reports these rows
      }
      Result<Customer> customer = ParseCustomerRow(file.layout, record.fields);
      if (customer.ok() && customer->id > largest) largest = customer->id;
    }
  }
  return largest == 0 ? Status::OK() : engine_->ReserveCustomerIds(largest);
}

// Whose record `id` is now: a merge since the first import moved the
// row's records to the survivor, and the row's customer id resolves to it.
static uint64_t OwnerNow(Engine* engine, uint64_t customer_id) {
  Result<CustomerRecord> customer = engine->GetCustomer(customer_id);
  return customer.ok() ? customer->profile.id : customer_id;
}

Status CustdbImporter::StoredIsSame(const Event& event, const Status& status) {
  if (const auto* c = std::get_if<Customer>(&event)) {
    Result<CustomerRecord> stored = c->id != 0
                                        ? engine_->GetCustomer(c->id)
                                        : engine_->GetCustomerByCode(c->code);
    // Not stored: the clash was on another customer's email or phone.
    if (!stored.ok()) return status;
    const Customer& s = stored->profile;
    // Merged since its import: the id now names the survivor.
    if (c->id != 0 && s.id != c->id) return Status::OK();
    std::string difference;
    if (!c->code.empty() && c->code != s.code) {
      difference = "code: " + QuoteValue(s.code) + " stored, " +
                   QuoteValue(c->code) + " in the row";
    } else if (c->created_at_ms != 0 && c->created_at_ms != s.created_at_ms) {
      difference = "created_at_ms: " + std::to_string(s.created_at_ms) +
                   " stored, " + std::to_string(c->created_at_ms) +
                   " in the row";
    }
    if (difference.empty()) return Status::OK();
    return Collision("customer.id", s.id, difference);
  }
  if (const auto* o = std::get_if<Order>(&event)) {
    Result<Order> stored = engine_->GetOrder(o->id);
    if (!stored.ok()) return status;
    const std::string difference =
        OrderDifference(*o, OwnerNow(engine_, o->customer_id), *stored,
                        engine_->base_currency());
    return difference.empty() ? Status::OK()
                              : Collision("order.id", o->id, difference);
  }
  if (const auto* in = std::get_if<Interaction>(&event)) {
    Result<Interaction> stored = engine_->GetInteraction(in->id);
    if (!stored.ok()) return status;
    const std::string difference =
        InteractionDifference(*in, OwnerNow(engine_, in->customer_id), *stored);
    return difference.empty() ? Status::OK()
                              : Collision("interaction.id", in->id, difference);
  }
  return status;
}

void CustdbImporter::OnResult(const RowNote& note, const Event& event,
                              const Status& status) {
  if (status.ok()) {
    report_->Imported(1);
    ImportReport& r = report_->report();
    switch (note.kind) {
      case FileKind::kCustomer:
        ++r.customers_created;
        break;
      case FileKind::kOrder:
        ++(note.order_kind == OrderKind::kCreditNote ? r.credit_notes_created
                                                     : r.orders_created);
        break;
      case FileKind::kInteraction:
        ++r.interactions_created;
        break;
      case FileKind::kChannel:
        break;
    }
    return;
  }
  // The input repeats no id (FirstSighting), so an id that exists was
  // written before this import: a re-import if the stored record is the
  // row's, else a different record colliding with it. A customer may also
  // clash on its email or phone with another customer: a failure.
  const Status same =
      status.IsAlreadyExists() ? StoredIsSame(event, status) : status;
  if (same.ok()) {
    report_->Skip(kSkipDuplicate, note.where);
  } else {
    report_->Fail(note.where, same);
  }
}

}  // namespace
}  // namespace import

Status CheckCustdbCsvInput(const std::vector<std::string>& paths,
                           const ImportOptions& options) {
  Status s = import::CheckBatchSize(options.batch_size);
  if (s.ok() && paths.empty()) {
    s = Status::InvalidArgument("import: no files given");
  }
  for (size_t i = 0; s.ok() && i < paths.size(); ++i) {
    s = import::ReadHeader(paths[i]).status();
  }
  return s;
}

Status ImportCustdbCsv(Engine& engine, const std::vector<std::string>& paths,
                       const ImportOptions& options, ImportReport* report) {
  using import::CustdbImporter;
  using import::InputFile;
  import::ReportBuilder builder(report, options);
  Status s = import::CheckBatchSize(options.batch_size);
  if (s.ok() && paths.empty()) {
    s = Status::InvalidArgument("import: no files given");
  }
  // Every header is checked before anything is written.
  std::vector<InputFile> files;
  for (size_t i = 0; s.ok() && i < paths.size(); ++i) {
    Result<InputFile> file = import::ReadHeader(paths[i]);
    s = file.status();
    if (s.ok()) files.push_back(std::move(file).value());
  }
  if (!s.ok()) {
    builder.Finish();
    return s;
  }
  std::stable_sort(files.begin(), files.end(),
                   [](const InputFile& a, const InputFile& b) {
                     return a.layout.kind < b.layout.kind;
                   });
  CustdbImporter importer(&engine, options, &files, &builder);
  s = importer.ReserveExplicitCustomerIds();
  for (size_t i = 0; s.ok() && i < files.size(); ++i) {
    s = importer.ImportFile(i);
  }
  report->interrupted = s.code() == StatusCode::kCancelled;
  // Flush even after an error: what was committed should survive.
  Status flushed = engine.Flush();
  if (s.ok()) s = flushed;
  builder.Finish();
  return s;
}

}  // namespace custdb
