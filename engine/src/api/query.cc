// Names of query.h's enums and QueryPlan's readable form.
#include "custdb/query.h"

#include "api/enum_names.h"

namespace custdb {
namespace {

constexpr NamedValue<CustomerOrder> kCustomerOrders[] = {
    {CustomerOrder::kSpendDesc, "spend_desc"},
    {CustomerOrder::kLastActivityAsc, "last_activity_asc"},
    {CustomerOrder::kLastActivityDesc, "last_activity_desc"},
    {CustomerOrder::kId, "id"},
};
static_assert(IsDense(kCustomerOrders));

}  // namespace

const char* CustomerOrderName(CustomerOrder order) {
  return NameOf(kCustomerOrders, order);
}

bool ParseCustomerOrder(const std::string& name, CustomerOrder* out) {
  return ParseName(kCustomerOrders, name, out);
}

std::string QueryPlan::ToString() const {
  std::string s = "index " + index + " " + bounds;
  if (!residual_filters.empty()) {
    s += "; filter";
    for (const auto& f : residual_filters) s += " " + f;
  }
  s += index_order ? "; index order" : "; sorted after the scan";
  s += "; " + std::to_string(keys_examined) + " keys examined, " +
       std::to_string(keys_rejected) + " rejected, " + std::to_string(results) +
       " results";
  if (candidates.size() > 1) {
    s += "; weighed";
    for (const PlanCandidate& c : candidates) {
      s += " " + c.index + " " +
           (c.estimated_keys < 0 ? std::string("(not estimated)")
                                 : "~" + std::to_string(c.estimated_keys));
    }
  }
  return s;
}

}  // namespace custdb
