// Text field validation (engine/src/validate.*, the record contract in
// types.h): every text field of every record kind, through the engine's
// write calls, against each kind of malformed UTF-8, control characters
// and the list separators.
#include "write/validate.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/messages.h"
#include "api/text_checks.h"
#include "custdb/engine.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace {

using test::OpenTestEngine;
using test::TempDir;

// One text field: how to write a record whose field holds `text`.
struct TextField {
  std::string name;  // as the message names it
  // Put before and after the bad bytes so that the value is otherwise
  // valid (an e-mail needs its '@', a phone its digits).
  std::string prefix = "ab";
  std::string suffix = "c";
  bool free_text = false;  // tabs and line breaks allowed
  std::function<Status(Engine&, const std::string&)> write;
};

Customer BaseCustomer(const std::string& code) {
  Customer c;
  c.code = code;
  return c;
}

// Every text field of channels, customers (create and update), orders,
// interactions and the policy.
std::vector<TextField> AllTextFields() {
  auto customer = [](std::function<void(Customer*, const std::string&)> set) {
    return [set](Engine& e, const std::string& text) {
      Customer c = BaseCustomer("new");
      set(&c, text);
      return e.CreateCustomer(c).status();
    };
  };
  auto patch = [](std::function<void(CustomerPatch*, const std::string&)> set) {
    return [set](Engine& e, const std::string& text) {
      CustomerPatch p;
      set(&p, text);
      return e.UpdateCustomer(1, p);
    };
  };
  auto channel = [](std::function<void(Channel*, const std::string&)> set) {
    return [set](Engine& e, const std::string& text) {
      Channel c;
      c.id = 9;
      c.name = "nine";
      set(&c, text);
      return e.PutChannel(c);
    };
  };
  auto order = [](std::function<void(Order*, const std::string&)> set) {
    return [set](Engine& e, const std::string& text) {
      Order o = test::NewOrder(50, 1, 1, test::DaysAgo(1), 100);
      o.items.push_back({"sku", 1, 100, 100});
      set(&o, text);
      return e.RecordOrder(o);
    };
  };
  auto interaction =
      [](std::function<void(Interaction*, const std::string&)> set) {
        return [set](Engine& e, const std::string& text) {
          Interaction i = test::NewInteraction(1, 1, test::DaysAgo(1),
                                               InteractionKind::kCall);
          set(&i, text);
          return e.RecordInteraction(i).status();
        };
      };
  std::vector<TextField> fields;
  auto add = [&fields](TextField f) { fields.push_back(std::move(f)); };
  add({"channel.name", "ab", "c", false,
       channel([](Channel* c, const std::string& t) { c->name = t; })});
  add({"channel.region", "ab", "c", false,
       channel([](Channel* c, const std::string& t) { c->region = t; })});
  add({"customer.code", "ab", "c", false,
       customer([](Customer* c, const std::string& t) { c->code = t; })});
  add({"customer.email", "ab", "@x.io", false,
       customer([](Customer* c, const std::string& t) { c->email = t; })});
  add({"customer.phone", "12", "345", false,
       customer([](Customer* c, const std::string& t) { c->phone = t; })});
  add({"customer.name", "ab", "c", false,
       customer([](Customer* c, const std::string& t) { c->name = t; })});
  add({"customer.region", "ab", "c", false,
       customer([](Customer* c, const std::string& t) { c->region = t; })});
  add({"customer.tags[1]", "ab", "c", false,
       customer([](Customer* c, const std::string& t) {
         c->tags = {"fine", t};
       })});
  add({"customer.attributes key", "ab", "c", false,
       customer(
           [](Customer* c, const std::string& t) { c->attributes[t] = "v"; })});
  add({"customer.attributes['k']", "ab", "c", true,
       customer(
           [](Customer* c, const std::string& t) { c->attributes["k"] = t; })});
  add({"customer.code", "ab", "c", false,
       patch([](CustomerPatch* p, const std::string& t) { p->code = t; })});
  add({"customer.email", "ab", "@x.io", false,
       patch([](CustomerPatch* p, const std::string& t) { p->email = t; })});
  add({"customer.phone", "12", "345", false,
       patch([](CustomerPatch* p, const std::string& t) { p->phone = t; })});
  add({"customer.name", "ab", "c", false,
       patch([](CustomerPatch* p, const std::string& t) { p->name = t; })});
  add({"customer.region", "ab", "c", false,
       patch([](CustomerPatch* p, const std::string& t) { p->region = t; })});
  add({"customer.tags[0]", "ab", "c", false,
       patch([](CustomerPatch* p, const std::string& t) {
         p->tags = std::vector<std::string>{t};
       })});
  add({"customer.attributes key", "ab", "c", false,
       patch([](CustomerPatch* p, const std::string& t) {
         p->attributes = std::map<std::string, std::string>{{t, "v"}};
       })});
  add({"order.items[0].sku", "ab", "c", false,
       order([](Order* o, const std::string& t) { o->items[0].sku = t; })});
  add({"order.currency", "E", "", false,
       order([](Order* o, const std::string& t) { o->currency = t; })});
  add({"interaction.staff_id", "ab", "c", false,
       interaction(
           [](Interaction* i, const std::string& t) { i->staff_id = t; })});
  add({"interaction.note", "ab", "c", true,
       interaction([](Interaction* i, const std::string& t) { i->note = t; })});
  add({"policy.segments[0].name", "ab", "c", false,
       [](Engine& e, const std::string& t) {
         TierPolicy policy = *e.GetPolicy();
         policy.segments[0].name = t;
         return e.SetPolicy(policy, nullptr).status();
       }});
  return fields;
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenTestEngine(dir_.Sub("db"));
    ASSERT_NE(engine_, nullptr);
    test::PutChannelTree(engine_.get(), {{1, 0}});
    Customer c = BaseCustomer("one");
    c.id = 1;
    ASSERT_TRUE(engine_->CreateCustomer(c).ok());
  }

  // Writes `text` into `field` and expects kInvalidArgument whose message
  // is exactly "<field>: <what>".
  void ExpectRejected(const TextField& field, const std::string& text,
                      const std::string& what, const std::string& label) {
    const Status s = field.write(*engine_, text);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument)
        << field.name << ", " << label << ": " << s.ToString();
    EXPECT_EQ(s.message(), field.name + ": " + what)
        << field.name << ", " << label;
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

