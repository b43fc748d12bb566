// The identity-fields table against the key layouts it names.
#include "storage/identity_fields.h"

#include <gtest/gtest.h>

#include <set>

namespace custdb {
namespace {

TEST(IdentityFieldsTest, AliasTagsAreTheKeysAliasTags) {
  for (const IdentityField& f : kIdentityFields) {
    EXPECT_EQ(f.alias_tag, keys::AliasTagOf(f.tag)) << f.name;
    EXPECT_EQ(IdentityFieldOf(f.tag), &f);
    EXPECT_EQ(IdentityFieldOfAlias(f.alias_tag), &f);
  }
  EXPECT_EQ(IdentityFieldOf(keys::IndexTag::kOrderId), nullptr);
  EXPECT_EQ(IdentityFieldOfAlias(keys::IndexTag::kCustomerCode), nullptr);
}

TEST(IdentityFieldsTest, MembersAndNamesAgree) {
  Customer c;
  c.code = "C1";
  c.email = "a@example.com";
  c.phone = "+1555";
  CustomerPatch patch;
  std::set<std::string> values;
  for (const IdentityField& f : kIdentityFields) {
    values.insert(c.*f.field);
    EXPECT_EQ(std::string("customer.") + f.name, f.field_path);
    patch.*f.patch_field = c.*f.field;
  }
  EXPECT_EQ(values, (std::set<std::string>{"C1", "a@example.com", "+1555"}));
  EXPECT_EQ(patch.code, c.code);
  EXPECT_EQ(patch.email, c.email);
  EXPECT_EQ(patch.phone, c.phone);
}

}  // namespace
}  // namespace custdb
