// The channel registry: lookups, the subtree walk, hierarchy checks.
#include "channel_registry.h"

#include <algorithm>
#include <mutex>

#include "api/messages.h"

namespace custdb {

bool ChannelRegistry::Exists(uint64_t id) const {
  std::shared_lock lock(mu_);
  return channels_.count(id) > 0;
}

std::optional<Channel> ChannelRegistry::Get(uint64_t id) const {
  std::shared_lock lock(mu_);
  auto it = channels_.find(id);
  if (it == channels_.end()) return std::nullopt;
  return it->second;
}

std::vector<Channel> ChannelRegistry::List() const {
  std::shared_lock lock(mu_);
  std::vector<Channel> out;
  out.reserve(channels_.size());
  for (const auto& [id, c] : channels_) out.push_back(c);
  return out;
}

std::vector<uint64_t> ChannelRegistry::OwnerIds() const {
  std::shared_lock lock(mu_);
  std::vector<uint64_t> out;
  out.reserve(channels_.size() + 1);
  out.push_back(0);
  for (const auto& entry : channels_) out.push_back(entry.first);
  return out;
}

std::vector<uint64_t> ChannelRegistry::SubtreeOf(uint64_t root) const {
  std::shared_lock lock(mu_);
  if (channels_.count(root) == 0) return {};
  // Channels are few (ChannelRegistry's premise), so one pass per level
  // over all of them costs less than keeping a child map in step.
  std::vector<uint64_t> out = {root};
  for (size_t level_begin = 0; level_begin < out.size();) {
    const size_t level_end = out.size();
    for (const auto& [id, c] : channels_) {
      if (c.parent_id == 0) continue;
      if (std::find(out.begin() + level_begin, out.begin() + level_end,
                    c.parent_id) != out.begin() + level_end) {
        out.push_back(id);
      }
    }
    level_begin = level_end;
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status ChannelRegistry::OwnerSet(const std::string& field, uint64_t channel_id,
                                 Subtree subtree,
                                 std::vector<uint64_t>* owners) const {
  if (!Exists(channel_id)) {
    return Status::NotFound(DoesNotExist(field, "channel", channel_id));
  }
  *owners = subtree == Subtree::kInclude ? SubtreeOf(channel_id)
                                         : std::vector<uint64_t>{channel_id};
  // A channel removed between the check and SubtreeOf leaves no owner; an
  // empty list would mean "any owner", so keep the channel itself.
  if (owners->empty()) owners->push_back(channel_id);
  return Status::OK();
}

Status ChannelRegistry::CheckHierarchy(const Channel& channel) const {
  if (channel.parent_id == 0) return Status::OK();
  std::shared_lock lock(mu_);
  if (channels_.count(channel.parent_id) == 0) {
    return Status::InvalidArgument(
        DoesNotExist("channel.parent_id", channel.parent_id));
  }
  // Walk up from the new parent; reaching the channel itself is a cycle.
  uint64_t at = channel.parent_id;
  for (size_t steps = 0; at != 0 && steps <= channels_.size(); ++steps) {
    if (at == channel.id) {
      return Status::InvalidArgument(
          "channel.parent_id: " + std::to_string(channel.parent_id) +
          " would make a cycle through channel " + std::to_string(channel.id));
    }
    auto it = channels_.find(at);
    at = it == channels_.end() ? 0 : it->second.parent_id;
  }
  return Status::OK();
}

Status ChannelRegistry::CheckExists(const std::string& field, uint64_t id,
                                    ZeroId zero) const {
  if (id == 0 && zero == ZeroId::kAllowed) return Status::OK();
  if (Exists(id)) return Status::OK();
  return Status::InvalidArgument(DoesNotExist(field, "channel", id));
}

void ChannelRegistry::Put(const Channel& channel) {
  std::unique_lock lock(mu_);
  channels_[channel.id] = channel;
}

}  // namespace custdb