// Ill-formed UTF-8 of each kind (Unicode Table 3-7), at a known offset.
TEST_F(ValidateTest, EveryTextFieldRejectsInvalidUtf8) {
  const struct {
    const char* label;
    std::string bytes;
  } kBad[] = {
      {"lone continuation byte", "\x80"},
      {"truncated 2-byte sequence", "\xC3"},
      {"truncated 3-byte sequence", "\xE2\x82"},
      {"truncated 4-byte sequence", "\xF0\x9F\x98"},
      {"overlong 2-byte '/'", "\xC0\xAF"},
      {"overlong 3-byte '/'", "\xE0\x80\xAF"},
      {"overlong 4-byte", "\xF0\x80\x80\xAF"},
      {"high surrogate", "\xED\xA0\x80"},
      {"low surrogate", "\xED\xBF\xBF"},
      {"above U+10FFFF", "\xF4\x90\x80\x80"},
      {"byte FF", "\xFF"},
  };
  for (const TextField& field : AllTextFields()) {
    for (const auto& bad : kBad) {
      ExpectRejected(
          field, field.prefix + bad.bytes + field.suffix,
          "not valid UTF-8 at byte " + std::to_string(field.prefix.size()),
          bad.label);
    }
  }
}

TEST_F(ValidateTest, EveryTextFieldRejectsControlCharacters) {
  const struct {
    std::string bytes;
    const char* code;
  } kControls[] = {{std::string(1, '\0'), "U+0000"},
                   {"\x01", "U+0001"},
                   {"\x1b", "U+001B"},
                   {"\x7f", "U+007F"},
                   {"\xC2\x85", "U+0085"},  // NEL, a C1 control
                   {"\xC2\x9F", "U+009F"},
                   {"\t", "U+0009"},
                   {"\n", "U+000A"},
                   {"\r", "U+000D"}};
  for (const TextField& field : AllTextFields()) {
    for (const auto& control : kControls) {
      const bool line_break = control.bytes == "\t" || control.bytes == "\n" ||
                              control.bytes == "\r";
      // Free text may break lines; a phone may use tabs as separators.
      if (line_break && field.free_text) continue;
      if (control.bytes == "\t" && field.name == "customer.phone") continue;
      // An e-mail is trimmed of surrounding space, not inner space.
      ExpectRejected(field, field.prefix + control.bytes + field.suffix,
                     std::string("holds a control character (") + control.code +
                         ") at byte " + std::to_string(field.prefix.size()),
                     control.code);
    }
  }
}

