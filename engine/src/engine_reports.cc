// Engine: TierSummary and ChannelReport from counters; CustomerView.
#include "engine_impl.h"

namespace custdb {

Result<TierSummary> EngineImpl::GetTierSummary(
    const TierSummaryQuery& /*query*/) {
  return Status::Internal("TierSummary: not built yet");
}

Result<ChannelReport> EngineImpl::GetChannelReport(
    const ChannelReportQuery& /*query*/) {
  return Status::Internal("ChannelReport: not built yet");
}

Result<CustomerView> EngineImpl::ViewCustomer(uint64_t /*customer_id*/) {
  return Status::Internal("ViewCustomer: not built yet");
}

}  // namespace custdb
