// Customers through the public API: creation, identities and their
// normalisation, validation, lookups and partial updates (store.h, types.h).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "custdb/store.h"
#include "store/store_factory.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::Fingerprint;
using test::kTestNowMs;
using test::OpenTestStore;
using test::TempDir;
using test::refmodel::CoreAggregatesMatch;
using test::refmodel::CustomerToString;
using test::refmodel::FailsNaming;
using test::refmodel::HasCode;

constexpr uint64_t kDealer = 10;
constexpr uint64_t kShop = 20;

// A customer with every field set and valid.
Customer FullCustomer() {
  Customer c;
  c.id = 4242;
  c.code = "EXT-ANN";
  c.email = "ann.lee@example.com";
  c.phone = "+4915112345678";
  c.name = "Ann Lee";
  c.region = "berlin";
  c.gender = Gender::kFemale;
  c.birth_year = 1985;
  c.acquisition_channel_id = kShop;
  c.owner_channel_id = kDealer;
  c.tags = {"vip", "newsletter"};
  c.attributes = {{"segment", "b2c"}, {"source", "fair 2023"}};
  c.created_at_ms = kTestNowMs - 86400000;
  return c;
}

class CustomerTest : public test::StoreTest {
 protected:
  void SetUp() override {
    store_ = OpenTestStore(factory(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    for (uint64_t id : {kDealer, kShop}) {
      Channel c;
      c.id = id;
      c.name = "channel " + std::to_string(id);
      ASSERT_TRUE(store_->PutChannel(c).ok());
    }
  }

  // The stored profile of `id` as text, or the error.
  std::string Profile(uint64_t id) {
    auto got = store_->GetCustomer(id);
    return got.ok() ? CustomerToString(got->profile) : got.status().ToString();
  }

  // The id found by a lookup, or 0 if the lookup failed.
  static uint64_t IdOf(const Result<CustomerRecord>& r) {
    return r.ok() ? r->profile.id : 0;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(CustomerTest, CreateReturnsGivenIdAndStoresEveryField) {
  Customer c = FullCustomer();
  auto id = store_->CreateCustomer(c);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, 4242u);
  EXPECT_EQ(Profile(4242), CustomerToString(c));
  auto got = store_->GetCustomer(4242);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(CoreAggregatesMatch(Aggregates{}, got->aggregates));
  EXPECT_EQ(got->aggregates.last_nps, -1);
}

TEST_P(CustomerTest, CreatedAtDefaultsToEngineClock) {
  Customer c;
  c.code = "x";
  auto id = store_->CreateCustomer(c);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto got = store_->GetCustomer(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->profile.created_at_ms, kTestNowMs);
  EXPECT_EQ(got->profile.id, *id);
}

TEST_P(CustomerTest, EngineAssignedIdsAreDistinctAndAvoidGivenIds) {
  std::set<uint64_t> given = {1, 2, 3, 5, 8, 13, 1000, 1001};
  for (uint64_t id : given) {
    Customer c;
    c.id = id;
    c.code = "given-" + std::to_string(id);
    auto created = store_->CreateCustomer(c);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_EQ(*created, id);
  }
  std::set<uint64_t> seen = given;
  for (int i = 0; i < 100; ++i) {
    Customer c;
    c.code = "assigned-" + std::to_string(i);
    auto created = store_->CreateCustomer(c);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_NE(*created, 0u);
    EXPECT_TRUE(seen.insert(*created).second) << "id reused: " << *created;
    auto got = store_->GetCustomer(*created);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->profile.code, c.code);
  }
  for (uint64_t id : given) {
    EXPECT_EQ(IdOf(store_->GetCustomerByCode("given-" + std::to_string(id))),
              id);
  }
  auto counts = factory().Counts(*store_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->customers, static_cast<int64_t>(seen.size()));
}

TEST_P(CustomerTest, GetUnknownIsNotFound) {
  EXPECT_TRUE(HasCode(store_->GetCustomer(77).status(), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetCustomerByCode("nope").status(),
                      StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetCustomerByEmail("nope@example.com").status(),
                      StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetCustomerByPhone("+1555000111").status(),
                      StatusCode::kNotFound));
}

TEST_P(CustomerTest, LookupsByCodeEmailAndPhoneFindTheCustomer) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  Customer other;
  other.id = 7;
  other.code = "EXT-7";
  other.email = "bo@example.com";
  other.phone = "+4930123";
  ASSERT_TRUE(store_->CreateCustomer(other).ok());
  EXPECT_EQ(IdOf(store_->GetCustomerByCode("EXT-ANN")), 4242u);
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("ann.lee@example.com")), 4242u);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("+4915112345678")), 4242u);
  EXPECT_EQ(IdOf(store_->GetCustomerByCode("EXT-7")), 7u);
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("bo@example.com")), 7u);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("+4930123")), 7u);
  auto full = store_->GetCustomerByEmail("ann.lee@example.com");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(CustomerToString(full->profile), CustomerToString(FullCustomer()));
}

