// ImportOnlineRetail: the UCI Online Retail data set as channel "online",
// customers, orders and credit notes (mapping in docs/IMPORT.md).
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/messages.h"
#include "custdb/import.h"
#include "custdb/time_format.h"
#include "import/csv_reader.h"
#include "import/event_batcher.h"
#include "import/field_parse.h"
#include "import/file_source.h"
#include "import/report_builder.h"
#include "import/same_record.h"

namespace custdb {
namespace import {
namespace {

constexpr uint64_t kCreditNoteIdBase = uint64_t{1} << 62;
constexpr uint64_t kOnlineChannelId = 1;
constexpr char kOnlineChannelName[] = "online";
constexpr char kCurrency[] = "GBP";
constexpr int64_t kProgressEveryRows = 8192;
constexpr size_t kProgressEveryRecords = 1000;
constexpr size_t kNone = SIZE_MAX;

enum RetailColumn {
  kInvoiceNo,
  kStockCode,
  kDescription,  // optional and not stored: items carry no description
  kQuantity,
  kInvoiceDate,
  kUnitPrice,
  kCustomerId,
  kCountry,
  kNumRetailColumns,
};
constexpr const char* kRetailColumnNames[kNumRetailColumns] = {
    "InvoiceNo",   "StockCode", "Description", "Quantity",
    "InvoiceDate", "UnitPrice", "CustomerID",  "Country",
};

struct Invoice {
  std::string number;  // as written, e.g. "C536379"
  uint64_t order_id = 0;
  bool credit_note = false;
  size_t customer = kNone;  // index into RetailImporter::customers_
  int64_t first_line = 0;
  int64_t ts_ms = std::numeric_limits<int64_t>::max();  // earliest row
  std::vector<LineItem> items;
  std::vector<int64_t> lines;  // lines[i] is the row of items[i]
  int64_t failed_line = 0;     // first row of the invoice that failed
};

struct RetailCustomer {
  std::string code;
  std::string region;    // Country of its first row
  int64_t first_ms = 0;  // earliest InvoiceDate: created_at
  uint64_t id = 0;
  Status status;  // why it could not be found or created
};

// A parsed data row of a known customer.
struct RetailRow {
  std::string_view number;
  uint64_t order_id = 0;
  bool credit_note = false;
  std::string_view code;
  int64_t ts_ms = 0;
  LineItem item;
};

// "536365" -> 536365, "C536379" -> 2^62 + 536379.
Status ParseInvoiceNo(std::string_view text, RetailRow* row) {
  std::string_view digits = TrimSpaces(text);
  row->number = digits;
  row->credit_note = !digits.empty() && digits.front() == 'C';
  if (row->credit_note) digits.remove_prefix(1);
  uint64_t number = 0;
  const bool ok =
      !digits.empty() &&
      digits.find_first_not_of("0123456789") == std::string_view::npos &&
      ParseUint64(digits, "InvoiceNo", &number).ok() && number > 0 &&
      number < kCreditNoteIdBase;
  if (!ok) {
    return FieldError("InvoiceNo", text,
                      "is not an invoice number (digits, or C and digits "
                      "for a credit note)");
  }
  // "0536365" would be order 536365 too, merging two invoices into one.
  if (digits.front() == '0') {
    return FieldError("InvoiceNo", text,
                      "has a leading zero; invoice numbers are read as "
                      "numbers, so it would be the same invoice as without");
  }
  row->order_id = OnlineRetailOrderId(number, row->credit_note);
  return Status::OK();
}

class RetailImporter {
 public:
  RetailImporter(Engine* engine, const ImportOptions& options,
                 const std::string& path, ReportBuilder* report)
      : engine_(engine),
        options_(options),
        path_(path),
        report_(report),
        batcher_(engine, options.batch_size,
                 [this](const size_t& invoice, const Event& event,
                        const Status& status) {
                   OnResult(invoice, std::get<Order>(event), status);
                 }) {}

  Status Run();
  // Reads and checks the header only (CheckOnlineRetailInput).
  Status CheckHeader(CsvReader* reader) { return ReadHeader(reader); }

