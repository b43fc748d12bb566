// The results of Store operations (protocol.fbs) <-> the API's types:
// history pages, customer pages and plans, reports, the customer view,
// rescore reports and batch statuses.
#include <string>
#include <utility>
#include <vector>

#include "protocol/convert.h"
#include "protocol/convert_util.h"

namespace custdb {
namespace protocol {
namespace {

template <typename T, typename W>
Offset<flatbuffers::Vector<Offset<W>>> Tables(Builder& b,
                                              const std::vector<T>& in) {
  std::vector<Offset<W>> offsets;
  offsets.reserve(in.size());
  for (const T& item : in) offsets.push_back(ToWire(b, item));
  return b.CreateVector(offsets);
}

// Fills *out from a vector of tables; `field` names the vector.
template <typename T, typename W>
Status TablesFrom(const flatbuffers::Vector<Offset<W>>* in,
                  const std::string& field, std::vector<T>* out) {
  out->clear();
  if (in == nullptr) return Status::OK();
  out->resize(in->size());
  for (flatbuffers::uoffset_t i = 0; i < in->size(); ++i) {
    Status s = FromWire(*in->Get(i), field + "[" + std::to_string(i) + "]",
                        &(*out)[i]);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Offset<wire::OrderPage> ToWire(Builder& b, const Page<Order>& page) {
  auto items = Tables<Order, fb::Order>(b, page.items);
  auto cursor = String(b, page.next_cursor);
  return wire::CreateOrderPage(b, items, cursor);
}

Status FromWire(const wire::OrderPage& in, const std::string& field,
                Page<Order>* out) {
  *out = Page<Order>();
  out->next_cursor = Str(in.next_cursor());
  return TablesFrom(in.items(), field + ".items", &out->items);
}

Offset<wire::InteractionPage> ToWire(Builder& b,
                                     const Page<Interaction>& page) {
  auto items = Tables<Interaction, fb::Interaction>(b, page.items);
  auto cursor = String(b, page.next_cursor);
  return wire::CreateInteractionPage(b, items, cursor);
}

Status FromWire(const wire::InteractionPage& in, const std::string& field,
                Page<Interaction>* out) {
  *out = Page<Interaction>();
  out->next_cursor = Str(in.next_cursor());
  return TablesFrom(in.items(), field + ".items", &out->items);
}

Offset<wire::QueryPlan> ToWire(Builder& b, const QueryPlan& plan) {
  auto index = String(b, plan.index);
  auto bounds = String(b, plan.bounds);
  auto residual = b.CreateVectorOfStrings(plan.residual_filters);
  std::vector<Offset<wire::PlanCandidate>> candidates;
  candidates.reserve(plan.candidates.size());
  for (const PlanCandidate& c : plan.candidates) {
    auto c_index = String(b, c.index);
    auto c_bounds = String(b, c.bounds);
    candidates.push_back(
        wire::CreatePlanCandidate(b, c_index, c_bounds, c.estimated_keys));
  }
  auto candidate_vec = b.CreateVector(candidates);
  return wire::CreateQueryPlan(b, index, bounds, residual, plan.index_order,
                               plan.keys_examined, plan.keys_rejected,
                               plan.results, candidate_vec);
}

Status FromWire(const wire::QueryPlan& in, const std::string&, QueryPlan* out) {
  *out = QueryPlan();
  out->index = Str(in.index());
  out->bounds = Str(in.bounds());
  if (in.residual_filters() != nullptr) {
    for (const flatbuffers::String* s : *in.residual_filters()) {
      out->residual_filters.push_back(s->str());
    }
  }
  out->index_order = in.index_order();
  out->keys_examined = in.keys_examined();
  out->keys_rejected = in.keys_rejected();
  out->results = in.results();
  if (in.candidates() != nullptr) {
    for (const wire::PlanCandidate* c : *in.candidates()) {
      out->candidates.push_back(PlanCandidate{Str(c->index()), Str(c->bounds()),
                                              c->estimated_keys()});
    }
  }
  return Status::OK();
}

Offset<wire::CustomerPage> ToWire(Builder& b, const CustomerPage& page) {
  auto customers =
      Tables<CustomerRecord, wire::CustomerRecord>(b, page.customers);
  auto cursor = String(b, page.next_cursor);
  auto plan = ToWire(b, page.plan);
  return wire::CreateCustomerPage(b, customers, cursor, plan);
}

Status FromWire(const wire::CustomerPage& in, const std::string& field,
                CustomerPage* out) {
  *out = CustomerPage();
  out->next_cursor = Str(in.next_cursor());
  if (in.plan() != nullptr) {
    Status s = FromWire(*in.plan(), field + ".plan", &out->plan);
    if (!s.ok()) return s;
  }
  return TablesFrom(in.customers(), field + ".customers", &out->customers);
}

Offset<wire::ChurnWatchResult> ToWire(Builder& b, const ChurnWatch& watch) {
  auto top = Tables<CustomerRecord, wire::CustomerRecord>(b, watch.top);
  return wire::CreateChurnWatchResult(b, watch.count, top);
}

Status FromWire(const wire::ChurnWatchResult& in, const std::string& field,
                ChurnWatch* out) {
  *out = ChurnWatch();
  out->count = in.count();
  return TablesFrom(in.top(), field + ".top", &out->top);
}

Offset<wire::TierSummaryResult> ToWire(Builder& b, const TierSummary& summary) {
  std::vector<Offset<wire::TierSummaryRow>> rows;
  rows.reserve(summary.rows.size());
  for (const TierSummaryRow& row : summary.rows) {
    auto group = String(b, row.group);
    auto region = OptionalString(b, row.region);
    rows.push_back(wire::CreateTierSummaryRow(
        b, group, row.customers, row.spend_minor,
        row.owner_channel_id.has_value(), row.owner_channel_id.value_or(0),
        row.region.has_value(), region));
  }
  auto row_vec = b.CreateVector(rows);
  return wire::CreateTierSummaryResult(b, static_cast<uint8_t>(summary.by),
                                       static_cast<uint8_t>(summary.split_by),
                                       summary.policy_version, row_vec);
}

Status FromWire(const wire::TierSummaryResult& in, const std::string&,
                TierSummary* out) {
  *out = TierSummary();
  out->by = static_cast<SummaryGroup>(in.by());
  out->split_by = static_cast<SummarySplit>(in.split_by());
  out->policy_version = in.policy_version();
  if (in.rows() != nullptr) {
    out->rows.reserve(in.rows()->size());
    for (const wire::TierSummaryRow* r : *in.rows()) {
      TierSummaryRow row;
      row.group = Str(r->group());
      row.customers = r->customers();
      row.spend_minor = r->spend_minor();
      row.owner_channel_id =
          OptionalOf(r->has_owner_channel_id(), r->owner_channel_id());
      // has_region says whether the row has a region key; "" is the key of
      // customers without a region, which an absent string also reads as.
      if (r->has_region()) row.region = Str(r->region());
      out->rows.push_back(std::move(row));
    }
  }
  return Status::OK();
}

Offset<wire::ChannelReportResult> ToWire(Builder& b,
                                         const ChannelReport& report) {
  std::vector<Offset<wire::ChannelReportRow>> rows;
  rows.reserve(report.rows.size());
  for (const ChannelReportRow& r : report.rows) {
    rows.push_back(wire::CreateChannelReportRow(
        b, r.channel_id, r.day_ms, r.revenue_minor, r.orders,
        r.buying_customers, r.new_customers, r.repeat_customers,
        r.repeat_customer_rate, r.interactions, r.complaints_opened,
        r.complaints_resolved, r.median_resolve_ms.has_value(),
        r.median_resolve_ms.value_or(0), r.avg_satisfaction.has_value(),
        r.avg_satisfaction.value_or(0), r.nps.has_value(), r.nps.value_or(0),
        r.cross_channel_in, r.cross_channel_out));
  }
  auto row_vec = b.CreateVector(rows);
  return wire::CreateChannelReportResult(b, row_vec);
}

Status FromWire(const wire::ChannelReportResult& in, const std::string&,
                ChannelReport* out) {
  *out = ChannelReport();
  if (in.rows() == nullptr) return Status::OK();
  out->rows.reserve(in.rows()->size());
  for (const wire::ChannelReportRow* r : *in.rows()) {
    ChannelReportRow row;
    row.channel_id = r->channel_id();
    row.day_ms = r->day_ms();
    row.revenue_minor = r->revenue_minor();
    row.orders = r->orders();
    row.buying_customers = r->buying_customers();
    row.new_customers = r->new_customers();
    row.repeat_customers = r->repeat_customers();
    row.repeat_customer_rate = r->repeat_customer_rate();
    row.interactions = r->interactions();
    row.complaints_opened = r->complaints_opened();
    row.complaints_resolved = r->complaints_resolved();
    row.median_resolve_ms =
        OptionalOf(r->has_median_resolve_ms(), r->median_resolve_ms());
    row.avg_satisfaction =
        OptionalOf(r->has_avg_satisfaction(), r->avg_satisfaction());
    row.nps = OptionalOf(r->has_nps(), r->nps());
    row.cross_channel_in = r->cross_channel_in();
    row.cross_channel_out = r->cross_channel_out();
    out->rows.push_back(std::move(row));
  }
  return Status::OK();
}

Offset<wire::CustomerViewResult> ToWire(Builder& b, const CustomerView& view) {
  auto customer = ToWire(b, view.customer);
  auto orders = Tables<Order, fb::Order>(b, view.recent_orders);
  auto interactions =
      Tables<Interaction, fb::Interaction>(b, view.recent_interactions);
  return wire::CreateCustomerViewResult(b, customer, orders, interactions);
}

Status FromWire(const wire::CustomerViewResult& in, const std::string& field,
                CustomerView* out) {
  *out = CustomerView();
  if (in.customer() != nullptr) {
    Status s = FromWire(*in.customer(), field + ".customer", &out->customer);
    if (!s.ok()) return s;
  }
  Status s = TablesFrom(in.recent_orders(), field + ".recent_orders",
                        &out->recent_orders);
  if (!s.ok()) return s;
  return TablesFrom(in.recent_interactions(), field + ".recent_interactions",
                    &out->recent_interactions);
}

Offset<wire::RescoreResult> ToWire(Builder& b, const RescoreReport& r) {
  return wire::CreateRescoreResult(b, r.as_of_ms, r.full, r.policy_version,
                                   r.examined, r.changed);
}

Status FromWire(const wire::RescoreResult& in, const std::string&,
                RescoreReport* out) {
  *out = RescoreReport();
  out->as_of_ms = in.as_of_ms();
  out->full = in.full();
  out->policy_version = in.policy_version();
  out->examined = in.examined();
  out->changed = in.changed();
  return Status::OK();
}

Offset<wire::BatchResult> ToWire(Builder& b, const BatchStatuses& batch) {
  std::vector<Offset<wire::EventStatus>> statuses;
  statuses.reserve(batch.statuses.size());
  for (const Status& s : batch.statuses) {
    auto message = String(b, s.message());
    statuses.push_back(
        wire::CreateEventStatus(b, static_cast<uint8_t>(s.code()), message));
  }
  auto status_vec = b.CreateVector(statuses);
  auto ids = b.CreateVector(batch.ids);
  return wire::CreateBatchResult(b, status_vec, ids);
}

Status FromWire(const wire::BatchResult& in, const std::string&,
                BatchStatuses* out) {
  *out = BatchStatuses();
  if (in.statuses() != nullptr) {
    out->statuses.reserve(in.statuses()->size());
    for (const wire::EventStatus* s : *in.statuses()) {
      out->statuses.emplace_back(static_cast<StatusCode>(s->code()),
                                 Str(s->message()));
    }
  }
  if (in.ids() != nullptr) out->ids.assign(in.ids()->begin(), in.ids()->end());
  return Status::OK();
}

}  // namespace protocol
}  // namespace custdb
