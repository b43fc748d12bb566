// custdb: the operator's command line (import, export, stats, verify).
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace custdb::tools;  // NOLINT: the commands of this binary
  CLI::App app{"custdb: operate a custdb customer database"};
  app.set_version_flag("--version", "custdb 0.1.0");
  app.require_subcommand(1);

  ImportFlags import_flags;
  ExportFlags export_flags;
  StatsFlags stats_flags;
  VerifyFlags verify_flags;
  const CLI::App* import_cmd = AddImportCommand(app, &import_flags);
  const CLI::App* export_cmd = AddExportCommand(app, &export_flags);
  const CLI::App* stats_cmd = AddStatsCommand(app, &stats_flags);
  const CLI::App* verify_cmd = AddVerifyCommand(app, &verify_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Prints help, the version or the usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (import_cmd->parsed()) return RunImport(import_flags);
  if (export_cmd->parsed()) return RunExport(export_flags);
  if (stats_cmd->parsed()) return RunStats(stats_flags);
  if (verify_cmd->parsed()) return RunVerify(verify_flags);
  return kExitUsage;
}