 private:
  Status ReadHeader(CsvReader* reader);
  Status EnsureChannel();
  Status ReadRows(CsvReader* reader, const FileSource& source);
  void ReadRow(const CsvRecord& record);
  // Parses the fields after InvoiceNo (which ParseInvoiceNo read).
  Status ParseRow(const std::vector<std::string>& fields, RetailRow* row) const;
  Invoice& InvoiceOf(const RetailRow& row, int64_t line);
  void AddRow(Invoice* invoice, RetailRow* row, std::string_view country,
              int64_t line);
  Status WriteCustomers();
  Status WriteOrders();
  void OnResult(size_t invoice, const Order& order, const Status& status);
  // Whether the order stored under order.id is `order` (a re-import); if
  // not, sets collision_ to the failure that says how it differs.
  bool StoredIsSame(const Order& order);
  // Fails every row of `invoice` that was read without error.
  void FailInvoice(const Invoice& invoice, const Status& status);

  SourceLine Where(int64_t line) const { return SourceLine{path_, line}; }
  std::string_view Field(const std::vector<std::string>& fields,
                         RetailColumn column) const {
    return fields[field_of_[column]];
  }

  Engine* engine_;
  const ImportOptions& options_;
  const std::string& path_;
  ReportBuilder* report_;
  EventBatcher<size_t> batcher_;  // notes: invoice indexes

