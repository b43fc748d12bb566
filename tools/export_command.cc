// custdb export: writes every customer as CSV or JSON Lines.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "commands.h"
#include "custdb/export.h"
#include "std_streams.h"

namespace custdb {
namespace tools {

CLI::App* AddExportCommand(CLI::App& app, ExportFlags* flags) {
  CLI::App* cmd = app.add_subcommand(
      "export", "Export every customer with its aggregates as CSV or JSONL");
  cmd->add_option("--data", flags->data, kReadOnlyDataHelp)
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--what", flags->what, "What to export")
      ->capture_default_str()
      ->check(CLI::IsMember({"customers"}));
  cmd->add_option("--format", flags->format, "csv or jsonl")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "jsonl"}));
  cmd->add_option("--out", flags->out,
                  "Output file (written whole or not at all); default stdout");
  return cmd;
}

int RunExport(const ExportFlags& flags) {
  ExportFormat format = ExportFormat::kCsv;
  if (!ParseExportFormat(flags.format, &format)) return kExitUsage;
  std::unique_ptr<Engine> engine =
      OpenExistingDatabase("export", flags.data, Access::kReadOnly);
  if (engine == nullptr) return kExitFailure;

  int64_t written = 0;
  Status s;
  if (flags.out.empty() || flags.out == "-") {
    s = ExportCustomers(*engine, format, std::cout, &written);
    if (s.ok() && !StandardOutputWritten()) {
      s = Status::IOError("cannot write to standard output");
    }
  } else {
    // Written beside the target and renamed, so a failed export never
    // leaves a partial file under the requested name.
    const std::string partial = flags.out + ".partial";
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      s = Status::IOError("cannot create " + partial);
    } else {
      s = ExportCustomers(*engine, format, file, &written);
      file.close();
      if (s.ok() && !file) s = Status::IOError("cannot write " + partial);
    }
    if (s.ok() && std::rename(partial.c_str(), flags.out.c_str()) != 0) {
      s = Status::IOError("cannot rename " + partial + " to " + flags.out);
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

}  // namespace tools
}  // namespace custdb
