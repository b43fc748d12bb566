// The shared words of custdb_api: the message phrases reproduce the
// messages the engine has always written, and every enum name table
// round-trips and names a value outside it "invalid".
#include <gtest/gtest.h>

#include <string>

#include "api/messages.h"
#include "custdb/export.h"
#include "custdb/policy.h"
#include "custdb/query.h"
#include "custdb/reports.h"
#include "custdb/status.h"
#include "custdb/types.h"

namespace custdb {
namespace {

TEST(MessagesTest, PhrasesKeepTheEngineMessagesWordForWord) {
  EXPECT_EQ(DoesNotExist("customer_id", 7), "customer_id: 7 does not exist");
  EXPECT_EQ(DoesNotExist("order.channel_id", "channel", 9),
            "order.channel_id: channel 9 does not exist");
  EXPECT_EQ(IsOutside("query.limit", 0u, 1u, 1000u),
            "query.limit: 0 is outside 1..1000");
  EXPECT_EQ(IsOutside("interaction.nps", -1, 0, 10),
            "interaction.nps: -1 is outside 0..10");
  EXPECT_EQ(IsOutside("order.ts_ms", "-1", "1970-01-01..9999-12-31 (ms)"),
            "order.ts_ms: -1 is outside 1970-01-01..9999-12-31 (ms)");
  EXPECT_EQ(IdOutOfRange(), "is out of range (ids are 1..9223372036854775807)");
  EXPECT_EQ(IsBefore("resolved_at_ms", "5", "the interaction's ts_ms 9"),
            "resolved_at_ms: 5 is before the interaction's ts_ms 9");
  EXPECT_EQ(IsNotBefore("query.from_ms", "9", "query.to_ms 5"),
            "query.from_ms: 9 is not before query.to_ms 5");
  EXPECT_EQ(IsAfter("query.from_ms", "9", "query.to_ms 5"),
            "query.from_ms: 9 is after query.to_ms 5");
  EXPECT_EQ(QuoteValue("abc"), "'abc'");
}

// Every value of `E` from `first` to `last` has a name that parses back to
// it; the value after `last` is named "invalid" and no name parses to it.
template <typename E>
void ExpectRoundTrip(int first, int last, const char* (*name)(E),
                     bool (*parse)(const std::string&, E*)) {
  for (int v = first; v <= last; ++v) {
    const E value = static_cast<E>(v);
    E parsed{};
    ASSERT_TRUE(parse(name(value), &parsed)) << name(value);
    EXPECT_EQ(parsed, value) << name(value);
  }
  EXPECT_STREQ(name(static_cast<E>(last + 1)), "invalid");
  E untouched = static_cast<E>(first);
  EXPECT_FALSE(parse("invalid", &untouched));
  EXPECT_FALSE(parse("", &untouched));
}

TEST(EnumNamesTest, EveryTableRoundTripsAndNamesAnUnknownValueInvalid) {
  ExpectRoundTrip<ChannelType>(1, 8, &ChannelTypeName, &ParseChannelType);
  ExpectRoundTrip<Gender>(0, 3, &GenderName, &ParseGender);
  ExpectRoundTrip<OrderStatus>(1, 5, &OrderStatusName, &ParseOrderStatus);
  ExpectRoundTrip<OrderKind>(1, 2, &OrderKindName, &ParseOrderKind);
  ExpectRoundTrip<InteractionKind>(1, 9, &InteractionKindName,
                                   &ParseInteractionKind);
  ExpectRoundTrip<ValueTier>(1, 3, &ValueTierName, &ParseValueTier);
  ExpectRoundTrip<LifecycleStage>(1, 6, &LifecycleStageName,
                                  &ParseLifecycleStage);
  ExpectRoundTrip<RfmMode>(1, 2, &RfmModeName, &ParseRfmMode);
  ExpectRoundTrip<CustomerOrder>(1, 4, &CustomerOrderName, &ParseCustomerOrder);
  ExpectRoundTrip<SummaryGroup>(1, 3, &SummaryGroupName, &ParseSummaryGroup);
  ExpectRoundTrip<SummarySplit>(0, 2, &SummarySplitName, &ParseSummarySplit);
  EXPECT_STREQ(StatusCodeName(StatusCode::kCancelled), "cancelled");
  EXPECT_STREQ(StatusCodeName(static_cast<StatusCode>(14)), "invalid");
  ExportFormat format = ExportFormat::kCsv;
  EXPECT_TRUE(ParseExportFormat("jsonl", &format));
  EXPECT_EQ(format, ExportFormat::kJsonl);
  EXPECT_FALSE(ParseExportFormat("json", &format));
}

}  // namespace
}  // namespace custdb