  size_t num_fields_ = 0;
  int field_of_[kNumRetailColumns];
  std::vector<Invoice> invoices_;  // in order of first appearance
  std::unordered_map<std::string, size_t> invoice_index_;
  std::vector<RetailCustomer> customers_;  // in order of first appearance
  std::unordered_map<std::string, size_t> customer_index_;
  Status collision_;  // set by StoredIsSame
};

Status RetailImporter::ReadHeader(CsvReader* reader) {
  CsvRecord header;
  Result<bool> got = reader->Next(&header);
  if (!got.ok()) return got.status();
  if (!*got) {
    return Status::InvalidArgument(path_ + ": empty file; want a header line");
  }
  report_->HeaderRead(header);
  const std::string where = path_ + ":" + std::to_string(header.line) + ": ";
  if (!header.error.ok()) {
    return Status::InvalidArgument(where + "header: " + header.error.message());
  }
  std::fill(std::begin(field_of_), std::end(field_of_), -1);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string_view name = TrimSpaces(header.fields[i]);
    int column = 0;
    while (column < kNumRetailColumns && name != kRetailColumnNames[column]) {
      ++column;
    }
    if (column == kNumRetailColumns) {
      return Status::InvalidArgument(
          where + "header: unknown column " + QuoteValue(std::string(name)) +
          " for Online Retail (columns: InvoiceNo, StockCode, Description, "
          "Quantity, InvoiceDate, UnitPrice, CustomerID, Country)");
    }
    if (field_of_[column] >= 0) {
      return Status::InvalidArgument(where + "header: column " +
                                     QuoteValue(std::string(name)) +
                                     " appears twice");
    }
    field_of_[column] = static_cast<int>(i);
  }
  for (int column = 0; column < kNumRetailColumns; ++column) {
    if (field_of_[column] < 0 && column != kDescription) {
      return Status::InvalidArgument(
          where + "header: Online Retail needs the column '" +
          kRetailColumnNames[column] + "'");
    }
  }
  num_fields_ = header.fields.size();
  return Status::OK();
}

Status RetailImporter::EnsureChannel() {
  if (engine_->base_currency() != kCurrency) {
    return Status::FailedPrecondition(
        "online-retail import: the database's base currency is " +
        engine_->base_currency() +
        "; Online Retail amounts are GBP, so import into a database "
        "created with base currency GBP");
  }
  Result<Channel> existing = engine_->GetChannel(kOnlineChannelId);
  if (existing.ok()) {
    if (existing->name == kOnlineChannelName &&
        existing->type == ChannelType::kEcommerce) {
      return Status::OK();
    }
    return Status::FailedPrecondition(
        "online-retail import: channel 1 exists as " +
        QuoteValue(existing->name) + " (" + ChannelTypeName(existing->type) +
        "); the import needs channel 1 to be 'online' (ecommerce)");
  }
  if (!existing.status().IsNotFound()) return existing.status();
  Channel channel;
  channel.id = kOnlineChannelId;
  channel.name = kOnlineChannelName;
  channel.type = ChannelType::kEcommerce;
  Status s = engine_->PutChannel(channel);
  if (s.ok()) ++report_->report().channels_written;
  return s;
}

Status RetailImporter::ParseRow(const std::vector<std::string>& fields,
                                RetailRow* row) const {
  row->code = TrimSpaces(Field(fields, kCustomerId));
  LineItem& item = row->item;
  item.sku = std::string(TrimSpaces(Field(fields, kStockCode)));
  if (item.sku.empty()) {
    return Status::InvalidArgument("StockCode: missing (required)");
  }
  int64_t quantity = 0;
  const std::string_view quantity_text = Field(fields, kQuantity);
  Status s = ParseInt64(quantity_text, "Quantity", &quantity);
  if (!s.ok()) return s;
  // Credit notes list what they credit with negative quantities; stored
  // line items have positive ones.
  if (row->credit_note ? quantity >= 0 : quantity <= 0) {
    return FieldError("Quantity", quantity_text,
                      row->credit_note ? "is not negative in a credit note"
                                       : "is not positive in an invoice");
  }
  item.quantity = quantity < 0 ? -quantity : quantity;
  Decimal price;
  const std::string_view price_text = Field(fields, kUnitPrice);
  s = ParseDecimal(price_text, "UnitPrice", &price);
  if (s.ok() && price.units < 0) {
    s = FieldError("UnitPrice", price_text, "is negative");
  }
  if (s.ok()) s = MinorUnits(price, 1, "UnitPrice", &item.unit_price_minor);
  if (s.ok()) {
    s = MinorUnits(price, item.quantity, "UnitPrice", &item.amount_minor);
  }
  if (!s.ok()) return s;
  Result<int64_t> ts =
      ParseIso8601(TrimSpaces(Field(fields, kInvoiceDate)), "InvoiceDate");
  if (!ts.ok()) return ts.status();
  row->ts_ms = *ts;
  return Status::OK();
}

Invoice& RetailImporter::InvoiceOf(const RetailRow& row, int64_t line) {
  const auto [it, added] =
      invoice_index_.emplace(std::string(row.number), invoices_.size());
  if (added) {
    Invoice invoice;
    invoice.number = std::string(row.number);
    invoice.order_id = row.order_id;
    invoice.credit_note = row.credit_note;
    invoice.first_line = line;
    invoices_.push_back(std::move(invoice));
  }
  return invoices_[it->second];
}

void RetailImporter::AddRow(Invoice* invoice, RetailRow* row,
                            std::string_view country, int64_t line) {
  const auto [it, added] =
      customer_index_.emplace(std::string(row->code), customers_.size());
  if (added) {
    RetailCustomer customer;
    customer.code = std::string(row->code);
    customer.region = std::string(country);
    customer.first_ms = row->ts_ms;
    customers_.push_back(std::move(customer));
  }
  RetailCustomer& customer = customers_[it->second];
  if (row->ts_ms < customer.first_ms) customer.first_ms = row->ts_ms;
  invoice->customer = it->second;
  if (row->ts_ms < invoice->ts_ms) invoice->ts_ms = row->ts_ms;
  invoice->items.push_back(std::move(row->item));
  invoice->lines.push_back(line);
}

void RetailImporter::ReadRow(const CsvRecord& record) {
  const SourceLine where{path_, record.line, record.last_line};
  report_->RowRead(where);
  if (!record.error.ok()) {
    report_->Fail(where, record.error);
    return;
  }
  if (record.fields.size() != num_fields_) {
    report_->Fail(
        where, Status::InvalidArgument(
                   "row has " + std::to_string(record.fields.size()) +
                   " fields; the header has " + std::to_string(num_fields_)));
    return;
  }
  if (TrimSpaces(Field(record.fields, kCustomerId)).empty()) {
    report_->Skip(kSkipMissingCustomerId, where);
    return;
  }
  RetailRow row;
  Status s = ParseInvoiceNo(Field(record.fields, kInvoiceNo), &row);
  if (!s.ok()) {
    report_->Fail(where, s);
    return;
  }
  Invoice& invoice = InvoiceOf(row, record.line);
  s = ParseRow(record.fields, &row);
  if (s.ok() && invoice.customer != kNone &&
      customers_[invoice.customer].code != row.code) {
    s = FieldError("CustomerID", row.code,
                   "differs from '" + customers_[invoice.customer].code +
                       "' on line " + std::to_string(invoice.lines.front()) +
                       " of invoice " + invoice.number);
  }
  if (!s.ok()) {
    // An order is written whole or not at all.
    if (invoice.failed_line == 0) invoice.failed_line = record.line;
    report_->Fail(where, s);
    return;
  }
  AddRow(&invoice, &row, Field(record.fields, kCountry), record.line);
}

Status RetailImporter::ReadRows(CsvReader* reader, const FileSource& source) {
  CsvRecord record;
  for (;;) {
    Result<bool> got = reader->Next(&record);
    if (!got.ok() || !*got) {
      report_->FileRead(*reader);
      return got.status();
    }
    if (StopRequested(options_)) return Interrupted();
    ReadRow(record);
    if (report_->report().rows_read % kProgressEveryRows == 0) {
      report_->Progress(path_, "reading", source.bytes_read(),
                        source.bytes_total(), 0, 0);
    }
  }
}

Status RetailImporter::WriteCustomers() {
  ImportReport& report = report_->report();
  for (size_t i = 0; i < customers_.size(); ++i) {
    // Each customer is its own commit.
    if (StopRequested(options_)) return Interrupted();
    RetailCustomer& customer = customers_[i];
    // Found by code, so that a re-import reuses the customers it made.
    Result<CustomerRecord> found = engine_->GetCustomerByCode(customer.code);
    if (found.ok()) {
      customer.id = found->profile.id;
      ++report.customers_found;
    } else if (!found.status().IsNotFound()) {
      customer.status = found.status();
    } else {
      Customer profile;
      profile.code = customer.code;
      profile.region = customer.region;
      profile.created_at_ms = customer.first_ms;
      Result<uint64_t> id = engine_->CreateCustomer(profile);
      if (id.ok()) {
        customer.id = *id;
        ++report.customers_created;
      } else {
        customer.status = id.status();
      }
    }
    if (i % kProgressEveryRecords == 0) {
      report_->Progress(path_, "writing", 0, 0, static_cast<int64_t>(i),
                        static_cast<int64_t>(customers_.size()));
    }
  }
  return Status::OK();
}

Status RetailImporter::WriteOrders() {
  for (size_t i = 0; i < invoices_.size(); ++i) {
    if (StopRequested(options_)) {
      Status s = batcher_.Write();
      return s.ok() ? Interrupted() : s;
    }
    Invoice& invoice = invoices_[i];
    const int64_t rows = static_cast<int64_t>(invoice.lines.size());
    if (rows == 0) continue;  // every row failed and was reported
    const std::string what = "invoice " + invoice.number + ": ";
    if (invoice.failed_line != 0) {
      FailInvoice(invoice,
                  Status::InvalidArgument(
                      what + "not imported: its row on line " +
                      std::to_string(invoice.failed_line) + " failed"));
      continue;
    }
    const RetailCustomer& customer = customers_[invoice.customer];
    if (!customer.status.ok()) {
      FailInvoice(invoice,
                  Status(customer.status.code(),
                         what + "not imported: customer '" + customer.code +
                             "': " + customer.status.message()));
      continue;
    }
    Order order;
    order.id = invoice.order_id;
    order.customer_id = customer.id;
    order.channel_id = kOnlineChannelId;
    order.ts_ms = invoice.ts_ms;
    order.currency = kCurrency;
    order.kind =
        invoice.credit_note ? OrderKind::kCreditNote : OrderKind::kSale;
    order.status = OrderStatus::kCompleted;
    bool overflow = false;
    for (const LineItem& item : invoice.items) {
      overflow |= __builtin_add_overflow(order.amount_minor, item.amount_minor,
                                         &order.amount_minor);
    }
    if (overflow) {
      FailInvoice(invoice,
                  Status::InvalidArgument(what + "the sum of its lines "
                                                 "overflows the amount"));
      continue;
    }
    order.items = std::move(invoice.items);
    Status s = batcher_.Add(std::move(order), i);
    if (!s.ok()) return s;
    if (i % kProgressEveryRecords == 0) {
      report_->Progress(path_, "writing", 0, 0,
                        static_cast<int64_t>(batcher_.written()),
                        static_cast<int64_t>(invoices_.size()));
    }
  }
  return batcher_.Write();
}

void RetailImporter::OnResult(size_t index, const Order& order,
                              const Status& status) {
  const Invoice& invoice = invoices_[index];
  const int64_t rows = static_cast<int64_t>(invoice.lines.size());
  ImportReport& report = report_->report();
  if (status.ok()) {
    report_->Imported(rows);
    ++(invoice.credit_note ? report.credit_notes_created
                           : report.orders_created);
  } else if (status.IsAlreadyExists() && StoredIsSame(order)) {
    // Invoice numbers are unique in the file: the order was imported
    // before, from this invoice.
    for (int64_t line : invoice.lines) {
      report_->Skip(kSkipDuplicate, Where(line));
    }
  } else if (status.IsAlreadyExists()) {
    FailInvoice(invoice,
                Status(status.code(), "invoice " + invoice.number + ": " +
                                          collision_.message()));
  } else {
    FailInvoice(invoice, Status(status.code(), "invoice " + invoice.number +
                                                   ": " + status.message()));
  }
}

bool RetailImporter::StoredIsSame(const Order& order) {
  Result<Order> stored = engine_->GetOrder(order.id);
  if (!stored.ok()) {
    collision_ = stored.status();
    return false;
  }
  // A merge since the first import moved the order to the survivor.
  uint64_t owner = order.customer_id;
  Result<CustomerRecord> customer = engine_->GetCustomer(owner);
  if (customer.ok()) owner = customer->profile.id;
  const std::string difference =
      OrderDifference(order, owner, *stored, engine_->base_currency());
  if (difference.empty()) return true;
  collision_ = Collision("order.id", order.id, difference);
  return false;
}

void RetailImporter::FailInvoice(const Invoice& invoice, const Status& status) {
  // Row by row, so that each line is listed (and counted as left out of
  // the list) on its own.
  for (int64_t line : invoice.lines) report_->Fail(Where(line), status);
}

Status RetailImporter::Run() {
  Status s = CheckBatchSize(options_.batch_size);
  if (!s.ok()) return s;
  Result<std::unique_ptr<FileSource>> source = FileSource::Open(path_);
  if (!source.ok()) return source.status();
  // Default CsvOptions: the data set has no line breaks inside quotes, so a
  // quote still open at the end of a line is a stray one and fails only
  // that line.
  CsvReader reader((*source)->Bytes());
  s = ReadHeader(&reader);
  if (s.ok()) s = EnsureChannel();
  if (!s.ok()) return s;
  // Rows of one invoice need not be adjacent: read them all, then write.
  report_->Progress(path_, "reading", 0, (*source)->bytes_total(), 0, 0);
  s = ReadRows(&reader, **source);
  if (!s.ok()) return s;
  s = WriteCustomers();
  if (s.ok()) s = WriteOrders();
  Status flushed = engine_->Flush();
  return s.ok() ? flushed : s;
}

}  // namespace
}  // namespace import

uint64_t OnlineRetailOrderId(uint64_t number, bool credit_note) {
  return credit_note ? import::kCreditNoteIdBase + number : number;
}

Status CheckOnlineRetailInput(const std::string& path,
                              const ImportOptions& options) {
  Status s = import::CheckBatchSize(options.batch_size);
  if (!s.ok()) return s;
  Result<std::unique_ptr<import::FileSource>> source =
      import::FileSource::Open(path);
  if (!source.ok()) return source.status();
  import::CsvReader reader((*source)->Bytes());
  // The header check needs no engine: the importer is built without one
  // and never asked to write.
  ImportReport unused;
  import::ReportBuilder builder(&unused, options);
  import::RetailImporter importer(nullptr, options, path, &builder);
  return importer.CheckHeader(&reader);
}

Status ImportOnlineRetail(Engine& engine, const std::string& path,
                          const ImportOptions& options, ImportReport* report) {
  import::ReportBuilder builder(report, options);
  import::RetailImporter importer(&engine, options, path, &builder);
  Status s = importer.Run();
  report->interrupted = s.code() == StatusCode::kCancelled;
  builder.Finish();
  return s;
}

}  // namespace custdb
