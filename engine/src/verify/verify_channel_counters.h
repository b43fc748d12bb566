// Verify's channel-report pass: the channel-day counters and resolve-time
// entries recomputed from the records with the write
// path's own rules (channel_counters.h), and compared with the database.
#ifndef CUSTDB_ENGINE_VERIFY_VERIFY_CHANNEL_COUNTERS_H_
#define CUSTDB_ENGINE_VERIFY_VERIFY_CHANNEL_COUNTERS_H_

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "custdb/status.h"
#include "custdb/types.h"
#include "reports/channel_counters.h"

namespace custdb {

class VerifyContext;

// Fed by the customer walk: one customer's records (in any order), then
// EndCustomer; after the walk, Check. Holds every expected counter and
// entry in memory (about 60 bytes per channel-day and resolved complaint).
class ChannelCountersReplay {
 public:
  void FeedOrder(const Order& order);
  void FeedInteraction(const Interaction& interaction);
  // Closes the records fed since the last call: they belong to this
  // customer, owned by `owner_channel_id` (0: none).
  void EndCustomer(uint64_t owner_channel_id);

  // Reports every counter and entry that is missing, extra or
  // holds another value. Non-ok only if reading failed.
  Status Check(VerifyContext* ctx);

 private:
  Status CheckCounters(VerifyContext* ctx);
  Status CheckEntries(VerifyContext* ctx, keys::TierTag tag,
                      std::vector<std::string>* expected);

  ChannelDayDeltas expected_;
  std::vector<std::string> resolve_times_;  // expected entries
  // The records of the customer being fed.
  std::vector<Order> orders_;
  std::vector<Interaction> interactions_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_VERIFY_VERIFY_CHANNEL_COUNTERS_H_
