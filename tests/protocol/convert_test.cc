// The protocol's conversions and Dispatch: every API type survives the wire
// with edge values (fixed seeds), what the wire can say and the API cannot
// hold is refused naming the field, and Dispatch answers absent tables,
// unknown and session operations, oversized batches and large limits as
// docs/PROTOCOL.md says, without crashing.
#include "protocol/convert.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "custdb/client.h"
#include "custdb/engine.h"
#include "protocol/dispatch.h"
#include "protocol/frame.h"
#include "protocol/requests.h"
#include "protocol/results.h"
#include "protocol/session.h"
#include "support/loopback_transport.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using protocol::Builder;
using protocol::Frame;

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

// --- Edge values, drawn from fixed seeds ----------------------------------

class Edges {
 public:
  explicit Edges(uint64_t seed) : rng_(seed) {}
  uint64_t Id() {
    return Pick<uint64_t>({0, 1, 12347, kMaxId, kMaxId + 1, kU64Max});
  }
  int64_t I64() { return Pick<int64_t>({kI64Min, -1, 0, 1, -5, kI64Max}); }
  int32_t I32() {
    return Pick<int32_t>({std::numeric_limits<int32_t>::min(), -1, 0, 5,
                          std::numeric_limits<int32_t>::max()});
  }
  uint32_t U32() {
    return Pick<uint32_t>({0, 1, 100, 10000, 10001, 4000000000u});
  }
  // Known numbers and ones outside every enumeration.
  uint8_t EnumNumber() { return Pick<uint8_t>({0, 1, 2, 3, 5, 9, 200, 255}); }
  template <typename E>
  E Enum() {
    return static_cast<E>(EnumNumber());
  }
  bool Bool() { return Pick<bool>({false, true}); }
  double Double() { return Pick<double>({0.0, -1.5, 1e300, 0.1}); }
  std::string Text() {
    return Pick<std::string>({"", "x", std::string("a\0b", 3),
                              "\xc3\xa9t\xc3\xa9", std::string(5000, 'z'),
                              " padded "});
  }
  template <typename T>
  std::optional<T> Maybe(T value) {
    return Bool() ? std::optional<T>(std::move(value)) : std::nullopt;
  }
  size_t Count() { return Pick<size_t>({0, 1, 3}); }

 private:
  template <typename T>
  T Pick(std::initializer_list<T> values) {
    std::uniform_int_distribution<size_t> d(0, values.size() - 1);
    return *(values.begin() + d(rng_));
  }
  std::mt19937_64 rng_;
};

Channel MakeChannel(uint64_t id, const std::string& name,
                    ChannelType type = ChannelType::kDirect,
                    uint64_t parent_id = 0) {
  Channel c;
  c.id = id;
  c.name = name;
  c.type = type;
  c.parent_id = parent_id;
  return c;
}

Channel RandomChannel(Edges& e) {
  Channel c;
  c.id = e.Id();
  c.name = e.Text();
  c.type = e.Enum<ChannelType>();
  c.parent_id = e.Id();
  c.region = e.Text();
  c.active = e.Bool();
  return c;
}

Customer RandomCustomer(Edges& e) {
  Customer c;
  c.id = e.Id();
  c.code = e.Text();
  c.email = e.Text();
  c.phone = e.Text();
  c.name = e.Text();
  c.region = e.Text();
  c.gender = e.Enum<Gender>();
  c.birth_year = e.I32();
  c.acquisition_channel_id = e.Id();
  c.owner_channel_id = e.Id();
  for (size_t i = e.Count(); i > 0; --i) c.tags.push_back(e.Text());
  for (size_t i = e.Count(); i > 0; --i) {
    c.attributes["k" + std::to_string(i) + e.Text()] = e.Text();
  }
  c.created_at_ms = e.I64();
  return c;
}

Order RandomOrder(Edges& e) {
  Order o;
  o.id = e.Id();
  o.customer_id = e.Id();
  o.channel_id = e.Id();
  o.ts_ms = e.I64();
  o.amount_minor = e.I64();
  o.currency = e.Text();
  o.kind = e.Enum<OrderKind>();
  o.status = e.Enum<OrderStatus>();
  o.refunded_minor = e.I64();
  for (size_t i = e.Count(); i > 0; --i) {
    o.items.push_back(LineItem{e.Text(), e.I64(), e.I64(), e.I64()});
  }
  return o;
}

Interaction RandomInteraction(Edges& e) {
  Interaction i;
  i.id = e.Id();
  i.customer_id = e.Id();
  i.channel_id = e.Id();
  i.ts_ms = e.I64();
  i.kind = e.Enum<InteractionKind>();
  i.satisfaction = e.Maybe(e.I32());
  i.nps = e.Maybe(e.I32());
  i.staff_id = e.Text();
  i.note = e.Text();
  i.resolved_at_ms = e.Maybe(e.I64());
  return i;
}

CustomerRecord RandomRecord(Edges& e) {
  CustomerRecord r;
  r.profile = RandomCustomer(e);
  Aggregates& a = r.aggregates;
  a.order_count = e.I64();
  a.completed_order_count = e.I64();
  a.total_spend_minor = e.I64();
  a.first_order_ms = e.I64();
  a.last_order_ms = e.I64();
  a.last_interaction_ms = e.I64();
  a.last_activity_ms = e.I64();
  a.interaction_count = e.I64();
  a.complaint_count = e.I64();
  a.open_complaint_count = e.I64();
  a.satisfaction_sum = e.I64();
  a.satisfaction_count = e.I64();
  a.last_nps = e.I32();
  a.last_nps_ms = e.I64();
  a.last_nps_id = e.Id();
  a.completed_spend_minor = e.I64();
  a.loyalty_redeemed = e.I64();
  for (size_t i = e.Count(); i > 0; --i) a.recent_order_ms.push_back(e.I64());
  Derived& d = r.derived;
  d.value_tier = e.Enum<ValueTier>();
  d.r = static_cast<int>(e.EnumNumber() % 6);
  d.f = static_cast<int>(e.EnumNumber() % 6);
  d.m = static_cast<int>(e.EnumNumber() % 6);
  d.segment = e.Bool() ? -1 : 9;
  d.segment_name = e.Text();
  d.lifecycle = e.Enum<LifecycleStage>();
  d.churn_risk = e.Bool();
  d.loyalty_points = e.I64();
  d.next_change_ms = e.I64();
  r.derived_as_of_ms = e.I64();
  r.policy_version = e.I64();
  return r;
}