TEST_P(CustomerTest, EmailIsTrimmedAndLowerCasedBeforeIndexing) {
  Customer c;
  c.id = 1;
  c.email = "  Ann.Lee@Example.COM\t";
  ASSERT_TRUE(store_->CreateCustomer(c).ok());
  auto got = store_->GetCustomer(1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->profile.email, "ann.lee@example.com");
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("ann.lee@example.com")), 1u);
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("ANN.LEE@EXAMPLE.COM")), 1u);
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail(" ann.lee@example.com  ")), 1u);
}

TEST_P(CustomerTest, PhoneIsReducedToDigitsWithLeadingPlusBeforeIndexing) {
  Customer a;
  a.id = 1;
  a.phone = "+49 (151) 123-456 78";
  Customer b;
  b.id = 2;
  b.phone = "(030) 555.0100";
  ASSERT_TRUE(store_->CreateCustomer(a).ok());
  ASSERT_TRUE(store_->CreateCustomer(b).ok());
  auto got_a = store_->GetCustomer(1);
  auto got_b = store_->GetCustomer(2);
  ASSERT_TRUE(got_a.ok() && got_b.ok());
  EXPECT_EQ(got_a->profile.phone, "+4915112345678");
  EXPECT_EQ(got_b->profile.phone, "0305550100");
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("+4915112345678")), 1u);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("+49 151 12345678")), 1u);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("+49-151-123-45678")), 1u);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("030 555 0100")), 2u);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("0305550100")), 2u);
}

TEST_P(CustomerTest, DuplicateIdIsAlreadyExistsAndWritesNothing) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  const std::string before = Fingerprint(factory(), *store_);
  Customer dup;
  dup.id = 4242;
  dup.code = "fresh";
  dup.email = "fresh@example.com";
  auto created = store_->CreateCustomer(dup);
  EXPECT_TRUE(
      FailsNaming(created.status(), StatusCode::kAlreadyExists, "4242"));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_TRUE(HasCode(store_->GetCustomerByCode("fresh").status(),
                      StatusCode::kNotFound));
}

