// The command table: one row per `custdb` subcommand. Adding a command is a
// row here, its Make* in command_table.h and its <name>_command.cc.
#include "command_table.h"

namespace custdb {
namespace tools {

const std::vector<CommandRow>& CommandTable() {
  // Never destroyed: a static the exit path need not run down.
  static const auto* const table = new std::vector<CommandRow>{
      {"serve",
       "Serve the database over TCP (docs/PROTOCOL.md) until SIGINT or "
       "SIGTERM; see docs/OPERATIONS.md",
       Needs::kEngine, Access::kReadWrite, MakeServeCommand},
      {"import",
       "Import CSV files (custdb formats or UCI Online Retail, plain or "
       ".gz); see docs/IMPORT.md",
       Needs::kEngine, Access::kCreate, MakeImportCommand},
      {"export", "Export every customer with its aggregates as CSV or JSONL",
       Needs::kEngine, Access::kReadOnly, MakeExportCommand},
      {"stats", "Record counts, size on disk per column family, key counts",
       Needs::kEngine, Access::kReadOnly, MakeStatsCommand},
      {"verify",
       "Recompute aggregates, indexes and counters from the records and "
       "report every mismatch (exit 1 if any)",
       Needs::kEngine, Access::kReadOnly, MakeVerifyCommand},
      {"checkpoint",
       "Write a consistent copy of the database into a new directory "
       "(hard links where it can), openable as a database",
       Needs::kEngine, Access::kReadWrite, MakeCheckpointCommand},
      {"rescore",
       "Bring derived attributes (tier, RFM, segment, lifecycle, churn "
       "risk) up to a time",
       Needs::kStore, Access::kReadWrite, MakeRescoreCommand},
      {"report tiers",
       "Customers and spend per value tier, segment or lifecycle",
       Needs::kStore, Access::kReadOnly, MakeReportTiersCommand},
      {"report channel", "Revenue, orders, buyers, complaints, NPS per channel",
       Needs::kStore, Access::kReadOnly, MakeReportChannelCommand},
      {"find",
       "Find customers by tier, segment, lifecycle, channel, region, spend, "
       "orders and activity",
       Needs::kStore, Access::kReadOnly, MakeFindCommand},
      {"churn", "Customers with orders but no activity for a while, by spend",
       Needs::kStore, Access::kReadOnly, MakeChurnCommand},
      {"view",
       "One customer: profile, aggregates, derived attributes, newest "
       "orders and interactions",
       Needs::kStore, Access::kReadOnly, MakeViewCommand},
      {"policy get", "Print the stored policy", Needs::kStore,
       Access::kReadOnly, MakePolicyGetCommand},
      {"policy set",
       "Store FILE (JSON, see docs/OPERATIONS.md) as the next policy "
       "version and re-derive every customer at the database time",
       Needs::kStore, Access::kReadWrite, MakePolicySetCommand},
      {"token add",
       "Make a random token for `custdb serve`, store its SHA-256 with a "
       "role and scope in a tokens file, and print it once",
       Needs::kNone, Access::kReadOnly, MakeTokenAddCommand},
      {"shell",
       "Read commands interactively (with history) and run each on one "
       "database: --data DIR or --connect HOST:PORT",
       Needs::kNone, Access::kReadWrite, MakeShellCommand},
  };
  return *table;
}

const std::vector<CommandGroup>& CommandGroups() {
  static const auto* const groups = new std::vector<CommandGroup>{
      {"report", "Tier summaries and channel reports (from counters)"},
      {"policy", "Read or replace the tier policy"},
      {"token", "Manage the server's tokens file"},
  };
  return *groups;
}

}  // namespace tools
}  // namespace custdb