TierPolicy RandomPolicy(Edges& e) {
  TierPolicy p = DefaultPolicy();
  p.version = e.I64();
  p.high_min_spend_minor = e.I64();
  p.high_min_orders = e.I64();
  p.medium_min_spend_minor = e.I64();
  p.medium_min_orders = e.I64();
  p.rfm_mode = e.Enum<RfmMode>();
  for (int64_t& v : p.recency_days) v = e.I64();
  for (int64_t& v : p.frequency_orders) v = e.I64();
  for (int64_t& v : p.monetary_minor) v = e.I64();
  p.segments.push_back(SegmentRule{e.Text(), {0, 255}, {5, 1}, {3, 3}});
  p.new_days = e.I64();
  p.active_days = e.I64();
  p.at_risk_days = e.I64();
  p.churn_days = e.I64();
  p.loyalty_points_per_unit = e.I64();
  return p;
}

// --- Field-by-field views, so EXPECT_EQ compares (and prints) them -----------

auto Fields(const Channel& c) {
  return std::tie(c.id, c.name, c.type, c.parent_id, c.region, c.active);
}
auto Fields(const Customer& c) {
  return std::tie(c.id, c.code, c.email, c.phone, c.name, c.region, c.gender,
                  c.birth_year, c.acquisition_channel_id, c.owner_channel_id,
                  c.tags, c.attributes, c.created_at_ms);
}
std::vector<std::tuple<std::string, int64_t, int64_t, int64_t>> Fields(
    const std::vector<LineItem>& items) {
  std::vector<std::tuple<std::string, int64_t, int64_t, int64_t>> out;
  for (const LineItem& i : items) {
    out.emplace_back(i.sku, i.quantity, i.unit_price_minor, i.amount_minor);
  }
  return out;
}
auto Fields(const Order& o) {
  return std::make_tuple(o.id, o.customer_id, o.channel_id, o.ts_ms,
                         o.amount_minor, o.currency, o.kind, o.status,
                         o.refunded_minor, Fields(o.items));
}
auto Fields(const Interaction& i) {
  return std::tie(i.id, i.customer_id, i.channel_id, i.ts_ms, i.kind,
                  i.satisfaction, i.nps, i.staff_id, i.note, i.resolved_at_ms);
}
void ExpectSame(const CustomerRecord& a, const CustomerRecord& b) {
  EXPECT_EQ(Fields(a.profile), Fields(b.profile));
  EXPECT_TRUE(a.aggregates == b.aggregates);
  EXPECT_TRUE(a.derived == b.derived);
  EXPECT_EQ(a.derived.segment_name, b.derived.segment_name);
  EXPECT_EQ(a.derived_as_of_ms, b.derived_as_of_ms);
  EXPECT_EQ(a.policy_version, b.policy_version);
}
auto Fields(const ScoreRange& r) { return std::tie(r.min, r.max); }
void ExpectSame(const TierPolicy& a, const TierPolicy& b) {
  EXPECT_EQ(std::tie(a.version, a.high_min_spend_minor, a.high_min_orders,
                     a.medium_min_spend_minor, a.medium_min_orders, a.rfm_mode,
                     a.recency_days, a.frequency_orders, a.monetary_minor,
                     a.new_days, a.active_days, a.at_risk_days, a.churn_days,
                     a.loyalty_points_per_unit),
            std::tie(b.version, b.high_min_spend_minor, b.high_min_orders,
                     b.medium_min_spend_minor, b.medium_min_orders, b.rfm_mode,
                     b.recency_days, b.frequency_orders, b.monetary_minor,
                     b.new_days, b.active_days, b.at_risk_days, b.churn_days,
                     b.loyalty_points_per_unit));
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (size_t i = 0; i < a.segments.size(); ++i) {
    EXPECT_EQ(a.segments[i].name, b.segments[i].name);
    EXPECT_EQ(Fields(a.segments[i].r), Fields(b.segments[i].r));
    EXPECT_EQ(Fields(a.segments[i].f), Fields(b.segments[i].f));
    EXPECT_EQ(Fields(a.segments[i].m), Fields(b.segments[i].m));
  }
}
auto Fields(const CustomerPatch& p) {
  return std::tie(p.code, p.email, p.phone, p.name, p.region, p.gender,
                  p.birth_year, p.acquisition_channel_id, p.owner_channel_id,
                  p.tags, p.attributes);
}
auto Fields(const HistoryQuery& q) {
  return std::tie(q.customer_id, q.from_ms, q.to_ms, q.limit, q.cursor);
}
auto Fields(const CustomerQuery& q) {
  return std::tie(q.tiers, q.segments, q.stages, q.owner_channel_id,
                  q.include_subtree, q.region, q.min_spend_minor,
                  q.max_spend_minor, q.min_orders, q.max_orders,
                  q.active_since_ms, q.inactive_since_ms, q.order, q.limit,
                  q.cursor);
}
auto Fields(const ChurnWatchQuery& q) {
  return std::tie(q.as_of_ms, q.tiers, q.inactive_days, q.channel_id, q.limit);
}
auto Fields(const TierSummaryQuery& q) {
  return std::tie(q.by, q.split_by, q.owner_channel_id, q.include_subtree,
                  q.region);
}
auto Fields(const ChannelReportQuery& q) {
  return std::tie(q.channel_id, q.include_subtree, q.from_ms, q.to_ms,
                  q.by_day);
}