TEST_P(CustomerTest, TakenIdentityIsAlreadyExistsNamingHolder) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());  // id 4242
  const std::string before = Fingerprint(factory(), *store_);
  // `not_shown`: the holder's data that the message must not leak (its
  // name and its identities other than the one at fault).
  struct Case {
    const char* what;
    std::function<void(Customer*)> set;
    std::vector<std::string> not_shown;
  };
  const std::vector<Case> cases = {
      {"same code",
       [](Customer* c) { c->code = "EXT-ANN"; },
       {"Ann Lee", "ann.lee@example.com", "4915112345678"}},
      {"same email",
       [](Customer* c) { c->email = "ann.lee@example.com"; },
       {"Ann Lee", "EXT-ANN", "4915112345678"}},
      {"same email, other spelling",
       [](Customer* c) { c->email = " ANN.Lee@example.com "; },
       {"Ann Lee", "EXT-ANN", "4915112345678"}},
      {"same phone",
       [](Customer* c) { c->phone = "+4915112345678"; },
       {"Ann Lee", "EXT-ANN", "ann.lee@example.com"}},
      {"same phone, other spelling",
       [](Customer* c) { c->phone = "+49 151 1234 5678"; },
       {"Ann Lee", "EXT-ANN", "ann.lee@example.com"}},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.what);
    Customer c;
    c.id = 9001;
    c.code = "other-code";
    c.email = "other@example.com";
    c.phone = "+15550000";
    tc.set(&c);
    auto created = store_->CreateCustomer(c);
    EXPECT_TRUE(
        FailsNaming(created.status(), StatusCode::kAlreadyExists, "4242"));
    for (const std::string& secret : tc.not_shown) {
      EXPECT_EQ(created.status().message().find(secret), std::string::npos)
          << "leaks '" << secret << "': " << created.status().ToString();
    }
    EXPECT_EQ(Fingerprint(factory(), *store_), before);
    // The identities the failed create carried were not taken either.
    EXPECT_TRUE(
        HasCode(store_->GetCustomer(9001).status(), StatusCode::kNotFound));
  }
  Customer free;
  free.code = "other-code";
  free.email = "other@example.com";
  free.phone = "+15550000";
  EXPECT_TRUE(store_->CreateCustomer(free).ok());
}

struct CustomerCase {
  const char* what;
  std::function<void(Customer*)> mutate;
  const char* field;
};

std::vector<CustomerCase> InvalidCustomerCases() {
  return {
      {"code of 65 bytes", [](Customer* c) { c->code = std::string(65, 'c'); },
       "code"},
      {"email without @", [](Customer* c) { c->email = "not-an-email"; },
       "email"},
      {"email without domain", [](Customer* c) { c->email = "ann@"; }, "email"},
      {"email without local part",
       [](Customer* c) { c->email = "@example.com"; }, "email"},
      {"phone without digits", [](Customer* c) { c->phone = "call me"; },
       "phone"},
      {"phone of punctuation", [](Customer* c) { c->phone = "+() -"; },
       "phone"},
      {"name of 201 bytes",
       [](Customer* c) { c->name = std::string(201, 'n'); }, "name"},
      {"region of 65 bytes",
       [](Customer* c) { c->region = std::string(65, 'r'); }, "region"},
      {"gender 4", [](Customer* c) { c->gender = static_cast<Gender>(4); },
       "gender"},
      {"gender 200", [](Customer* c) { c->gender = static_cast<Gender>(200); },
       "gender"},
      {"birth year 1899", [](Customer* c) { c->birth_year = 1899; },
       "birth_year"},
      {"birth year 2101", [](Customer* c) { c->birth_year = 2101; },
       "birth_year"},
      {"negative birth year", [](Customer* c) { c->birth_year = -1985; },
       "birth_year"},
      {"unknown acquisition channel",
       [](Customer* c) { c->acquisition_channel_id = 999; },
       "acquisition_channel_id"},
      {"unknown owner channel", [](Customer* c) { c->owner_channel_id = 999; },
       "owner_channel_id"},
      {"65 tags",
       [](Customer* c) {
         c->tags.clear();
         for (int i = 0; i < 65; ++i)
           c->tags.push_back("t" + std::to_string(i));
       },
       "tags"},
      {"empty tag",
       [](Customer* c) {
         c->tags = {"ok", ""};
       },
       "tags"},
      {"tag of 65 bytes", [](Customer* c) { c->tags = {std::string(65, 't')}; },
       "tags"},
      {"65 attributes",
       [](Customer* c) {
         c->attributes.clear();
         for (int i = 0; i < 65; ++i) {
           c->attributes["k" + std::to_string(i)] = "v";
         }
       },
       "attributes"},
  };
}

