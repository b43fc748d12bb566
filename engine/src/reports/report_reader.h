// ReportReader: the tier summary and channel report, read from counters,
// and the customer view.
#ifndef CUSTDB_ENGINE_REPORTS_REPORT_READER_H_
#define CUSTDB_ENGINE_REPORTS_REPORT_READER_H_

#include <cstdint>

#include "channel_registry.h"
#include "custdb/reports.h"
#include "custdb/status.h"
#include "customer_reads.h"
#include "storage/storage.h"
#include "tiering/policy_state.h"

namespace custdb {

// State: reads only. Counters of `storage`; the owner sets and subtrees
// of `channels`; the policy's segment names; the customer and its
// histories through `reads`.
class ReportReader {
 public:
  ReportReader(const Storage& storage, const ChannelRegistry& channels,
               const PolicyState& policy, CustomerReads& reads);

  Result<TierSummary> GetTierSummary(const TierSummaryQuery& query);
  Result<ChannelReport> GetChannelReport(const ChannelReportQuery& query);
  Result<CustomerView> ViewCustomer(uint64_t customer_id);

 private:
  const Storage& storage_;
  const ChannelRegistry& channels_;
  const PolicyState& policy_;
  CustomerReads& reads_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_REPORTS_REPORT_READER_H_