// Builds `value` as the root of a buffer, verifies it as table W and reads
// it back.
template <typename W, typename T>
T RoundTrip(const T& value) {
  Builder b;
  b.Finish(protocol::ToWire(b, value));
  flatbuffers::Verifier verifier(b.GetBufferPointer(), b.GetSize());
  EXPECT_TRUE(verifier.VerifyBuffer<W>(nullptr));
  T out;
  Status s = protocol::FromWire(*flatbuffers::GetRoot<W>(b.GetBufferPointer()),
                                "x", &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

constexpr int kRounds = 64;

TEST(ConvertTest, RecordsRoundTripWithEdgeValues) {
  for (uint64_t seed = 1; seed <= kRounds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Edges e(seed);
    Channel channel = RandomChannel(e);
    EXPECT_EQ(Fields(RoundTrip<fb::Channel>(channel)), Fields(channel));
    Customer customer = RandomCustomer(e);
    EXPECT_EQ(Fields(RoundTrip<fb::Customer>(customer)), Fields(customer));
    Order order = RandomOrder(e);
    EXPECT_EQ(Fields(RoundTrip<fb::Order>(order)), Fields(order));
    Interaction interaction = RandomInteraction(e);
    EXPECT_EQ(Fields(RoundTrip<fb::Interaction>(interaction)),
              Fields(interaction));
    CustomerRecord record = RandomRecord(e);
    ExpectSame(RoundTrip<wire::CustomerRecord>(record), record);
    TierPolicy policy = RandomPolicy(e);
    ExpectSame(RoundTrip<fb::TierPolicy>(policy), policy);
  }
}

TEST(ConvertTest, ChannelDefaultsTravelAsSchemaDefaults) {
  // active true and a zero id are the schema's defaults, so the builder
  // leaves them out; the reader must still see them.
  Channel c;
  c.active = true;
  EXPECT_EQ(Fields(RoundTrip<fb::Channel>(c)), Fields(c));
  c.active = false;
  EXPECT_EQ(Fields(RoundTrip<fb::Channel>(c)), Fields(c));
}

TEST(ConvertTest, PatchKeepsAbsentApartFromEmpty) {
  for (uint64_t seed = 1; seed <= kRounds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Edges e(seed);
    CustomerPatch p;
    p.code = e.Maybe(e.Text());
    p.email = e.Maybe(std::string());  // present and empty: remove it
    p.phone = e.Maybe(e.Text());
    p.name = e.Maybe(e.Text());
    p.region = e.Maybe(e.Text());
    p.gender = e.Maybe(e.Enum<Gender>());
    p.birth_year = e.Maybe(e.I32());
    p.acquisition_channel_id = e.Maybe(e.Id());
    p.owner_channel_id = e.Maybe(uint64_t{0});
    if (e.Bool()) p.tags = std::vector<std::string>();  // clear the tags
    if (e.Bool()) p.attributes = std::map<std::string, std::string>{{"a", ""}};
    EXPECT_EQ(Fields(RoundTrip<wire::CustomerPatch>(p)), Fields(p));
  }
  CustomerPatch empty;
  EXPECT_EQ(Fields(RoundTrip<wire::CustomerPatch>(empty)), Fields(empty));
}

TEST(ConvertTest, QueriesRoundTripWithEdgeValues) {
  for (uint64_t seed = 1; seed <= kRounds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Edges e(seed);
    HistoryQuery h{e.Id(), e.I64(), e.I64(), e.U32(), e.Text()};
    EXPECT_EQ(Fields(RoundTrip<wire::HistoryQuery>(h)), Fields(h));

    CustomerQuery q;
    for (size_t i = e.Count(); i > 0; --i)
      q.tiers.push_back(e.Enum<ValueTier>());
    for (size_t i = e.Count(); i > 0; --i) q.segments.push_back(e.Text());
    for (size_t i = e.Count(); i > 0; --i) {
      q.stages.push_back(e.Enum<LifecycleStage>());
    }
    q.owner_channel_id = e.Maybe(e.Id());
    q.include_subtree = e.Bool();
    q.region = e.Maybe(e.Bool() ? std::string() : e.Text());
    q.min_spend_minor = e.Maybe(e.I64());
    q.max_spend_minor = e.Maybe(e.I64());
    q.min_orders = e.Maybe(e.I64());
    q.max_orders = e.Maybe(e.I64());
    q.active_since_ms = e.Maybe(e.I64());
    q.inactive_since_ms = e.Maybe(e.I64());
    q.order = e.Enum<CustomerOrder>();
    q.limit = e.U32();
    q.cursor = e.Text();
    EXPECT_EQ(Fields(RoundTrip<wire::CustomerQuery>(q)), Fields(q));

    ChurnWatchQuery c;
    c.as_of_ms = e.I64();
    for (size_t i = e.Count(); i > 0; --i)
      c.tiers.push_back(e.Enum<ValueTier>());
    c.inactive_days = e.I64();
    c.channel_id = e.Maybe(e.Id());
    c.limit = e.U32();
    EXPECT_EQ(Fields(RoundTrip<wire::ChurnWatchQuery>(c)), Fields(c));

    TierSummaryQuery t;
    t.by = e.Enum<SummaryGroup>();
    t.split_by = e.Enum<SummarySplit>();
    t.owner_channel_id = e.Maybe(e.Id());
    t.include_subtree = e.Bool();
    t.region = e.Maybe(e.Bool() ? std::string() : e.Text());
    EXPECT_EQ(Fields(RoundTrip<wire::TierSummaryQuery>(t)), Fields(t));

    ChannelReportQuery r{e.Id(), e.Bool(), e.I64(), e.I64(), e.Bool()};
    EXPECT_EQ(Fields(RoundTrip<wire::ChannelReportQuery>(r)), Fields(r));

    RescoreOptions o;
    o.as_of_ms = e.Maybe(e.I64());
    o.full = e.Bool();
    o.force = e.Bool();
    RescoreOptions back = RoundTrip<wire::Rescore>(o);
    EXPECT_EQ(std::tie(back.as_of_ms, back.full, back.force),
              std::tie(o.as_of_ms, o.full, o.force));
  }
}

TEST(ConvertTest, EveryEventAlternativeRoundTrips) {
  Edges e(7);
  const std::vector<Event> events = {
      RandomCustomer(e),
      RandomOrder(e),
      RandomInteraction(e),
      OrderStatusChange{kU64Max, static_cast<OrderStatus>(200)},
      OrderRefund{kMaxId, -5},
      InteractionResolution{0, kI64Min},
      LoyaltyRedemption{kMaxId + 1, kI64Max},
  };
  for (const Event& event : events) {
    Event back = RoundTrip<wire::Event>(event);
    ASSERT_EQ(back.index(), event.index());
    std::visit(
        [&](const auto& want) {
          using T = std::decay_t<decltype(want)>;
          const T& got = std::get<T>(back);
          if constexpr (std::is_same_v<T, OrderStatusChange>) {
            EXPECT_EQ(std::tie(got.order_id, got.status),
                      std::tie(want.order_id, want.status));
          } else if constexpr (std::is_same_v<T, OrderRefund>) {
            EXPECT_EQ(std::tie(got.order_id, got.amount_minor),
                      std::tie(want.order_id, want.amount_minor));
          } else if constexpr (std::is_same_v<T, InteractionResolution>) {
            EXPECT_EQ(std::tie(got.interaction_id, got.resolved_at_ms),
                      std::tie(want.interaction_id, want.resolved_at_ms));
          } else if constexpr (std::is_same_v<T, LoyaltyRedemption>) {
            EXPECT_EQ(std::tie(got.customer_id, got.points),
                      std::tie(want.customer_id, want.points));
          } else {
            EXPECT_EQ(Fields(got), Fields(want));
          }
        },
        event);
  }
}

TEST(ConvertTest, ResultsRoundTripWithEdgeValues) {
  for (uint64_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Edges e(seed);
    Page<Order> orders;
    for (size_t i = e.Count(); i > 0; --i)
      orders.items.push_back(RandomOrder(e));
    orders.next_cursor = e.Text();
    Page<Order> orders_back = RoundTrip<wire::OrderPage>(orders);
    ASSERT_EQ(orders_back.items.size(), orders.items.size());
    for (size_t i = 0; i < orders.items.size(); ++i) {
      EXPECT_EQ(Fields(orders_back.items[i]), Fields(orders.items[i]));
    }
    EXPECT_EQ(orders_back.next_cursor, orders.next_cursor);

    CustomerPage page;
    for (size_t i = e.Count(); i > 0; --i)
      page.customers.push_back(RandomRecord(e));
    page.next_cursor = e.Text();
    page.plan.index = e.Text();
    page.plan.bounds = e.Text();
    page.plan.residual_filters = {e.Text(), e.Text()};
    page.plan.index_order = e.Bool();
    page.plan.keys_examined = e.Id();
    page.plan.keys_rejected = e.Id();
    page.plan.results = e.Id();
    page.plan.candidates = {{e.Text(), e.Text(), -1}, {"x", "", e.I64()}};
    CustomerPage page_back = RoundTrip<wire::CustomerPage>(page);
    ASSERT_EQ(page_back.customers.size(), page.customers.size());
    for (size_t i = 0; i < page.customers.size(); ++i) {
      ExpectSame(page_back.customers[i], page.customers[i]);
    }
    EXPECT_EQ(page_back.next_cursor, page.next_cursor);
    const QueryPlan& p = page.plan;
    const QueryPlan& q = page_back.plan;
    EXPECT_EQ(std::tie(q.index, q.bounds, q.residual_filters, q.index_order,
                       q.keys_examined, q.keys_rejected, q.results),
              std::tie(p.index, p.bounds, p.residual_filters, p.index_order,
                       p.keys_examined, p.keys_rejected, p.results));
    ASSERT_EQ(q.candidates.size(), p.candidates.size());
    for (size_t i = 0; i < p.candidates.size(); ++i) {
      EXPECT_EQ(std::tie(q.candidates[i].index, q.candidates[i].bounds,
                         q.candidates[i].estimated_keys),
                std::tie(p.candidates[i].index, p.candidates[i].bounds,
                         p.candidates[i].estimated_keys));
    }

    TierSummary summary;
    summary.by = e.Enum<SummaryGroup>();
    summary.split_by = e.Enum<SummarySplit>();
    summary.policy_version = e.I64();
    summary.rows.push_back(
        {e.Text(), e.I64(), e.I64(), e.Maybe(e.Id()), e.Maybe(e.Text())});
    summary.rows.push_back({"", 0, 0, uint64_t{0}, std::string()});
    TierSummary summary_back = RoundTrip<wire::TierSummaryResult>(summary);
    EXPECT_EQ(std::tie(summary_back.by, summary_back.split_by,
                       summary_back.policy_version),
              std::tie(summary.by, summary.split_by, summary.policy_version));
    ASSERT_EQ(summary_back.rows.size(), summary.rows.size());
    for (size_t i = 0; i < summary.rows.size(); ++i) {
      const TierSummaryRow& a = summary.rows[i];
      const TierSummaryRow& b = summary_back.rows[i];
      EXPECT_EQ(std::tie(b.group, b.customers, b.spend_minor,
                         b.owner_channel_id, b.region),
                std::tie(a.group, a.customers, a.spend_minor,
                         a.owner_channel_id, a.region));
    }

    ChannelReport report;
    ChannelReportRow row;
    row.channel_id = e.Id();
    row.day_ms = e.I64();
    row.revenue_minor = e.I64();
    row.orders = e.I64();
    row.buying_customers = e.I64();
    row.new_customers = e.I64();
    row.repeat_customers = e.I64();
    row.repeat_customer_rate = e.Double();
    row.interactions = e.I64();
    row.complaints_opened = e.I64();
    row.complaints_resolved = e.I64();
    row.median_resolve_ms = e.Maybe(e.I64());
    row.avg_satisfaction = e.Maybe(e.Double());
    row.nps = e.Maybe(e.Double());
    row.cross_channel_in = e.I64();
    row.cross_channel_out = e.I64();
    report.rows = {row, ChannelReportRow()};
    ChannelReport report_back = RoundTrip<wire::ChannelReportResult>(report);
    ASSERT_EQ(report_back.rows.size(), 2u);
    const ChannelReportRow& r = report_back.rows[0];
    EXPECT_EQ(
        std::tie(r.channel_id, r.day_ms, r.revenue_minor, r.orders,
                 r.buying_customers, r.new_customers, r.repeat_customers,
                 r.repeat_customer_rate, r.interactions, r.complaints_opened,
                 r.complaints_resolved, r.median_resolve_ms, r.avg_satisfaction,
                 r.nps, r.cross_channel_in, r.cross_channel_out),
        std::tie(row.channel_id, row.day_ms, row.revenue_minor, row.orders,
                 row.buying_customers, row.new_customers, row.repeat_customers,
                 row.repeat_customer_rate, row.interactions,
                 row.complaints_opened, row.complaints_resolved,
                 row.median_resolve_ms, row.avg_satisfaction, row.nps,
                 row.cross_channel_in, row.cross_channel_out));

    CustomerView view;
    view.customer = RandomRecord(e);
    view.recent_orders = {RandomOrder(e)};
    view.recent_interactions = {RandomInteraction(e), RandomInteraction(e)};
    CustomerView view_back = RoundTrip<wire::CustomerViewResult>(view);
    ExpectSame(view_back.customer, view.customer);
    ASSERT_EQ(view_back.recent_orders.size(), 1u);
    EXPECT_EQ(Fields(view_back.recent_orders[0]),
              Fields(view.recent_orders[0]));
    ASSERT_EQ(view_back.recent_interactions.size(), 2u);
    EXPECT_EQ(Fields(view_back.recent_interactions[1]),
              Fields(view.recent_interactions[1]));

    ChurnWatch watch{e.I64(), {RandomRecord(e)}};
    ChurnWatch watch_back = RoundTrip<wire::ChurnWatchResult>(watch);
    EXPECT_EQ(watch_back.count, watch.count);
    ASSERT_EQ(watch_back.top.size(), 1u);
    ExpectSame(watch_back.top[0], watch.top[0]);

    RescoreReport rescore{e.I64(), e.Bool(), e.I64(), e.Id(), e.Id()};
    RescoreReport rescore_back = RoundTrip<wire::RescoreResult>(rescore);
    EXPECT_EQ(std::tie(rescore_back.as_of_ms, rescore_back.full,
                       rescore_back.policy_version, rescore_back.examined,
                       rescore_back.changed),
              std::tie(rescore.as_of_ms, rescore.full, rescore.policy_version,
                       rescore.examined, rescore.changed));

    protocol::BatchStatuses batch;
    batch.statuses = {Status::OK(), Status::InvalidArgument(e.Text()),
                      Status(static_cast<StatusCode>(200), "from the future")};
    batch.ids = {e.Id(), 0, kU64Max};
    protocol::BatchStatuses batch_back = RoundTrip<wire::BatchResult>(batch);
    ASSERT_EQ(batch_back.statuses.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(batch_back.statuses[i].code(), batch.statuses[i].code());
      EXPECT_EQ(batch_back.statuses[i].message(), batch.statuses[i].message());
    }
    EXPECT_EQ(batch_back.ids, batch.ids);
  }
}

// --- What the wire can say and the API cannot hold ------------------------

TEST(ConvertTest, RepeatedAttributeKeyIsRefusedNamingIt) {
  Builder b;
  std::vector<flatbuffers::Offset<fb::Attribute>> attrs = {
      fb::CreateAttributeDirect(b, "tier", "gold"),
      fb::CreateAttributeDirect(b, "tier", "silver")};
  auto attributes = b.CreateVector(attrs);
  fb::CustomerBuilder c(b);
  c.add_attributes(attributes);
  b.Finish(c.Finish());
  Customer out;
  Status s = protocol::FromWire(
      *flatbuffers::GetRoot<fb::Customer>(b.GetBufferPointer()),
      "CreateCustomer.customer", &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "CreateCustomer.customer.attributes[1].key: 'tier' repeats");
}

TEST(ConvertTest, BreakpointListOfAnotherLengthIsRefusedNamingIt) {
  Builder b;
  std::vector<int64_t> three = {1, 2, 3};
  auto recency = b.CreateVector(three);
  fb::TierPolicyBuilder p(b);
  p.add_recency_days(recency);
  b.Finish(p.Finish());
  TierPolicy out;
  Status s = protocol::FromWire(
      *flatbuffers::GetRoot<fb::TierPolicy>(b.GetBufferPointer()),
      "SetPolicy.policy", &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "SetPolicy.policy.recency_days: 3 breakpoints; it holds exactly 4");
}

TEST(ConvertTest, ScoreBoundTheWireCannotHoldGetsTheEnginesMessage) {
  TierPolicy policy = DefaultPolicy();
  policy.segments[0].r.max = 300;
  Result<Frame> frame = protocol::EncodeSetPolicy(policy);
  ASSERT_FALSE(frame.ok());
  Status engine = ValidatePolicy(policy);
  EXPECT_EQ(frame.status().code(), engine.code());
  EXPECT_EQ(frame.status().message(), engine.message());
  EXPECT_NE(engine.message().find("300"), std::string::npos);
}

TEST(ConvertTest, EventWithoutBodyOrWithUnknownBodyIsRefused) {
  Builder b;
  b.Finish(wire::CreateEvent(b));
  Event out;
  Status s = protocol::FromWire(
      *flatbuffers::GetRoot<wire::Event>(b.GetBufferPointer()),
      "ApplyBatch.events[4]", &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "ApplyBatch.events[4]: no event body (body_type 0)");

  Builder u;
  u.Finish(wire::CreateEvent(u, static_cast<wire::EventBody>(42),
                             wire::CreatePing(u).Union()));
  s = protocol::FromWire(
      *flatbuffers::GetRoot<wire::Event>(u.GetBufferPointer()),
      "ApplyBatch.events[0]", &out);
  EXPECT_EQ(s.message(),
            "ApplyBatch.events[0]: unknown event body 42 (body_type)");

  Builder t;  // a known tag without its table
  t.Finish(wire::CreateEvent(t, wire::EventBody::OrderRefund));
  s = protocol::FromWire(
      *flatbuffers::GetRoot<wire::Event>(t.GetBufferPointer()),
      "ApplyBatch.events[2]", &out);
  EXPECT_EQ(s.message(), "ApplyBatch.events[2].body: missing");
}

// --- Results on the client side --------------------------------------------

const wire::Response& RootOf(const Frame& frame) {
  Result<const wire::Response*> r = protocol::VerifyResponse(frame);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return **r;
}

TEST(ConvertTest, ErrorResponsesKeepCodeAndMessage) {
  for (int code : {1, 2, 7, 12, 13, 200}) {
    Status sent(static_cast<StatusCode>(code),
                "field: value " + std::to_string(code));
    Frame frame = protocol::EncodeError(9, sent);
    CustomerRecord record;
    Status got = protocol::DecodeResult(RootOf(frame), &record);
    EXPECT_EQ(got.code(), sent.code());
    EXPECT_EQ(got.message(), sent.message());
  }
}

TEST(ConvertTest, OkResponseWithoutItsResultIsInternal) {
  Frame ok = protocol::EncodeOk(3);
  CustomerPage page;
  Status s = protocol::DecodeResult(RootOf(ok), &page);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(), "response lacks its CustomerPage");
  // Another operation's result member is not this one's.
  Frame id = protocol::EncodeIdResult(3, 17);
  Channel channel;
  s = protocol::DecodeResult(RootOf(id), &channel);
  EXPECT_EQ(s.message(), "response lacks its ChannelResult");
  uint64_t got = 0;
  ASSERT_TRUE(protocol::DecodeResult(RootOf(id), &got).ok());
  EXPECT_EQ(got, 17u);
}

// --- Dispatch ----------------------------------------------------------------

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = test::OpenTestEngine(dir_.Sub("db")); }

  // Verifies `request` as the server does, dispatches it and returns the
  // verified response's status.
  Status Run(Frame request, const protocol::DispatchOptions& options = {}) {
    protocol::StampRequestId(&request, 77);
    Result<const wire::Request*> verified = protocol::VerifyRequest(request);
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
    if (!verified.ok()) return verified.status();
    last_ = protocol::Dispatch(*engine_, **verified, options);
    const wire::Response& response = RootOf(last_);
    EXPECT_EQ(response.header()->id(), 77u);
    return protocol::ResponseStatus(response);
  }

  // A request of `type` whose op is `op` (or absent, when 0).
  template <typename T = void>
  static Frame Request(Builder& b, wire::Op type,
                       flatbuffers::Offset<T> op = 0) {
    wire::RequestHeader header(0);
    wire::RequestBuilder request(b);
    request.add_header(&header);
    request.add_op_type(type);
    if (!op.IsNull()) request.add_op(op.Union());
    b.FinishSizePrefixed(request.Finish(), wire::RequestIdentifier());
    return Frame::FromBuilder(b);
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  Frame last_;
};

