// Engine: FindCustomers, Explain and ChurnWatch over the tier indexes.
#include "engine_impl.h"

namespace custdb {

Result<CustomerPage> EngineImpl::FindCustomers(const CustomerQuery& /*query*/) {
  return Status::Internal("FindCustomers: not built yet");
}

Result<QueryPlan> EngineImpl::Explain(const CustomerQuery& /*query*/) {
  return Status::Internal("Explain: not built yet");
}

Result<ChurnWatch> EngineImpl::GetChurnWatch(const ChurnWatchQuery& /*query*/) {
  return Status::Internal("ChurnWatch: not built yet");
}

}  // namespace custdb
