// The identity fields of a customer (code, email, phone), one table: each
// one's index tag, alias tag, names and members. Every path that checks,
// moves, locks or verifies identities loops over kIdentityFields, so a new
// identity is one row here (and its tags in keys.h).
#ifndef CUSTDB_ENGINE_STORAGE_IDENTITY_FIELDS_H_
#define CUSTDB_ENGINE_STORAGE_IDENTITY_FIELDS_H_

#include <array>
#include <optional>
#include <string>

#include "custdb/types.h"
#include "storage/keys.h"

namespace custdb {

struct IdentityField {
  // The unique index value -> customer id (keys.h IdentityKey).
  keys::IndexTag tag;
  // The index of the same values kept by a merge's survivor when it had
  // its own (keys.h AliasTagOf).
  keys::IndexTag alias_tag;
  const char* name;        // "email": Verify's messages
  const char* field_path;  // "customer.email": the write path's messages
  std::string Customer::*field;
  std::optional<std::string> CustomerPatch::*patch_field;
};

// In the order every path checks them (the first taken identity is the one
// an error names).
inline constexpr std::array<IdentityField, 3> kIdentityFields = {{
    {keys::IndexTag::kCustomerCode, keys::IndexTag::kCodeAlias, "code",
     "customer.code", &Customer::code, &CustomerPatch::code},
    {keys::IndexTag::kCustomerEmail, keys::IndexTag::kEmailAlias, "email",
     "customer.email", &Customer::email, &CustomerPatch::email},
    {keys::IndexTag::kCustomerPhone, keys::IndexTag::kPhoneAlias, "phone",
     "customer.phone", &Customer::phone, &CustomerPatch::phone},
}};

// The row whose tag (IdentityFieldOf) or alias tag (IdentityFieldOfAlias)
// is `tag`; null for any other tag.
inline const IdentityField* IdentityFieldOf(keys::IndexTag tag) {
  for (const IdentityField& f : kIdentityFields) {
    if (f.tag == tag) return &f;
  }
  return nullptr;
}
inline const IdentityField* IdentityFieldOfAlias(keys::IndexTag tag) {
  for (const IdentityField& f : kIdentityFields) {
    if (f.alias_tag == tag) return &f;
  }
  return nullptr;
}

}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_IDENTITY_FIELDS_H_
