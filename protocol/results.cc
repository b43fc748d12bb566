// Result frames of the Store operations, server side.
#include "protocol/results.h"

#include <vector>

#include "protocol/message.h"

namespace custdb {
namespace protocol {

Frame EncodeResult(uint64_t id, const Channel& channel) {
  Builder b(256);
  auto result = wire::CreateChannelResult(b, ToWire(b, channel));
  return FinishResult(b, id, wire::Result::ChannelResult, result);
}

Frame EncodeResult(uint64_t id, const std::vector<Channel>& channels) {
  Builder b(128 + 96 * channels.size());
  std::vector<Offset<fb::Channel>> offsets;
  offsets.reserve(channels.size());
  for (const Channel& c : channels) offsets.push_back(ToWire(b, c));
  auto result = wire::CreateChannelList(b, b.CreateVector(offsets));
  return FinishResult(b, id, wire::Result::ChannelList, result);
}

Frame EncodeIdResult(uint64_t id, uint64_t result_id) {
  Builder b(64);
  return FinishResult(b, id, wire::Result::IdResult,
                      wire::CreateIdResult(b, result_id));
}

Frame EncodeResult(uint64_t id, const CustomerRecord& record) {
  Builder b(1024);
  auto result = wire::CreateCustomerResult(b, ToWire(b, record));
  return FinishResult(b, id, wire::Result::CustomerResult, result);
}

Frame EncodeResult(uint64_t id, const Order& order) {
  Builder b(256 + 64 * order.items.size());
  auto result = wire::CreateOrderResult(b, ToWire(b, order));
  return FinishResult(b, id, wire::Result::OrderResult, result);
}

Frame EncodeResult(uint64_t id, const Page<Order>& page) {
  Builder b(256 + 160 * page.items.size());
  return FinishResult(b, id, wire::Result::OrderPage, ToWire(b, page));
}

Frame EncodeResult(uint64_t id, const Interaction& interaction) {
  Builder b(256 + interaction.note.size());
  auto result = wire::CreateInteractionResult(b, ToWire(b, interaction));
  return FinishResult(b, id, wire::Result::InteractionResult, result);
}

Frame EncodeResult(uint64_t id, const Page<Interaction>& page) {
  Builder b(256 + 160 * page.items.size());
  return FinishResult(b, id, wire::Result::InteractionPage, ToWire(b, page));
}

Frame EncodeResult(uint64_t id, const BatchStatuses& batch) {
  Builder b(128 + 24 * batch.statuses.size());
  return FinishResult(b, id, wire::Result::BatchResult, ToWire(b, batch));
}

Frame EncodeResult(uint64_t id, const TierPolicy& policy) {
  Builder b(1024);
  auto result = wire::CreatePolicyResult(b, ToWire(b, policy));
  return FinishResult(b, id, wire::Result::PolicyResult, result);
}

Frame EncodeResult(uint64_t id, const RescoreReport& report) {
  Builder b(128);
  return FinishResult(b, id, wire::Result::RescoreResult, ToWire(b, report));
}

Frame EncodeResult(uint64_t id, const CustomerPage& page) {
  Builder b(512 + 512 * page.customers.size());
  return FinishResult(b, id, wire::Result::CustomerPage, ToWire(b, page));
}

Frame EncodeResult(uint64_t id, const QueryPlan& plan) {
  Builder b(512);
  return FinishResult(b, id, wire::Result::QueryPlan, ToWire(b, plan));
}

Frame EncodeResult(uint64_t id, const ChurnWatch& watch) {
  Builder b(256 + 512 * watch.top.size());
  return FinishResult(b, id, wire::Result::ChurnWatchResult, ToWire(b, watch));
}

Frame EncodeResult(uint64_t id, const TierSummary& summary) {
  Builder b(256 + 64 * summary.rows.size());
  return FinishResult(b, id, wire::Result::TierSummaryResult,
                      ToWire(b, summary));
}

Frame EncodeResult(uint64_t id, const ChannelReport& report) {
  Builder b(256 + 192 * report.rows.size());
  return FinishResult(b, id, wire::Result::ChannelReportResult,
                      ToWire(b, report));
}

Frame EncodeResult(uint64_t id, const CustomerView& view) {
  Builder b(4096);
  return FinishResult(b, id, wire::Result::CustomerViewResult, ToWire(b, view));
}

}  // namespace protocol
}  // namespace custdb
