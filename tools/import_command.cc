// custdb import: loads CSV files through the engine's importers and
// prints their report.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_table.h"
#include "command_util.h"
#include "custdb/import.h"
#include "custdb/options.h"

namespace custdb {
namespace tools {
namespace {

// SIGINT and SIGTERM ask the import to stop at the next batch boundary
// (ImportOptions::stop) instead of killing it mid-write. A second signal
// takes the default action: the batches are atomic WAL commits, so even
// that leaves a database a re-run completes.
std::atomic<bool> stop_requested{false};
volatile sig_atomic_t stop_signal = 0;
static_assert(std::atomic<bool>::is_always_lock_free,
              "set from a signal handler");

void OnStopSignal(int signal_number) {
  stop_signal = signal_number;
  stop_requested.store(true, std::memory_order_relaxed);
  struct sigaction deflt = {};
  deflt.sa_handler = SIG_DFL;
  sigemptyset(&deflt.sa_mask);
  sigaction(signal_number, &deflt, nullptr);
}

void InstallStopHandlers() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const char* SignalName(int signal_number) {
  return signal_number == SIGINT ? "SIGINT" : "SIGTERM";
}

constexpr char kFormatCustdb[] = "custdb";
constexpr char kFormatOnlineRetail[] = "online-retail";

// Shows progress on one rewritten terminal line, a few times a second.
class ProgressLine {
 public:
  void Show(const ImportProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    std::string text;
    if (std::string(p.stage) == "writing") {
      text = "writing " + FormatCount(p.records_written);
      if (p.records_total > 0) text += "/" + FormatCount(p.records_total);
      text += " records";
    } else {
      text = "reading " + p.file;
      if (p.bytes_total > 0) {
        text += " " + std::to_string(p.bytes_read * 100 / p.bytes_total) + "%";
      }
      text += " (" + FormatCount(p.rows_read) + " rows)";
    }
    std::fprintf(stderr, "\r\033[Kimport: %s", text.c_str());
    shown_ = true;
  }
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::chrono::steady_clock::time_point last_;
  bool shown_ = false;
};

// "3", or "3-5" for a row spanning lines.
std::string Span(const SourceLine& where) {
  std::string out = std::to_string(where.line);
  if (where.last_line > where.line) {
    out += "-" + std::to_string(where.last_line);
  }
  return out;
}

std::string Place(const SourceLine& where) {
  return where.file + ":" + Span(where);
}

// "a.csv lines 3, 5-6; b.csv line 2".
std::string FormatLines(const std::vector<SourceLine>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const bool new_file = i == 0 || lines[i].file != lines[i - 1].file;
    if (new_file) {
      size_t n = i + 1;
      while (n < lines.size() && lines[n].file == lines[i].file) ++n;
      if (i > 0) out += "; ";
      const bool several = n - i > 1 || lines[i].last_line > lines[i].line;
      out += lines[i].file + (several ? " lines " : " line ");
    } else {
      out += ", ";
    }
    out += Span(lines[i]);
  }
  return out;
}

double RowsPerSecond(const ImportReport& r) {
  return r.elapsed_seconds > 0 ? r.rows_read / r.elapsed_seconds : 0;
}

void PrintText(const ImportReport& r) {
  // Every physical line is one of these, so none can vanish unreported.
  std::cout << "lines:      " << FormatCount(r.lines_read) << " (header "
            << FormatCount(r.header_lines) << ", blank "
            << FormatCount(r.blank_lines) << ", in rows "
            << FormatCount(r.row_lines) << ")\n";
  std::cout << "rows read:  " << FormatCount(r.rows_read) << "\n"
            << "imported:   " << FormatCount(r.rows_imported) << "\n"
            << "skipped:    " << FormatCount(r.rows_skipped) << "\n"
            << "failed:     " << FormatCount(r.rows_failed) << "\n";
  std::cout << "written:    channels " << FormatCount(r.channels_written)
            << ", customers " << FormatCount(r.customers_created) << ", orders "
            << FormatCount(r.orders_created) << ", credit notes "
            << FormatCount(r.credit_notes_created) << ", interactions "
            << FormatCount(r.interactions_created) << "\n";
  if (r.customers_found > 0) {
    std::cout << "found:      customers " << FormatCount(r.customers_found)
              << " (existing, by code)\n";
  }
  if (r.multiline_rows > 0) {
    std::cout << "multi-line: " << FormatCount(r.multiline_rows)
              << " rows with quoted line breaks; first "
              << FormatLines(r.first_multiline_rows) << "\n";
  }
  for (const ImportSkip& skip : r.skips) {
    std::cout << "skipped:    " << FormatCount(skip.rows) << " rows, "
              << skip.reason << "; first " << FormatLines(skip.first_lines)
              << "\n";
  }
  for (const ImportFailure& failure : r.failures) {
    std::cout << "failed:     " << Place(failure.where) << ": "
              << failure.status.message() << "\n";
  }
  const int64_t unlisted =
      r.rows_failed - static_cast<int64_t>(r.failures.size());
  if (unlisted > 0) {
    std::cout << "failed:     ... " << FormatCount(unlisted)
              << (r.failures.empty() ? "" : " more") << " rows not listed"
              << " (see --max-errors)\n";
  }
  char timing[96];
  std::snprintf(timing, sizeof(timing), "elapsed:    %.2f s (%s rows/s)\n",
                r.elapsed_seconds,
                FormatCount(static_cast<int64_t>(RowsPerSecond(r))).c_str());
  std::cout << timing;
  if (r.interrupted) {
    std::cout << "interrupted: by " << SignalName(stop_signal)
              << " at a batch boundary; run the same import again to "
                 "finish it\n";
  }
}

// The last line of a place: its line unless it spans several.
int64_t Last(const SourceLine& l) {
  return l.last_line > l.line ? l.last_line : l.line;
}

nlohmann::json Lines(const std::vector<SourceLine>& lines) {
  nlohmann::json out = nlohmann::json::array();
  for (const SourceLine& l : lines) {
    out.push_back({{"file", l.file}, {"line", l.line}, {"last_line", Last(l)}});
  }
  return out;
}

void PrintJson(const ImportReport& r, const Status& status) {
  nlohmann::ordered_json j;
  j["ok"] = status.ok() && r.ok();
  if (!status.ok()) {
    j["error"] = {{"code", StatusCodeName(status.code())},
                  {"message", status.message()}};
  }
  j["lines_read"] = r.lines_read;
  j["header_lines"] = r.header_lines;
  j["blank_lines"] = r.blank_lines;
  j["row_lines"] = r.row_lines;
  j["multiline_rows"] = r.multiline_rows;
  j["first_multiline_rows"] = Lines(r.first_multiline_rows);
  j["rows_read"] = r.rows_read;
  j["rows_imported"] = r.rows_imported;
  j["rows_skipped"] = r.rows_skipped;
  j["rows_failed"] = r.rows_failed;
  j["channels_written"] = r.channels_written;
  j["customers_created"] = r.customers_created;
  j["customers_found"] = r.customers_found;
  j["orders_created"] = r.orders_created;
  j["credit_notes_created"] = r.credit_notes_created;
  j["interactions_created"] = r.interactions_created;
  j["skips"] = nlohmann::json::array();
  for (const ImportSkip& skip : r.skips) {
    j["skips"].push_back({{"reason", skip.reason},
                          {"rows", skip.rows},
                          {"first_lines", Lines(skip.first_lines)}});
  }
  j["failures"] = nlohmann::json::array();
  for (const ImportFailure& f : r.failures) {
    j["failures"].push_back({{"file", f.where.file},
                             {"line", f.where.line},
                             {"last_line", Last(f.where)},
                             {"code", StatusCodeName(f.status.code())},
                             {"message", f.status.message()}});
  }
  j["interrupted"] = r.interrupted;
  j["elapsed_seconds"] = r.elapsed_seconds;
  j["rows_per_second"] = RowsPerSecond(r);
  tools::PrintJson(j);
}

class ImportCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--format", format_,
                   "custdb: channels/customers/orders/interactions CSV; "
                   "online-retail: the UCI Online Retail CSV")
        ->required()
        ->check(CLI::IsMember({kFormatCustdb, kFormatOnlineRetail}));
    cmd.add_option("files", files_, "CSV files to import")
        ->required()
        ->check(CLI::ExistingFile);
    cmd.add_option("--base-currency", base_currency_,
                   "ISO 4217 currency of a new database (online-retail: "
                   "GBP)");
    cmd.add_option("--batch-size", import_options_.batch_size,
                   "Records per write batch")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000))
        ->transform(DecimalInteger());
    cmd.add_option("--max-errors", import_options_.max_failures,
                   "Failed rows listed in the report")
        ->capture_default_str()
        ->transform(DecimalInteger());
    cmd.add_flag("--json", json_, "Print the report as JSON");
  }

  // Everything here runs before the database is opened, since opening
  // creates it: an import refused at its header leaves no database behind
  // (a retry with another --base-currency must find none).
  int Check() override {
    online_retail_ = format_ == kFormatOnlineRetail;
    if (online_retail_) {
      if (files_.size() != 1) {
        std::cerr << "custdb import: --format online-retail takes one file\n";
        return kExitUsage;
      }
      if (!base_currency_.empty() && base_currency_ != "GBP") {
        std::cerr << "custdb import: --base-currency " << base_currency_
                  << ": Online Retail amounts are GBP\n";
        return kExitUsage;
      }
      base_currency_ = "GBP";
    }
    const Status input =
        online_retail_ ? CheckOnlineRetailInput(files_[0], import_options_)
                       : CheckCustdbCsvInput(files_, import_options_);
    if (!input.ok()) {
      ImportReport empty;
      if (json_) PrintJson(empty, input);
      std::cerr << "custdb import: stopped: " << input.ToString() << "\n";
      return kExitFailure;
    }
    return kExitOk;
  }

  void SetEngineOptions(Options* options) const override {
    options->base_currency = base_currency_;
  }

  int RunOnEngine(Engine& engine, const std::string& /*dir*/) override {
    ProgressLine progress;
    if (isatty(STDERR_FILENO)) {
      import_options_.progress = [&progress](const ImportProgress& p) {
        progress.Show(p);
      };
    }
    import_options_.stop = &stop_requested;
    InstallStopHandlers();
    ImportReport report;
    const Status status =
        online_retail_
            ? ImportOnlineRetail(engine, files_[0], import_options_, &report)
            : ImportCustdbCsv(engine, files_, import_options_, &report);
    progress.Clear();

    if (json_) {
      PrintJson(report, status);
    } else if (status.ok() || report.rows_read > 0) {
      PrintText(report);
    }
    if (report.interrupted) {
      std::cerr << "custdb import: " << status.message() << "\n";
      return kExitSignalBase + stop_signal;
    }
    if (!status.ok()) {
      std::cerr << "custdb import: stopped: " << status.ToString() << "\n";
      return kExitFailure;
    }
    return report.ok() ? kExitOk : kExitRowsFailed;
  }

 private:
  std::string format_;
  std::vector<std::string> files_;
  std::string base_currency_;  // online-retail: GBP, set by Check
  bool json_ = false;
  // --batch-size and --max-errors land here; Run adds progress and stop.
  ImportOptions import_options_;
  bool online_retail_ = false;  // by Check
};

}  // namespace

std::unique_ptr<Command> MakeImportCommand() {
  return std::make_unique<ImportCommand>();
}

}  // namespace tools
}  // namespace custdb