TEST_P(CustomerTest,
       InvalidFieldOnCreateIsRejectedNamingFieldAndWritesNothing) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  const std::string before = Fingerprint(factory(), *store_);
  for (const CustomerCase& tc : InvalidCustomerCases()) {
    SCOPED_TRACE(tc.what);
    Customer c;
    c.id = 500;
    c.code = "NEW-500";
    c.email = "new@example.com";
    c.phone = "+33155501000";
    c.name = "New";
    tc.mutate(&c);
    auto created = store_->CreateCustomer(c);
    EXPECT_TRUE(
        FailsNaming(created.status(), StatusCode::kInvalidArgument, tc.field));
    EXPECT_EQ(Fingerprint(factory(), *store_), before);
    EXPECT_TRUE(
        HasCode(store_->GetCustomer(500).status(), StatusCode::kNotFound));
    EXPECT_TRUE(HasCode(store_->GetCustomerByCode("NEW-500").status(),
                        StatusCode::kNotFound));
  }
}

TEST_P(CustomerTest, BoundaryValuesAreAccepted) {
  Customer c;
  c.id = 1;
  c.code = std::string(64, 'c');
  c.name = std::string(200, 'n');
  c.region = std::string(64, 'r');
  c.gender = Gender::kOther;
  c.birth_year = 1900;
  for (int i = 0; i < 64; ++i) {
    std::string tag = std::to_string(i);
    c.tags.push_back(tag + std::string(64 - tag.size(), 't'));
  }
  for (int i = 0; i < 64; ++i) c.attributes["k" + std::to_string(i)] = "v";
  auto created = store_->CreateCustomer(c);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  c.created_at_ms = kTestNowMs;
  EXPECT_EQ(Profile(1), CustomerToString(c));

  Customer d;
  d.id = 2;
  d.code = "d";
  d.birth_year = 2100;
  d.gender = Gender::kMale;
  d.tags = {"x"};
  ASSERT_TRUE(store_->CreateCustomer(d).ok());
  Customer e;  // nothing but defaults
  ASSERT_TRUE(store_->CreateCustomer(e).ok());
}

TEST_P(CustomerTest, UpdateChangesOnlyTheFieldsSet) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  CustomerPatch patch;
  patch.name = "Ann Lee-Smith";
  ASSERT_TRUE(store_->UpdateCustomer(4242, patch).ok());
  Customer expected = FullCustomer();
  expected.name = "Ann Lee-Smith";
  EXPECT_EQ(Profile(4242), CustomerToString(expected));

  CustomerPatch more;
  more.region = "";
  more.gender = Gender::kUnknown;
  more.birth_year = 0;
  more.acquisition_channel_id = 0;
  more.owner_channel_id = kShop;
  more.tags = std::vector<std::string>{"gold"};
  more.attributes = std::map<std::string, std::string>{{"a", "1"}};
  ASSERT_TRUE(store_->UpdateCustomer(4242, more).ok());
  expected.region = "";
  expected.gender = Gender::kUnknown;
  expected.birth_year = 0;
  expected.acquisition_channel_id = 0;
  expected.owner_channel_id = kShop;
  expected.tags = {"gold"};
  expected.attributes = {{"a", "1"}};
  EXPECT_EQ(Profile(4242), CustomerToString(expected));

  ASSERT_TRUE(store_->UpdateCustomer(4242, CustomerPatch{}).ok());
  EXPECT_EQ(Profile(4242), CustomerToString(expected));
}

TEST_P(CustomerTest, UpdateKeepsAggregates) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  Order order;
  order.id = 1;
  order.customer_id = 4242;
  order.channel_id = kShop;
  order.ts_ms = kTestNowMs - 5000;
  order.amount_minor = 1234;
  ASSERT_TRUE(store_->RecordOrder(order).ok());
  auto before = store_->GetCustomer(4242);
  ASSERT_TRUE(before.ok());
  CustomerPatch patch;
  patch.email = "new@example.com";
  patch.name = "New Name";
  ASSERT_TRUE(store_->UpdateCustomer(4242, patch).ok());
  auto after = store_->GetCustomer(4242);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(CoreAggregatesMatch(before->aggregates, after->aggregates));
  EXPECT_EQ(after->aggregates.total_spend_minor, 1234);
  EXPECT_EQ(after->profile.created_at_ms, FullCustomer().created_at_ms);
}