TEST_F(DispatchTest, AbsentTableIsMissingNamingIt) {
  Builder b;
  Status s =
      Run(Request(b, wire::Op::CreateCustomer, wire::CreateCreateCustomer(b)));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "CreateCustomer.customer: missing");

  const std::pair<wire::Op, std::string> cases[] = {
      {wire::Op::ListOrders, "ListOrders.query: missing"},
      {wire::Op::ListInteractions, "ListInteractions.query: missing"},
      {wire::Op::FindCustomers, "FindCustomers.query: missing"},
      {wire::Op::SetPolicy, "SetPolicy.policy: missing"},
      {wire::Op::PutChannel, "PutChannel.channel: missing"},
      {wire::Op::RecordOrder, "RecordOrder.order: missing"},
      {wire::Op::UpdateCustomer, "UpdateCustomer.patch: missing"},
      {wire::Op::GetChannelReport, "GetChannelReport.query: missing"},
  };
  for (const auto& [op, message] : cases) {
    Builder e;
    // An empty table of any type stands for the op's table with no fields.
    Status got = Run(Request(e, op, wire::CreateListChannels(e)));
    EXPECT_EQ(got.code(), StatusCode::kInvalidArgument) << message;
    EXPECT_EQ(got.message(), message);
  }
  auto counts = engine_->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->customers, 0);
}

