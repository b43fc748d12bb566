// CustomerReads: reading customers (through the cache), their orders and
// interactions and histories, and the record counts and statistics. Every
// path that reads a customer outside a WriteTxn reads it here.
#ifndef CUSTDB_ENGINE_CUSTOMER_READS_H_
#define CUSTDB_ENGINE_CUSTOMER_READS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "custdb/engine.h"
#include "custdb/status.h"
#include "custdb/types.h"
#include "customer_cache.h"
#include "lock_table.h"
#include "storage/history_kind.h"
#include "storage/storage.h"
#include "storage/storage_read.h"
#include "tiering/policy_state.h"

namespace custdb {

struct IdentityField;

// State: reads storage; fills cache misses under the customer's stripe
// (`locks`), so it writes the cache but nothing else; reads the rescore
// time (PolicyState) to report derived attributes.
class CustomerReads {
 public:
  CustomerReads(const Storage& storage, LockTable& locks, CustomerCache& cache,
                const PolicyState& policy);

  // Through the cache; a miss is read and cached.
  Result<CustomerRecord> ReadCustomer(uint64_t customer_id);
  // The customer as `snapshot` holds it: past the cache, which may be newer
  // than the snapshot, and so not cached either.
  Result<CustomerRecord> ReadCustomerAt(uint64_t customer_id,
                                        const ScopedSnapshot* snapshot);
  // The customer, or the survivor its id was merged into (GetCustomer).
  // Reads `snapshot` if not null, else through the cache.
  Result<CustomerRecord> ResolveCustomer(uint64_t customer_id,
                                         const ScopedSnapshot* snapshot);
  Result<CustomerRecord> GetCustomerByCode(const std::string& code);
  Result<CustomerRecord> GetCustomerByEmail(const std::string& email);
  Result<CustomerRecord> GetCustomerByPhone(const std::string& phone);

  // GetOrder / GetInteraction (T: Order or Interaction).
  template <typename T>
  Result<T> ReadEvent(uint64_t id);
  // ListOrders / ListInteractions, reading `snapshot` if not null.
  template <typename T>
  Result<Page<T>> ListHistory(const HistoryQuery& query,
                              const ScopedSnapshot* snapshot = nullptr);

  Result<RecordCounts> Counts();
  Result<EngineStats> Stats();
  Status ForEachCustomer(
      const std::function<Status(const CustomerRecord&)>& fn);

 private:
  // The holder of `value` in `field`'s index, else in its alias index.
  Result<CustomerRecord> ReadCustomerByIdentity(const IdentityField& field,
                                                const std::string& value);
  template <typename T>
  Status ScanHistory(const std::string& start, const std::string& end,
                     const std::string& range, uint32_t limit,
                     const ScopedSnapshot* snapshot, Page<T>* page);

  const Storage& storage_;
  LockTable& locks_;
  CustomerCache& cache_;
  const PolicyState& policy_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_CUSTOMER_READS_H_