TEST_P(CustomerTest, UpdateMovesIdentitiesFreeingOldAndTakingNew) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  CustomerPatch patch;
  patch.code = "EXT-NEW";
  patch.email = " Ann@New.Example ";
  patch.phone = "+49 170 0000";
  ASSERT_TRUE(store_->UpdateCustomer(4242, patch).ok());
  auto got = store_->GetCustomer(4242);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->profile.code, "EXT-NEW");
  EXPECT_EQ(got->profile.email, "ann@new.example");
  EXPECT_EQ(got->profile.phone, "+491700000");

  EXPECT_EQ(IdOf(store_->GetCustomerByCode("EXT-NEW")), 4242u);
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("ANN@new.example")), 4242u);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("+491700000")), 4242u);
  EXPECT_TRUE(HasCode(store_->GetCustomerByCode("EXT-ANN").status(),
                      StatusCode::kNotFound));
  EXPECT_TRUE(
      HasCode(store_->GetCustomerByEmail("ann.lee@example.com").status(),
              StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetCustomerByPhone("+4915112345678").status(),
                      StatusCode::kNotFound));

  // The old identities are free for someone else.
  Customer other;
  other.code = "EXT-ANN";
  other.email = "ann.lee@example.com";
  other.phone = "+4915112345678";
  auto created = store_->CreateCustomer(other);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(IdOf(store_->GetCustomerByCode("EXT-ANN")), *created);
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("ann.lee@example.com")), *created);
  EXPECT_EQ(IdOf(store_->GetCustomerByPhone("+4915112345678")), *created);
}

TEST_P(CustomerTest, UpdateWithEmptyStringRemovesIdentity) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  CustomerPatch patch;
  patch.code = "";
  patch.email = "";
  patch.phone = "";
  ASSERT_TRUE(store_->UpdateCustomer(4242, patch).ok());
  auto got = store_->GetCustomer(4242);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->profile.code, "");
  EXPECT_EQ(got->profile.email, "");
  EXPECT_EQ(got->profile.phone, "");
  EXPECT_EQ(got->profile.name, "Ann Lee");
  EXPECT_TRUE(HasCode(store_->GetCustomerByCode("EXT-ANN").status(),
                      StatusCode::kNotFound));
  EXPECT_TRUE(
      HasCode(store_->GetCustomerByEmail("ann.lee@example.com").status(),
              StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetCustomerByPhone("+4915112345678").status(),
                      StatusCode::kNotFound));
  Customer other;
  other.code = "EXT-ANN";
  other.email = "ann.lee@example.com";
  other.phone = "+4915112345678";
  EXPECT_TRUE(store_->CreateCustomer(other).ok());
}

TEST_P(CustomerTest, UpdateToOwnIdentityIsAccepted) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  CustomerPatch patch;
  patch.code = "EXT-ANN";
  patch.email = "ANN.LEE@example.com";
  patch.phone = "+49 151 12345678";
  EXPECT_TRUE(store_->UpdateCustomer(4242, patch).ok());
  EXPECT_EQ(Profile(4242), CustomerToString(FullCustomer()));
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("ann.lee@example.com")), 4242u);
}

TEST_P(CustomerTest, UpdateToTakenIdentityIsAlreadyExistsNamingHolder) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());  // 4242
  Customer other;
  other.id = 31337;
  other.code = "B";
  other.email = "b@example.com";
  other.phone = "+12225550100";
  ASSERT_TRUE(store_->CreateCustomer(other).ok());
  const std::string before = Fingerprint(factory(), *store_);
  CustomerPatch by_code;
  by_code.code = "EXT-ANN";
  by_code.name = "changed";
  EXPECT_TRUE(FailsNaming(store_->UpdateCustomer(31337, by_code),
                          StatusCode::kAlreadyExists, "4242"));
  CustomerPatch by_email;
  by_email.email = "Ann.Lee@Example.com";
  by_email.phone = "+19995550100";  // free, but the patch as a whole fails
  EXPECT_TRUE(FailsNaming(store_->UpdateCustomer(31337, by_email),
                          StatusCode::kAlreadyExists, "4242"));
  CustomerPatch by_phone;
  by_phone.phone = "+49 15112345678";
  by_phone.email = "fresh@example.com";
  EXPECT_TRUE(FailsNaming(store_->UpdateCustomer(31337, by_phone),
                          StatusCode::kAlreadyExists, "4242"));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
  EXPECT_TRUE(HasCode(store_->GetCustomerByPhone("+19995550100").status(),
                      StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store_->GetCustomerByEmail("fresh@example.com").status(),
                      StatusCode::kNotFound));
}