TEST_F(DispatchTest, EveryOperationWithoutItsTableAnswersWithoutCrashing) {
  for (int n = 0; n <= static_cast<int>(wire::Op::MAX) + 2; ++n) {
    SCOPED_TRACE("op " + std::to_string(n));
    Builder b;
    Status s = Run(Request(b, static_cast<wire::Op>(n)));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    Builder e;  // the tag with an empty table
    Status t = Run(Request(e, static_cast<wire::Op>(n), wire::CreatePing(e)));
    EXPECT_FALSE(t.code() == StatusCode::kInternal) << t.ToString();
  }
}

TEST_F(DispatchTest, UnknownAndSessionOperationsAreRefusedNamingThem) {
  Builder b;
  Status s = Run(Request(b, static_cast<wire::Op>(99), wire::CreatePing(b)));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "unknown operation 99 (op_type)");

  Builder n;
  s = Run(Request(n, wire::Op::NONE));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "request without an operation (op_type 0)");

  s = Run(protocol::EncodePing());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("Ping ", 0), 0u) << s.message();
  s = Run(protocol::EncodeCheckpoint(dir_.Sub("copy")));
  EXPECT_EQ(s.message().rfind("Checkpoint ", 0), 0u) << s.message();
}

TEST_F(DispatchTest, OversizedBatchIsRefusedAndNothingIsApplied) {
  std::vector<Event> events;
  for (uint64_t id = 1; id <= 4; ++id) {
    Customer c;
    c.id = id;
    events.push_back(c);
  }
  protocol::DispatchOptions options;
  options.max_batch_events = 3;
  Status s = Run(protocol::EncodeApplyBatch(events), options);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(),
            "ApplyBatch of 4 events is over the limit of 3 (max_batch_events)");
  EXPECT_EQ(engine_->Counts()->customers, 0);

  options.max_batch_events = 4;
  ASSERT_TRUE(Run(protocol::EncodeApplyBatch(events), options).ok());
  protocol::BatchStatuses batch;
  ASSERT_TRUE(protocol::DecodeResult(RootOf(last_), &batch).ok());
  EXPECT_EQ(batch.ids, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(engine_->Counts()->customers, 4);
}

