// The channels, held in memory: there are few, and every order checks its
// channel, so lookups must not go to RocksDB.
#ifndef CUSTDB_ENGINE_CHANNEL_REGISTRY_H_
#define CUSTDB_ENGINE_CHANNEL_REGISTRY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {

// Whether a query over a channel takes the channels below it too.
enum class Subtree { kExclude, kInclude };

class ChannelRegistry {
 public:
  bool Exists(uint64_t id) const;
  std::optional<Channel> Get(uint64_t id) const;
  std::vector<Channel> List() const;  // by id
  // 0 (a customer without an owner) and every channel id, ascending: the
  // owners a query over all customers merges (query_planner.h).
  std::vector<uint64_t> OwnerIds() const;
  // `root` and every channel below it, by id; empty if root is unknown.
  // The one subtree walk: the query owner sets and the channel report use
  // it.
  std::vector<uint64_t> SubtreeOf(uint64_t root) const;
  // The owner set of a query: the channel, or its subtree, ascending;
  // kNotFound naming `field` for an unknown channel.
  Status OwnerSet(const std::string& field, uint64_t channel_id,
                  Subtree subtree, std::vector<uint64_t>* owners) const;

  // kInvalidArgument if channel.parent_id is unknown or would make the
  // parent chain cycle back to channel.id.
  Status CheckHierarchy(const Channel& channel) const;

  // Whether a channel id of 0 ("no channel") passes CheckExists.
  enum class ZeroId { kRejected, kAllowed };
  // `field` names the caller's field, e.g. "order.channel_id". 0 passes
  // when `zero` is kAllowed.
  Status CheckExists(const std::string& field, uint64_t id, ZeroId zero) const;

  void Put(const Channel& channel);

 private:
  mutable std::shared_mutex mu_;  // Guards channels_.
  std::map<uint64_t, Channel> channels_;
};

}  // namespace custdb

#endif  // CUSTDB_ENGINE_CHANNEL_REGISTRY_H_
