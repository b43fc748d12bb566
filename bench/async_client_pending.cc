// Stand-ins for the three AsyncClient calls custdb-bench --net makes, for
// a custdb_client that does not define them yet (issue 14 is being built
// in parallel): each answers kInternal naming the missing call, so the
// benchmark links and fails cleanly. They are weak symbols: the real
// definitions in custdb_client's async_client.cc (linked whenever the
// bench is, for AsyncClient's constructor and destructor) take their
// place. Delete this file once custdb_client defines every operation.
#include "custdb/async_client.h"

namespace custdb {
namespace {

Status Missing(const char* call) {
  return Status::Internal(std::string("AsyncClient::") + call +
                          " is not in this build of custdb_client");
}

}  // namespace

__attribute__((weak)) void AsyncClient::GetCustomer(
    uint64_t, Callback<CustomerRecord> done) {
  done(Missing("GetCustomer"));
}

__attribute__((weak)) void AsyncClient::ViewCustomer(
    uint64_t, Callback<CustomerView> done) {
  done(Missing("ViewCustomer"));
}

__attribute__((weak)) void AsyncClient::RecordOrder(const Order&,
                                                    StatusCallback done) {
  done(Missing("RecordOrder"));
}

}  // namespace custdb