TEST_F(DispatchTest, BatchWithABodylessEventWritesNothing) {
  Builder b;
  std::vector<flatbuffers::Offset<wire::Event>> events = {
      protocol::ToWire(b, Event(Customer())), wire::CreateEvent(b)};
  auto op = wire::CreateApplyBatch(b, b.CreateVector(events));
  Status s = Run(Request(b, wire::Op::ApplyBatch, op));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "ApplyBatch.events[1]: no event body (body_type 0)");
  EXPECT_EQ(engine_->Counts()->customers, 0);
}

TEST_F(DispatchTest, MutatedFramesThatVerifyNeverCrashDispatch) {
  // Every byte flip the verifier lets through (absent tables, strings and
  // vectors, unknown tags and numbers) must still get an answer.
  Edges e(11);
  std::vector<Event> events = {RandomCustomer(e), RandomOrder(e),
                               RandomInteraction(e), OrderRefund{1, 5}};
  CustomerQuery query;
  query.tiers = {ValueTier::kHigh};
  query.region = "north";
  query.owner_channel_id = 1;
  std::vector<Frame> seeds;
  seeds.push_back(protocol::EncodeCreateCustomer(RandomCustomer(e)));
  seeds.push_back(protocol::EncodeApplyBatch(events));
  seeds.push_back(protocol::EncodeSetPolicy(DefaultPolicy()).value());
  seeds.push_back(protocol::EncodeFindCustomers(query));
  seeds.push_back(protocol::EncodeUpdateCustomer(1, CustomerPatch()));
  std::mt19937 rng(2024);
  int verified = 0;
  for (const Frame& seed : seeds) {
    for (int round = 0; round < 300; ++round) {
      Frame mutated(seed.size());
      std::memcpy(mutated.data(), seed.data(), seed.size());
      for (int flips = 1 + round % 3; flips > 0; --flips) {
        size_t at = protocol::kPrefixBytes +
                    rng() % (seed.size() - protocol::kPrefixBytes);
        mutated.data()[at] ^= static_cast<uint8_t>(1 + rng() % 255);
      }
      Result<const wire::Request*> request = protocol::VerifyRequest(mutated);
      if (!request.ok()) continue;
      ++verified;
      Frame answer = protocol::Dispatch(*engine_, **request);
      EXPECT_TRUE(protocol::VerifyResponse(answer).ok());
    }
  }
  EXPECT_GT(verified, 100);  // the test reached Dispatch, not only the verifier
}