// The separators of the lists these values travel in: tags and attributes
// in CSV import and export (';', '=' between key and value), segment
// names in `custdb find --segment a,b`.
TEST_F(ValidateTest, ListValuesRejectTheirSeparator) {
  for (const TextField& field : AllTextFields()) {
    std::vector<char> separators;
    if (field.name.rfind("customer.tags", 0) == 0) separators = {';'};
    if (field.name == "customer.attributes key") separators = {';', '='};
    if (field.name == "customer.attributes['k']") separators = {';'};
    if (field.name == "policy.segments[0].name") separators = {','};
    for (char sep : separators) {
      const std::string text = "ab" + std::string(1, sep) + "c";
      ExpectRejected(field, text,
                     "'" + text + "' holds '" + std::string(1, sep) +
                         "', which separates list entries",
                     std::string(1, sep));
    }
  }
}

// Valid UTF-8 of every length (Zoë, 東京, 😀) and, in free text, tabs and
// line breaks are accepted, and stored as given.
TEST_F(ValidateTest, ValidUtf8IsAccepted) {
  const std::string text =
      "Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80";
  Customer c = BaseCustomer("c-" + text);
  c.name = text;
  c.region = text;
  c.email = "zo\xC3\xAB@example.com";
  c.tags = {text, "a,b"};
  c.attributes = {{text, "line 1\n\tline 2\r\n"}};
  Result<uint64_t> id = engine_->CreateCustomer(c);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  CustomerRecord stored = test::ValueOf(engine_->GetCustomer(*id));
  EXPECT_EQ(stored.profile.name, text);
  EXPECT_EQ(stored.profile.tags, c.tags);
  EXPECT_EQ(stored.profile.attributes, c.attributes);
  Interaction i =
      test::NewInteraction(1, 1, test::DaysAgo(1), InteractionKind::kCall);
  i.staff_id = text;
  i.note = "first\n\tsecond " + text;
  EXPECT_TRUE(engine_->RecordInteraction(i).ok());
  Channel channel;
  channel.id = 9;
  channel.name = "North, " + text;  // channels are flag values by id only
  EXPECT_TRUE(engine_->PutChannel(channel).ok());
}

TEST(Utf8Test, InvalidUtf8AtFindsTheFirstBadSequence) {
  EXPECT_EQ(InvalidUtf8At(""), std::string::npos);
  EXPECT_EQ(InvalidUtf8At("plain ASCII"), std::string::npos);
  EXPECT_EQ(InvalidUtf8At("\xF4\x8F\xBF\xBF"), std::string::npos);  // U+10FFFF
  EXPECT_EQ(InvalidUtf8At("\xEE\x80\x80"), std::string::npos);      // U+E000
  EXPECT_EQ(InvalidUtf8At("\xED\x9F\xBF"), std::string::npos);      // U+D7FF
  EXPECT_EQ(InvalidUtf8At("a\xC3\xA9\x80"), 3u);
  EXPECT_EQ(InvalidUtf8At("\xC1\xBF"), 0u);  // overlong U+007F
  EXPECT_EQ(InvalidUtf8At("ok\xE2\x82z"), 2u);
}

// A value shortened for a message keeps whole characters.
TEST(Utf8Test, QuoteValueCutsBetweenCharacters) {
  const std::string value = std::string(47, 'a') + "\xC3\xA9" + "tail";
  const std::string quoted = QuoteValue(value);
  EXPECT_EQ(quoted, "'" + std::string(47, 'a') + "\xE2\x80\xA6'");
  EXPECT_EQ(InvalidUtf8At(quoted), std::string::npos);
}

}  // namespace
}  // namespace custdb