TEST_P(CustomerTest, UpdateOfUnknownCustomerIsNotFound) {
  CustomerPatch patch;
  patch.name = "x";
  const std::string before = Fingerprint(factory(), *store_);
  EXPECT_TRUE(
      HasCode(store_->UpdateCustomer(99, patch), StatusCode::kNotFound));
  EXPECT_EQ(Fingerprint(factory(), *store_), before);
}

TEST_P(CustomerTest,
       InvalidFieldOnUpdateIsRejectedNamingFieldAndWritesNothing) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  const std::string before = Fingerprint(factory(), *store_);
  struct Case {
    const char* what;
    std::function<void(CustomerPatch*)> set;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"code of 65 bytes",
       [](CustomerPatch* p) { p->code = std::string(65, 'c'); }, "code"},
      {"malformed email", [](CustomerPatch* p) { p->email = "nope"; }, "email"},
      {"malformed phone", [](CustomerPatch* p) { p->phone = "call me"; },
       "phone"},
      {"name of 201 bytes",
       [](CustomerPatch* p) { p->name = std::string(201, 'n'); }, "name"},
      {"region of 65 bytes",
       [](CustomerPatch* p) { p->region = std::string(65, 'r'); }, "region"},
      {"gender 9", [](CustomerPatch* p) { p->gender = static_cast<Gender>(9); },
       "gender"},
      {"birth year 1800", [](CustomerPatch* p) { p->birth_year = 1800; },
       "birth_year"},
      {"unknown acquisition channel",
       [](CustomerPatch* p) { p->acquisition_channel_id = 12345; },
       "acquisition_channel_id"},
      {"unknown owner channel",
       [](CustomerPatch* p) { p->owner_channel_id = 12345; },
       "owner_channel_id"},
      {"65 tags",
       [](CustomerPatch* p) { p->tags = std::vector<std::string>(65, "t"); },
       "tags"},
      {"empty tag",
       [](CustomerPatch* p) { p->tags = std::vector<std::string>{""}; },
       "tags"},
      {"65 attributes",
       [](CustomerPatch* p) {
         std::map<std::string, std::string> attrs;
         for (int i = 0; i < 65; ++i) attrs["k" + std::to_string(i)] = "v";
         p->attributes = attrs;
       },
       "attributes"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.what);
    CustomerPatch patch;
    patch.name = "would change";
    patch.email = "would-change@example.com";
    tc.set(&patch);
    EXPECT_TRUE(FailsNaming(store_->UpdateCustomer(4242, patch),
                            StatusCode::kInvalidArgument, tc.field));
    EXPECT_EQ(Fingerprint(factory(), *store_), before);
  }
}

TEST_P(CustomerTest, CustomersAndIdentitiesSurviveReopen) {
  ASSERT_TRUE(store_->CreateCustomer(FullCustomer()).ok());
  store_.reset();
  store_ = OpenTestStore(factory(), dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Profile(4242), CustomerToString(FullCustomer()));
  EXPECT_EQ(IdOf(store_->GetCustomerByEmail("Ann.Lee@example.com")), 4242u);
  Customer dup;
  dup.code = "EXT-ANN";
  EXPECT_TRUE(FailsNaming(store_->CreateCustomer(dup).status(),
                          StatusCode::kAlreadyExists, "4242"));
}

INSTANTIATE_TEST_SUITE_P(Store, CustomerTest,
                         ::testing::ValuesIn(test::StoreFactories()),
                         test::StoreFactoryName);

}  // namespace
}  // namespace custdb