TEST_F(DispatchTest, LimitAboveMaxRowsIsLoweredAndTheCursorPagesTheRest) {
  Customer c;
  c.id = 5;
  ASSERT_TRUE(engine_->CreateCustomer(c).ok());
  for (uint64_t id = 1; id <= 5; ++id) {
    ASSERT_TRUE(engine_->PutChannel(MakeChannel(1, "web")).ok());
    ASSERT_TRUE(
        engine_
            ->RecordOrder(test::NewOrder(id, 5, 1, test::DaysAgo(10 + id), 100))
            .ok());
  }
  protocol::DispatchOptions options;
  options.max_rows = 2;
  HistoryQuery q;
  q.customer_id = 5;
  q.limit = 1000;
  ASSERT_TRUE(Run(protocol::EncodeListOrders(q), options).ok());
  Page<Order> page;
  ASSERT_TRUE(protocol::DecodeResult(RootOf(last_), &page).ok());
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_FALSE(page.next_cursor.empty());
  // The next page of the same query, lowered the same way, goes on.
  q.cursor = page.next_cursor;
  ASSERT_TRUE(Run(protocol::EncodeListOrders(q), options).ok());
  ASSERT_TRUE(protocol::DecodeResult(RootOf(last_), &page).ok());
  EXPECT_EQ(page.items.size(), 2u);

  // Limits the engine refuses reach it unchanged, so the error is its own.
  for (uint32_t limit : {0u, kMaxHistoryLimit + 1}) {
    HistoryQuery bad;
    bad.customer_id = 5;
    bad.limit = limit;
    Status direct = engine_->ListOrders(bad).status();
    Status wired = Run(protocol::EncodeListOrders(bad), options);
    EXPECT_EQ(wired.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(wired.message(), direct.message());
  }

  CustomerQuery query;
  query.order = CustomerOrder::kId;
  query.limit = 3;
  ASSERT_TRUE(Run(protocol::EncodeFindCustomers(query), options).ok());
  CustomerPage customers;
  ASSERT_TRUE(protocol::DecodeResult(RootOf(last_), &customers).ok());
  EXPECT_EQ(customers.customers.size(), 1u);
}

// --- The Client over the loopback, against the engine itself ----------------

class WireAgainstEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    direct_ = test::OpenTestEngine(dir_.Sub("direct"));
    std::shared_ptr<Engine> engine = test::OpenTestEngine(dir_.Sub("wired"));
    wired_engine_ = engine.get();
    client_ = std::make_unique<Client>(
        std::make_shared<test::LoopbackTransport>(engine.get(), engine.get()),
        engine);
  }

  // The same call on both sides gives the same code and message.
  template <typename Call>
  void ExpectSameStatus(const std::string& what, Call call) {
    Status a = call(static_cast<Store&>(*direct_));
    Status b = call(static_cast<Store&>(*client_));
    EXPECT_EQ(a.code(), b.code())
        << what << ": " << a.ToString() << " vs " << b.ToString();
    EXPECT_EQ(a.message(), b.message()) << what;
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> direct_;
  Engine* wired_engine_ = nullptr;
  std::unique_ptr<Client> client_;
};

