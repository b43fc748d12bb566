// Engine: the stored tier policy, policy changes and Rescore.
#include "engine_impl.h"

namespace custdb {

Result<TierPolicy> EngineImpl::GetPolicy() {
  return Status::Internal("GetPolicy: not built yet");
}

Result<RescoreReport> EngineImpl::SetPolicy(const TierPolicy& /*policy*/,
                                            const ProgressFn& /*progress*/) {
  return Status::Internal("SetPolicy: not built yet");
}

Result<RescoreReport> EngineImpl::Rescore(const RescoreOptions& /*options*/) {
  return Status::Internal("Rescore: not built yet");
}

}  // namespace custdb
