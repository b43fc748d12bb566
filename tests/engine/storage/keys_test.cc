// Key encodings: round trips, ordering, prefix freedom and golden bytes.
#include "storage/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace custdb {
namespace keys {
namespace {

std::string Hex(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

TEST(KeysTest, GoldenBytes) {
  // These bytes are on disk in every custdb database: never change them.
  EXPECT_EQ(Hex(IdKey(1)), "0000000000000001");
  // History keys: ts and id descending (bit-inverted).
  EXPECT_EQ(Hex(HistoryKey(2, 0, 3)),
            "0000000000000002"
            "7fffffffffffffff"
            "fffffffffffffffc");
  EXPECT_EQ(Hex(HistoryKey(2, -1, 3)),
            "0000000000000002"
            "8000000000000000"
            "fffffffffffffffc");
  EXPECT_EQ(Hex(IdentityKey(IndexTag::kCustomerEmail, std::string("a\0b", 3))),
            "02"
            "6100ff62"
            "0001");
  EXPECT_EQ(Hex(EventIdKey(IndexTag::kOrderId, 258)),
            "10"
            "0000000000000102");
  EXPECT_EQ(Hex(RecordCountKey(RecordKind::kOrder)), "0103");
  EXPECT_EQ(Hex(EncodeCounter(-2)), "feffffffffffffff");
  EXPECT_STREQ(ColumnFamilyName(Cf::kAggregates), "aggregates");
}

// The column-family names are on disk: a rename would open an existing
// database without its data.
TEST(KeysTest, ColumnFamilyNamesAreTheOnDiskOnes) {
  std::vector<std::string> names;
  for (Cf cf : kAllColumnFamilies) names.push_back(ColumnFamilyName(cf));
  EXPECT_EQ(names, (std::vector<std::string>{
                       "default", "meta", "channels", "customers", "aggregates",
                       "orders", "interactions", "indexes", "counters",
                       "tier_index", "report_counters"}));
  EXPECT_STREQ(ColumnFamilyName(static_cast<Cf>(200)), "invalid");
}

TEST(KeysTest, U64AndI64RoundTripAndOrder) {
  std::mt19937_64 rng(42);
  std::vector<int64_t> values = {INT64_MIN, -1, 0, 1, INT64_MAX};
  for (int i = 0; i < 1000; ++i) values.push_back(static_cast<int64_t>(rng()));
  for (int64_t a : values) {
    std::string ea;
    PutI64(&ea, a);
    std::string_view in = ea;
    int64_t back;
    ASSERT_TRUE(GetI64(&in, &back));
    EXPECT_EQ(back, a);
    EXPECT_TRUE(in.empty());
    for (int64_t b : {values[0], values[3], values[values.size() / 2]}) {
      std::string eb;
      PutI64(&eb, b);
      EXPECT_EQ(a < b, ea < eb) << a << " vs " << b;
    }
    uint64_t u = static_cast<uint64_t>(a);
    std::string eu;
    PutU64(&eu, u);
    std::string_view uin = eu;
    uint64_t uback;
    ASSERT_TRUE(GetU64(&uin, &uback));
    EXPECT_EQ(uback, u);
  }
}

TEST(KeysTest, StringsRoundTripSortAndNeverPrefixEachOther) {
  std::vector<std::string> values = {"",
                                     "a",
                                     "ab",
                                     std::string("a\0", 2),
                                     std::string("a\0b", 3),
                                     "b",
                                     std::string("\0", 1),
                                     "\xff",
                                     "a\xff"};
  for (const auto& a : values) {
    std::string ea;
    PutString(&ea, a);
    std::string_view in = ea;
    std::string back;
    ASSERT_TRUE(GetString(&in, &back));
    EXPECT_EQ(back, a);
    EXPECT_TRUE(in.empty());
    for (const auto& b : values) {
      std::string eb;
      PutString(&eb, b);
      EXPECT_EQ(a < b, ea < eb) << Hex(a) << " vs " << Hex(b);
      if (a != b) {
        EXPECT_NE(eb.compare(0, ea.size(), ea), 0)
            << Hex(a) << " encodes to a prefix of " << Hex(b);
      }
    }
  }
}

TEST(KeysTest, MalformedInputIsRejected) {
  std::string_view short_in("\x01\x02", 2);
  uint64_t u;
  EXPECT_FALSE(GetU64(&short_in, &u));
  std::string s;
  std::string_view unterminated("abc", 3);
  EXPECT_FALSE(GetString(&unterminated, &s));
  std::string_view bad_escape("a\0\x05", 3);
  EXPECT_FALSE(GetString(&bad_escape, &s));
  uint64_t id;
  EXPECT_FALSE(DecodeIdKey(std::string(9, 'x'), &id));
  HistoryKeyParts parts;
  EXPECT_FALSE(DecodeHistoryKey(std::string(23, 'x'), &parts));
  int64_t v;
  EXPECT_FALSE(DecodeCounter("1234567", &v));
}

TEST(KeysTest, HistoryKeysClusterByCustomerThenNewestFirst) {
  std::vector<HistoryKeyParts> parts;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    parts.push_back(
        {rng() % 5, static_cast<int64_t>(rng() % 7) - 3, rng() % 4});
  }
  std::vector<std::string> encoded;
  for (const auto& p : parts) {
    encoded.push_back(HistoryKey(p.customer_id, p.ts_ms, p.event_id));
    HistoryKeyParts back;
    ASSERT_TRUE(DecodeHistoryKey(encoded.back(), &back));
    EXPECT_EQ(back.customer_id, p.customer_id);
    EXPECT_EQ(back.ts_ms, p.ts_ms);
    EXPECT_EQ(back.event_id, p.event_id);
  }
  // Ascending customer, then descending ts, then descending id.
  auto tuple = [](const HistoryKeyParts& p) {
    return std::make_tuple(p.customer_id, -static_cast<__int128>(p.ts_ms),
                           -static_cast<__int128>(p.event_id));
  };
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    EXPECT_EQ(tuple(parts[i]) < tuple(parts[i + 1]),
              encoded[i] < encoded[i + 1]);
    EXPECT_EQ(encoded[i].substr(0, kHistoryPrefixLength),
              IdKey(parts[i].customer_id));
  }
}

TEST(KeysTest, ChannelReportKeysGoldenBytesAndRoundTrip) {
  // On disk: never change these bytes.
  EXPECT_EQ(Hex(ChannelDayKey(3, 0)),
            "03"
            "0000000000000003"
            "8000000000000000");
  EXPECT_EQ(Hex(ResolveTimeKey(3, 0, 5, 9)),
            "30"
            "0000000000000003"
            "8000000000000000"
            "8000000000000005"
            "0000000000000009");

  uint64_t channel = 0, interaction = 0;
  int64_t day = 0, resolve = 0;
  ASSERT_TRUE(DecodeChannelDayKey(ChannelDayKey(4, -86400000), &channel, &day));
  EXPECT_EQ(channel, 4u);
  EXPECT_EQ(day, -86400000);
  ASSERT_TRUE(DecodeResolveTimeKey(ResolveTimeKey(6, 86400000, 1234, 12),
                                   &channel, &day, &resolve, &interaction));
  EXPECT_EQ(channel, 6u);
  EXPECT_EQ(day, 86400000);
  EXPECT_EQ(resolve, 1234);
  EXPECT_EQ(interaction, 12u);
  // Another tag, or a truncated key, is not one of them.
  EXPECT_FALSE(DecodeResolveTimeKey(ChannelDayKey(6, 0), &channel, &day,
                                    &resolve, &interaction));
  std::string truncated = ResolveTimeKey(6, 0, 1, 2);
  truncated.pop_back();
  EXPECT_FALSE(
      DecodeResolveTimeKey(truncated, &channel, &day, &resolve, &interaction));
  // A channel's days sort in time order, before the next channel's.
  EXPECT_LT(ChannelDayKey(4, -86400000), ChannelDayKey(4, 0));
  EXPECT_LT(ChannelDayKey(4, int64_t{86400000} * 500),
            ChannelDayKey(5, -86400000));
}

TEST(KeysTest, TierSummaryRegionKeysGroupByOwnerInRegionOrder) {
  EXPECT_EQ(Hex(TierSummaryRegionPrefix(7)),
            "0203"
            "0000000000000007");
  uint64_t owner = 0;
  std::string region = "stale";
  ASSERT_TRUE(DecodeTierSummaryRegionKey(
      TierSummaryKey(SummaryScope::kOwnerRegion, 7, ""), &owner, &region));
  EXPECT_EQ(owner, 7u);
  EXPECT_EQ(region, "");
  const std::string with_nul("a\0b", 3);
  ASSERT_TRUE(DecodeTierSummaryRegionKey(
      TierSummaryKey(SummaryScope::kOwnerRegion, 0, with_nul), &owner,
      &region));
  EXPECT_EQ(owner, 0u);
  EXPECT_EQ(region, with_nul);
  // The owner scope, a truncated key or another tag is not one.
  EXPECT_FALSE(DecodeTierSummaryRegionKey(
      TierSummaryKey(SummaryScope::kOwner, 7, ""), &owner, &region));
  std::string truncated = TierSummaryKey(SummaryScope::kOwnerRegion, 7, "n");
  truncated.pop_back();
  EXPECT_FALSE(DecodeTierSummaryRegionKey(truncated, &owner, &region));
  EXPECT_FALSE(
      DecodeTierSummaryRegionKey(ChannelDayKey(7, 0), &owner, &region));
  // GetTierSummary reads an owner's regions as one range, in region order.
  const std::string prefix = TierSummaryRegionPrefix(7);
  std::vector<std::string> owner_keys;
  for (const char* r : {"", "east", "north", "south"}) {
    owner_keys.push_back(TierSummaryKey(SummaryScope::kOwnerRegion, 7, r));
    EXPECT_EQ(owner_keys.back().rfind(prefix, 0), 0u) << r;
  }
  EXPECT_TRUE(std::is_sorted(owner_keys.begin(), owner_keys.end()));
  EXPECT_LT(owner_keys.back(), TierSummaryRegionPrefix(8));
}

}  // namespace
}  // namespace keys
}  // namespace custdb
