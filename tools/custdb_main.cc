// custdb: the operator's command line (import, export, stats, verify,
// rescore, report, find, churn, view, policy).
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"
#include "std_streams.h"

namespace {

using namespace custdb::tools;  // NOLINT: the commands of this binary

int RunCommand(int argc, char** argv) {
  CLI::App app{"custdb: operate a custdb customer database"};
  app.set_version_flag("--version", "custdb 0.1.0");
  app.require_subcommand(1);

  ImportFlags import_flags;
  ExportFlags export_flags;
  StatsFlags stats_flags;
  VerifyFlags verify_flags;
  RescoreFlags rescore_flags;
  ReportTiersFlags report_tiers_flags;
  ReportChannelFlags report_channel_flags;
  FindFlags find_flags;
  ChurnFlags churn_flags;
  ViewFlags view_flags;
  PolicyFlags policy_get_flags;
  PolicyFlags policy_set_flags;
  const CLI::App* import_cmd = AddImportCommand(app, &import_flags);
  const CLI::App* export_cmd = AddExportCommand(app, &export_flags);
  const CLI::App* stats_cmd = AddStatsCommand(app, &stats_flags);
  const CLI::App* verify_cmd = AddVerifyCommand(app, &verify_flags);
  const CLI::App* rescore_cmd = AddRescoreCommand(app, &rescore_flags);
  const ReportCommands report_cmds =
      AddReportCommand(app, &report_tiers_flags, &report_channel_flags);
  const CLI::App* find_cmd = AddFindCommand(app, &find_flags);
  const CLI::App* churn_cmd = AddChurnCommand(app, &churn_flags);
  const CLI::App* view_cmd = AddViewCommand(app, &view_flags);
  const PolicyCommands policy_cmds =
      AddPolicyCommand(app, &policy_get_flags, &policy_set_flags);

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
  if (rescore_cmd->parsed()) return RunRescore(rescore_flags);
  if (report_cmds.tiers->parsed()) return RunReportTiers(report_tiers_flags);
  if (report_cmds.channel->parsed()) {
    return RunReportChannel(report_channel_flags);
  }
  if (find_cmd->parsed()) return RunFind(find_flags);
  if (churn_cmd->parsed()) return RunChurn(churn_flags);
  if (view_cmd->parsed()) return RunView(view_flags);
  if (policy_cmds.get->parsed()) return RunPolicyGet(policy_get_flags);
  if (policy_cmds.set->parsed()) return RunPolicySet(policy_set_flags);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything opens a file, so that no database file can take the
  // number of a closed standard descriptor.
  if (!EnsureStandardStreams()) return kExitFailure;
  const int code = RunCommand(argc, argv);
  // A result that did not reach stdout is a failed command, whatever the
  // command itself returned.
  if (!StandardOutputWritten()) {
    std::cerr << "custdb: cannot write to standard output: "
              << "the result is incomplete\n";
    return code == kExitOk ? kExitFailure : code;
  }
  return code;
}
