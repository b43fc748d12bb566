// custdb export: writes every customer as CSV or JSON Lines.
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include "command_table.h"
#include "command_util.h"
#include "custdb/export.h"
#include "std_streams.h"

namespace custdb {
namespace tools {
namespace {

class ExportCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--what", what_, "What to export")
        ->capture_default_str()
        ->check(CLI::IsMember({"customers"}));
    cmd.add_option("--format", format_name_, "csv or jsonl")
        ->capture_default_str()
        ->check(CLI::IsMember({"csv", "jsonl"}));
    cmd.add_option("--out", out_,
                   "Output file (written whole or not at all); default "
                   "stdout");
  }

  int Check() override {
    return ParseExportFormat(format_name_, &format_) ? kExitOk : kExitUsage;
  }

  int RunOnEngine(Engine& engine, const std::string& /*dir*/) override {
    return Export(
        [&engine](ExportFormat format, std::ostream& out, int64_t* written) {
          return ExportCustomers(engine, format, out, written);
        });
  }

  // Through the Store API: the server has no export operation, and pages
  // of FindCustomers give the same rows (not from one snapshot).
  bool RunsOverClient() const override { return true; }
  int RunOnClient(Client& client, const std::string& /*address*/) override {
    return Export(
        [&client](ExportFormat format, std::ostream& out, int64_t* written) {
          return ExportStoreCustomers(client, format, out, written);
        });
  }

 private:
  using ExportFn = std::function<Status(ExportFormat format, std::ostream& out,
                                        int64_t* written)>;

  // Runs `export_fn` into --out (or stdout) and reports the count.
  int Export(const ExportFn& export_fn) {
    int64_t written = 0;
    Status s;
    if (out_.empty() || out_ == "-") {
      s = export_fn(format_, std::cout, &written);
      if (s.ok() && !StandardOutputWritten()) {
        s = Status::IOError("cannot write to standard output");
      }
    } else {
      // Written beside the target and renamed, so a failed export never
      // leaves a partial file under the requested name.
      const std::string partial = out_ + ".partial";
      std::ofstream file(partial, std::ios::binary | std::ios::trunc);
      if (!file) {
        s = Status::IOError("cannot create " + partial);
      } else {
        s = export_fn(format_, file, &written);
        file.close();
        if (s.ok() && !file) s = Status::IOError("cannot write " + partial);
      }
      if (s.ok() && std::rename(partial.c_str(), out_.c_str()) != 0) {
        s = Status::IOError("cannot rename " + partial + " to " + out_);
      }
      if (!s.ok()) std::remove(partial.c_str());
    }
    if (!s.ok()) {
      std::cerr << "custdb export: " << s.ToString() << "\n";
      return kExitFailure;
    }
    std::cerr << "custdb export: " << FormatCount(written) << " customers\n";
    return kExitOk;
  }

  std::string what_ = "customers";
  std::string format_name_ = "csv";
  std::string out_;
  ExportFormat format_ = ExportFormat::kCsv;  // from format_name_, by Check
};

}  // namespace

std::unique_ptr<Command> MakeExportCommand() {
  return std::make_unique<ExportCommand>();
}

}  // namespace tools
}  // namespace custdb
