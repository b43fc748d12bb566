// Checking customers against a query's filters, and query order keys.
#include "query/customer_filter.h"

#include <algorithm>

#include "storage/keys.h"

namespace custdb {
namespace {

template <typename T>
bool AnyOf(const std::vector<T>& allowed, T value) {
  return allowed.empty() ||
         std::binary_search(allowed.begin(), allowed.end(), value);
}

}  // namespace

bool Matches(const CustomerFilter& f, const Customer& profile,
             const Aggregates& a, const Derived& d) {
  if (!AnyOf(f.tiers, d.value_tier) || !AnyOf(f.segments, d.segment) ||
      !AnyOf(f.stages, d.lifecycle) ||
      !AnyOf(f.owners, profile.owner_channel_id)) {
    return false;
  }
  if (f.region && profile.region != *f.region) return false;
  if (a.total_spend_minor < f.min_spend || a.total_spend_minor > f.max_spend) {
    return false;
  }
  if (a.order_count < f.min_orders || a.order_count > f.max_orders) {
    return false;
  }
  if (f.active_since &&
      (a.last_activity_ms == 0 || a.last_activity_ms < *f.active_since)) {
    return false;
  }
  if (f.inactive_since && (a.order_count < 1 || a.last_activity_ms == 0 ||
                           a.last_activity_ms >= *f.inactive_since)) {
    return false;
  }
  return true;
}

std::string OrderKey(CustomerOrder order, uint64_t customer_id,
                     const Aggregates& a) {
  std::string k;
  k.reserve(16);
  switch (order) {
    case CustomerOrder::kSpendDesc:
      keys::PutI64(&k, ~a.total_spend_minor);
      break;
    case CustomerOrder::kLastActivityAsc:
    case CustomerOrder::kLastActivityDesc:
      keys::PutI64(&k, a.last_activity_ms);
      break;
    case CustomerOrder::kId:
      break;
  }
  keys::PutU64(&k, customer_id);
  return k;
}

size_t OrderKeyLength(CustomerOrder order) {
  return order == CustomerOrder::kId ? 8 : 16;
}

bool OrderKeyBefore(CustomerOrder order, const std::string& a,
                    const std::string& b) {
  return order == CustomerOrder::kLastActivityDesc ? b < a : a < b;
}

std::string EncodeFilter(const CustomerFilter& f, CustomerOrder order) {
  std::string out(1, static_cast<char>(order));
  auto put_list = [&out](const auto& values) {
    keys::PutU64(&out, values.size());
    for (auto v : values) keys::PutI64(&out, static_cast<int64_t>(v));
  };
  put_list(f.tiers);
  put_list(f.segments);
  put_list(f.stages);
  put_list(f.owners);
  out.push_back(f.region ? 1 : 0);
  if (f.region) keys::PutString(&out, *f.region);
  for (int64_t v : {f.min_spend, f.max_spend, f.min_orders, f.max_orders}) {
    keys::PutI64(&out, v);
  }
  for (const auto& v : {f.active_since, f.inactive_since}) {
    out.push_back(v ? 1 : 0);
    if (v) keys::PutI64(&out, *v);
  }
  return out;
}

}  // namespace custdb