TEST_F(WireAgainstEngineTest, EdgeIdsAndBadValuesGetTheEnginesErrors) {
  for (uint64_t id : {uint64_t{0}, kMaxId, kMaxId + 1, kU64Max}) {
    const std::string at = " id " + std::to_string(id);
    ExpectSameStatus("GetCustomer" + at,
                     [&](Store& s) { return s.GetCustomer(id).status(); });
    ExpectSameStatus("GetChannel" + at,
                     [&](Store& s) { return s.GetChannel(id).status(); });
    ExpectSameStatus("GetOrder" + at,
                     [&](Store& s) { return s.GetOrder(id).status(); });
    ExpectSameStatus("EraseCustomer" + at,
                     [&](Store& s) { return s.EraseCustomer(id); });
    ExpectSameStatus("PutChannel" + at, [&](Store& s) {
      return s.PutChannel(MakeChannel(id, "c", ChannelType::kDirect, id));
    });
    ExpectSameStatus("CreateCustomer" + at, [&](Store& s) {
      Customer c;
      c.id = id;
      c.owner_channel_id = id;
      return s.CreateCustomer(c).status();
    });
  }
  ExpectSameStatus("unknown channel type", [&](Store& s) {
    return s.PutChannel(MakeChannel(1, "c", static_cast<ChannelType>(200)));
  });
  ExpectSameStatus("unknown order status", [&](Store& s) {
    return s.UpdateOrderStatus(1, static_cast<OrderStatus>(99));
  });
  ExpectSameStatus("negative refund",
                   [&](Store& s) { return s.RefundOrder(1, -5); });
  ExpectSameStatus("unknown query order", [&](Store& s) {
    CustomerQuery q;
    q.order = static_cast<CustomerOrder>(9);
    return s.FindCustomers(q).status();
  });
  ExpectSameStatus("unknown summary group", [&](Store& s) {
    TierSummaryQuery q;
    q.by = static_cast<SummaryGroup>(0);
    return s.GetTierSummary(q).status();
  });
  ExpectSameStatus("bad policy", [&](Store& s) {
    TierPolicy p = DefaultPolicy();
    p.segments[1].f.min = -3;
    return s.SetPolicy(p, nullptr).status();
  });
}

TEST_F(WireAgainstEngineTest, SessionAndAdminOperationsReachTheEngine) {
  ASSERT_TRUE(client_->Ping().ok());
  ASSERT_TRUE(client_->PutChannel(MakeChannel(3, "shop")).ok());
  Result<EngineStats> stats = client_->GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->base_currency, "EUR");
  EXPECT_EQ(stats->counts.channels, 1);
  EXPECT_FALSE(stats->column_families.empty());
  EXPECT_TRUE(client_->Flush().ok());
  EXPECT_TRUE(client_->Compact().ok());
  EXPECT_TRUE(client_->Checkpoint(dir_.Sub("copy")).ok());
  EXPECT_EQ(client_->Checkpoint("").message(), "Checkpoint.dir: missing");
}

TEST_F(WireAgainstEngineTest, SetPolicyReportsProgressOnceAtTheEnd) {
  Customer c;
  c.id = 1;
  ASSERT_TRUE(client_->CreateCustomer(c).ok());
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  Result<RescoreReport> report = client_->SetPolicy(
      DefaultPolicy(),
      [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].first, report->examined);
  EXPECT_EQ(calls[0].second, report->examined);
  EXPECT_EQ(wired_engine_->GetPolicy()->version, report->policy_version);
}

}  // namespace
}  // namespace custdb
