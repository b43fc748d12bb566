// Records survive encode/decode unchanged; damaged bytes are kCorruption.
#include "storage/codec.h"

#include <gtest/gtest.h>

namespace custdb {
namespace {

TEST(CodecTest, CustomerRoundTrip) {
  Customer c;
  c.id = 77;
  c.code = "C-77";
  c.email = "a@b.example";
  c.phone = "+4912345";
  c.name = "Ada";
  c.region = "DE";
  c.gender = Gender::kFemale;
  c.birth_year = 1980;
  c.acquisition_channel_id = 3;
  c.owner_channel_id = 4;
  c.tags = {"vip", "b2b"};
  c.attributes = {{"k", "v"}, {"empty", ""}};
  c.created_at_ms = 123;
  Customer back;
  ASSERT_TRUE(codec::Decode(codec::Encode(c), &back).ok());
  EXPECT_EQ(back.id, c.id);
  EXPECT_EQ(back.code, c.code);
  EXPECT_EQ(back.email, c.email);
  EXPECT_EQ(back.phone, c.phone);
  EXPECT_EQ(back.name, c.name);
  EXPECT_EQ(back.region, c.region);
  EXPECT_EQ(back.gender, c.gender);
  EXPECT_EQ(back.birth_year, c.birth_year);
  EXPECT_EQ(back.acquisition_channel_id, c.acquisition_channel_id);
  EXPECT_EQ(back.owner_channel_id, c.owner_channel_id);
  EXPECT_EQ(back.tags, c.tags);
  EXPECT_EQ(back.attributes, c.attributes);
  EXPECT_EQ(back.created_at_ms, c.created_at_ms);
}

TEST(CodecTest, OrderInteractionAggregatesRoundTrip) {
  Order o;
  o.id = 9;
  o.customer_id = 1;
  o.channel_id = 2;
  o.ts_ms = -5;
  o.amount_minor = 300;
  o.currency = "GBP";
  o.kind = OrderKind::kCreditNote;
  o.status = OrderStatus::kRefunded;
  o.refunded_minor = 100;
  o.items = {{"SKU1", 2, 100, 200}, {"SKU2", 1, 100, 100}};
  Order ob;
  ASSERT_TRUE(codec::Decode(codec::Encode(o), &ob).ok());
  EXPECT_EQ(ob.id, o.id);
  EXPECT_EQ(ob.ts_ms, o.ts_ms);
  EXPECT_EQ(ob.kind, o.kind);
  EXPECT_EQ(ob.status, o.status);
  EXPECT_EQ(ob.refunded_minor, o.refunded_minor);
  EXPECT_EQ(ob.currency, o.currency);
  ASSERT_EQ(ob.items.size(), 2u);
  EXPECT_EQ(ob.items[1].sku, "SKU2");
  EXPECT_EQ(ob.items[0].amount_minor, 200);

  Interaction i;
  i.id = 4;
  i.customer_id = 1;
  i.kind = InteractionKind::kComplaint;
  i.satisfaction = 2;
  i.nps = 0;  // zero must survive as "present"
  i.note = "late";
  i.resolved_at_ms = 50;
  Interaction ib;
  ASSERT_TRUE(codec::Decode(codec::Encode(i), &ib).ok());
  EXPECT_EQ(ib.satisfaction, i.satisfaction);
  EXPECT_EQ(ib.nps, i.nps);
  EXPECT_EQ(ib.resolved_at_ms, i.resolved_at_ms);
  EXPECT_EQ(ib.note, i.note);
  i.nps.reset();
  i.resolved_at_ms.reset();
  ASSERT_TRUE(codec::Decode(codec::Encode(i), &ib).ok());
  EXPECT_FALSE(ib.nps.has_value());
  EXPECT_FALSE(ib.resolved_at_ms.has_value());

  Aggregates a;
  a.order_count = 3;
  a.total_spend_minor = -7;
  a.last_nps = -1;
  a.last_nps_ms = 11;
  Aggregates ab;
  ASSERT_TRUE(codec::Decode(codec::Encode(a), &ab).ok());
  EXPECT_EQ(ab, a);
}

TEST(CodecTest, DamagedBytesAreCorruption) {
  Customer c;
  c.code = "x";
  std::string bytes = codec::Encode(c);
  Customer back;
  Status s = codec::Decode(bytes.substr(0, 3), &back);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  std::string garbage(64, '\xff');
  EXPECT_EQ(codec::Decode(garbage, &back).code(), StatusCode::kCorruption);
  Aggregates a;
  EXPECT_EQ(codec::Decode("", &a).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace custdb
