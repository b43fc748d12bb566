// Verify's index pass: every entry of the indexes CF names a record that
// holds what the entry says. (The customer walk checks the other way: each
// record has its entries.)
#include <memory>
#include <string>
#include <string_view>

#include "api/messages.h"
#include "storage/codec.h"
#include "storage/keys.h"
#include "verify/verify_context.h"

namespace custdb {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }

// The customer an identity entry names exists and holds that value.
Status CheckIdentityEntry(VerifyContext* ctx, const IdentityField& field,
                          std::string_view rest, std::string_view raw_holder) {
  std::string value;
  if (!keys::GetString(&rest, &value) || !rest.empty()) {
    ctx->Problem(std::string(field.name) + " index key " + Hex(rest) +
                 " is malformed");
    return Status::OK();
  }
  const std::string what =
      std::string(field.name) + " index entry " + QuoteValue(value);
  uint64_t holder = 0;
  if (!keys::DecodeIdKey(raw_holder, &holder)) {
    ctx->Problem(what + " holds " + Hex(raw_holder) + ", not a customer id");
    return Status::OK();
  }
  std::string bytes;
  bool found = false;
  Status s =
      ctx->Get(keys::Cf::kCustomers, keys::IdKey(holder), &bytes, &found);
  if (!s.ok()) return s;
  Customer customer;
  if (!found) {
    ctx->Problem(what + " points to customer " + Num(holder) +
                 ", which does not exist");
  } else if (codec::Decode(bytes, &customer).ok() &&
             customer.*field.field != value) {
    // (A profile that does not decode is reported by the customer walk.)
    ctx->Problem(what + " points to customer " + Num(holder) + ", whose " +
                 field.name + " is " + QuoteValue(customer.*field.field));
  }
  return Status::OK();
}

// An id entry holds the history key of a record with the same id.
Status CheckEventEntry(VerifyContext* ctx, const HistoryKind& kind,
                       std::string_view rest, std::string_view target) {
  uint64_t id = 0;
  if (!keys::GetU64(&rest, &id) || !rest.empty()) {
    ctx->Problem(std::string(kind.index_name) + " key is malformed");
    return Status::OK();
  }
  const std::string what = std::string(kind.index_name) + " " + Num(id);
  keys::HistoryKeyParts parts;
  if (!keys::DecodeHistoryKey(target, &parts)) {
    ctx->Problem(what + " holds " + Hex(target) + ", not a history key");
    return Status::OK();
  }
  if (parts.event_id != id) {
    ctx->Problem(what + " points to " + Describe(kind, parts));
    return Status::OK();
  }
  std::string record;
  bool found = false;
  Status s = ctx->Get(kind.cf, std::string(target), &record, &found);
  if (!s.ok()) return s;
  if (!found) {
    ctx->Problem(what +
                 " points to a missing record: " + Describe(kind, parts));
  }
  return Status::OK();
}

// An alias (a merged customer's id or identity) names an existing
// survivor that lists it.
Status CheckAliasEntry(VerifyContext* ctx, std::string_view key,
                       std::string_view raw_survivor) {
  const std::string what = "alias entry " + Hex(key);
  uint64_t survivor = 0;
  if (!keys::DecodeIdKey(raw_survivor, &survivor)) {
    ctx->Problem(what + " holds " + Hex(raw_survivor) + ", not a customer id");
    return Status::OK();
  }
  std::string bytes;
  bool found = false;
  Status s =
      ctx->Get(keys::Cf::kCustomers, keys::IdKey(survivor), &bytes, &found);
  if (!s.ok()) return s;
  if (!found) {
    ctx->Problem(what + " points to customer " + Num(survivor) +
                 ", which does not exist");
    return Status::OK();
  }
  s = ctx->Get(keys::Cf::kTierIndex, keys::AliasOfKey(survivor, key), &bytes,
               &found);
  if (!s.ok()) return s;
  if (!found) {
    ctx->Problem(what + " points to customer " + Num(survivor) +
                 ", which does not list it");
  }
  return Status::OK();
}

Status CheckEntry(VerifyContext* ctx, std::string_view key,
                  std::string_view value) {
  if (key.empty()) {
    ctx->Problem("indexes CF holds an empty key");
    return Status::OK();
  }
  const auto tag = static_cast<keys::IndexTag>(key[0]);
  std::string_view rest = key.substr(1);
  if (const IdentityField* identity = IdentityFieldOf(tag)) {
    return CheckIdentityEntry(ctx, *identity, rest, value);
  }
  if (tag == kOrderHistory.id_tag) {
    return CheckEventEntry(ctx, kOrderHistory, rest, value);
  }
  if (tag == kInteractionHistory.id_tag) {
    return CheckEventEntry(ctx, kInteractionHistory, rest, value);
  }
  if (tag == keys::IndexTag::kMergedId || IdentityFieldOfAlias(tag)) {
    return CheckAliasEntry(ctx, key, value);
  }
  ctx->Problem("indexes key " + Hex(key) + " has an unknown tag");
  return Status::OK();
}

}  // namespace

Status VerifyIndexEntries(VerifyContext* ctx) {
  StorageIterator it = ctx->Scan(keys::Cf::kIndexes);
  Status s;
  for (it.SeekToFirst(); s.ok() && it.Valid(); it.Next()) {
    ++ctx->report()->index_entries_checked;
    s = CheckEntry(ctx, it.key(), it.value());
  }
  if (s.ok()) s = it.status("verify: scanning indexes");
  return s;
}

}  // namespace custdb
