// AsyncClient and Client over a Transport: each call sends its own
// operation, flagged as a write exactly when its role is writer or admin
// (so a transport never resends it), and hands back the transport's or the
// server's Status unchanged.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/src/transport.h"
#include "custdb/async_client.h"
#include "custdb/client.h"
#include "protocol/dispatch.h"
#include "protocol/frame.h"
#include "protocol/session.h"

namespace custdb {
namespace {

// Records what it is sent and answers each request at once with `answer`.
class RecordingTransport : public client::Transport {
 public:
  using Answer = std::function<Result<protocol::Frame>()>;
  explicit RecordingTransport(Answer answer) : answer_(std::move(answer)) {}

  void Send(protocol::Frame request, bool is_write, Done done) override {
    Result<const wire::Request*> root = protocol::VerifyRequest(request);
    EXPECT_TRUE(root.ok()) << root.status().ToString();
    sent_.push_back(
        {root.ok() ? (*root)->op_type() : wire::Op::NONE, is_write});
    done(answer_());
  }

  struct Sent {
    wire::Op op;
    bool is_write;
  };
  const std::vector<Sent>& sent() const { return sent_; }

 private:
  Answer answer_;
  std::vector<Sent> sent_;
};

bool IsWrite(wire::Op op) {
  const protocol::OpAccess access = protocol::DescribeOp(op).access;
  return access == protocol::OpAccess::kWrite ||
         access == protocol::OpAccess::kAdmin;
}

// Every AsyncClient call, each reporting its status to `done`.
std::vector<std::pair<
    wire::Op, std::function<void(AsyncClient&, AsyncClient::StatusCallback)>>>
EveryCall() {
  using Done = AsyncClient::StatusCallback;
  auto status_of = [](Done done) {
    return [done](const auto& result) { done(result.status()); };
  };
  return {
      {wire::Op::PutChannel,
       [](AsyncClient& c, Done d) { c.PutChannel(Channel(), d); }},
      {wire::Op::GetChannel,
       [=](AsyncClient& c, Done d) { c.GetChannel(1, status_of(d)); }},
      {wire::Op::ListChannels,
       [=](AsyncClient& c, Done d) { c.ListChannels(status_of(d)); }},
      {wire::Op::CreateCustomer,
       [=](AsyncClient& c, Done d) {
         c.CreateCustomer(Customer(), status_of(d));
       }},
      {wire::Op::UpdateCustomer,
       [](AsyncClient& c, Done d) { c.UpdateCustomer(1, CustomerPatch(), d); }},
      {wire::Op::GetCustomer,
       [=](AsyncClient& c, Done d) { c.GetCustomer(1, status_of(d)); }},
      {wire::Op::GetCustomerByCode,
       [=](AsyncClient& c, Done d) { c.GetCustomerByCode("c", status_of(d)); }},
      {wire::Op::GetCustomerByEmail,
       [=](AsyncClient& c, Done d) {
         c.GetCustomerByEmail("e", status_of(d));
       }},
      {wire::Op::GetCustomerByPhone,
       [=](AsyncClient& c, Done d) {
         c.GetCustomerByPhone("p", status_of(d));
       }},
      {wire::Op::RecordOrder,
       [](AsyncClient& c, Done d) { c.RecordOrder(Order(), d); }},
      {wire::Op::UpdateOrderStatus,
       [](AsyncClient& c, Done d) {
         c.UpdateOrderStatus(1, OrderStatus::kPaid, d);
       }},
      {wire::Op::RefundOrder,
       [](AsyncClient& c, Done d) { c.RefundOrder(1, 5, d); }},
      {wire::Op::GetOrder,
       [=](AsyncClient& c, Done d) { c.GetOrder(1, status_of(d)); }},
      {wire::Op::ListOrders,
       [=](AsyncClient& c, Done d) {
         c.ListOrders(HistoryQuery(), status_of(d));
       }},
      {wire::Op::RecordInteraction,
       [=](AsyncClient& c, Done d) {
         c.RecordInteraction(Interaction(), status_of(d));
       }},
      {wire::Op::ResolveInteraction,
       [](AsyncClient& c, Done d) { c.ResolveInteraction(1, 2, d); }},
      {wire::Op::GetInteraction,
       [=](AsyncClient& c, Done d) { c.GetInteraction(1, status_of(d)); }},
      {wire::Op::ListInteractions,
       [=](AsyncClient& c, Done d) {
         c.ListInteractions(HistoryQuery(), status_of(d));
       }},
      {wire::Op::RedeemLoyaltyPoints,
       [](AsyncClient& c, Done d) { c.RedeemLoyaltyPoints(1, 2, d); }},
      {wire::Op::ApplyBatch,
       [=](AsyncClient& c, Done d) { c.ApplyBatch({}, status_of(d)); }},
      {wire::Op::GetPolicy,
       [=](AsyncClient& c, Done d) { c.GetPolicy(status_of(d)); }},
      {wire::Op::SetPolicy,
       [=](AsyncClient& c, Done d) {
         c.SetPolicy(DefaultPolicy(), status_of(d));
       }},
      {wire::Op::Rescore,
       [=](AsyncClient& c, Done d) {
         c.Rescore(RescoreOptions(), status_of(d));
       }},
      {wire::Op::FindCustomers,
       [=](AsyncClient& c, Done d) {
         c.FindCustomers(CustomerQuery(), status_of(d));
       }},
      {wire::Op::Explain,
       [=](AsyncClient& c, Done d) {
         c.Explain(CustomerQuery(), status_of(d));
       }},
      {wire::Op::GetChurnWatch,
       [=](AsyncClient& c, Done d) {
         c.GetChurnWatch(ChurnWatchQuery(), status_of(d));
       }},
      {wire::Op::GetTierSummary,
       [=](AsyncClient& c, Done d) {
         c.GetTierSummary(TierSummaryQuery(), status_of(d));
       }},
      {wire::Op::GetChannelReport,
       [=](AsyncClient& c, Done d) {
         c.GetChannelReport(ChannelReportQuery(), status_of(d));
       }},
      {wire::Op::ViewCustomer,
       [=](AsyncClient& c, Done d) { c.ViewCustomer(1, status_of(d)); }},
      {wire::Op::MergeCustomers,
       [](AsyncClient& c, Done d) { c.MergeCustomers(1, 2, d); }},
      {wire::Op::EraseCustomer,
       [](AsyncClient& c, Done d) { c.EraseCustomer(1, d); }},
      {wire::Op::Ping, [](AsyncClient& c, Done d) { c.Ping(d); }},
      {wire::Op::Stats,
       [=](AsyncClient& c, Done d) { c.GetStats(status_of(d)); }},
      {wire::Op::Compact, [](AsyncClient& c, Done d) { c.Compact(d); }},
      {wire::Op::Flush, [](AsyncClient& c, Done d) { c.Flush(d); }},
      {wire::Op::Checkpoint,
       [](AsyncClient& c, Done d) { c.Checkpoint("/tmp/x", d); }},
  };
}

TEST(ClientOverTransportTest, EveryCallSendsItsOpFlaggedAsWriteByItsRole) {
  const Status server_error(StatusCode::kNotFound, "customer_id: 1 is gone");
  auto transport = std::make_shared<RecordingTransport>(
      [&] { return protocol::EncodeError(1, server_error); });
  AsyncClient client(transport);
  const auto calls = EveryCall();
  // Every Store operation and every session call the client offers.
  EXPECT_EQ(calls.size(), static_cast<size_t>(wire::Op::MAX) - 2);
  for (const auto& [op, call] : calls) {
    SCOPED_TRACE(protocol::DescribeOp(op).name);
    Status got;
    int answers = 0;
    call(client, [&](Status s) {
      got = std::move(s);
      ++answers;
    });
    EXPECT_EQ(answers, 1);
    ASSERT_FALSE(transport->sent().empty());
    EXPECT_EQ(transport->sent().back().op, op);
    EXPECT_EQ(transport->sent().back().is_write, IsWrite(op));
    EXPECT_EQ(got.code(), server_error.code());
    EXPECT_EQ(got.message(), server_error.message());
  }
  EXPECT_EQ(transport->sent().size(), calls.size());
}

TEST(ClientOverTransportTest, TransportFailuresArriveUnchanged) {
  auto transport = std::make_shared<RecordingTransport>([]() {
    return Result<protocol::Frame>(
        Status::Unavailable("connection closed; outcome unknown"));
  });
  Client client(transport);
  Status s = client.RecordOrder(Order());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "connection closed; outcome unknown");
  EXPECT_EQ(client.GetCustomer(1).status().message(),
            "connection closed; outcome unknown");
}

TEST(ClientOverTransportTest, OkWithoutTheResultIsInternalNotASuccess) {
  auto transport = std::make_shared<RecordingTransport>(
      [] { return protocol::EncodeOk(1); });
  Client client(transport);
  Result<CustomerRecord> record = client.GetCustomer(1);
  EXPECT_EQ(record.status().code(), StatusCode::kInternal);
  EXPECT_EQ(record.status().message(), "response lacks its CustomerResult");
  // Operations answered by a status alone take the bare ok.
  EXPECT_TRUE(client.EraseCustomer(1).ok());
  std::vector<Status> statuses;
  EXPECT_EQ(client.ApplyBatch({}, &statuses).code(), StatusCode::kInternal);
}

TEST(ClientOverTransportTest, PolicyTheWireCannotHoldIsNeverSent) {
  auto transport = std::make_shared<RecordingTransport>(
      [] { return protocol::EncodeOk(1); });
  Client client(transport);
  TierPolicy policy = DefaultPolicy();
  policy.segments[0].m.min = -1;
  int progress_calls = 0;
  Result<RescoreReport> report =
      client.SetPolicy(policy, [&](uint64_t, uint64_t) { ++progress_calls; });
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(report.status().message(), ValidatePolicy(policy).message());
  EXPECT_TRUE(transport->sent().empty());
  EXPECT_EQ(progress_calls, 0);
}

}  // namespace
}  // namespace custdb
