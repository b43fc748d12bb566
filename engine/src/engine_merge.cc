// Engine: MergeCustomers and EraseCustomer.
#include "engine_impl.h"

namespace custdb {

Status EngineImpl::MergeCustomers(uint64_t /*survivor_id*/,
                                  uint64_t /*duplicate_id*/) {
  return Status::Internal("MergeCustomers: not built yet");
}

Status EngineImpl::EraseCustomer(uint64_t /*customer_id*/) {
  return Status::Internal("EraseCustomer: not built yet");
}

}  // namespace custdb
