// Field validation and identity normalisation.
#include "write/validate.h"

#include <cctype>

#include "api/messages.h"
#include "api/text_checks.h"

namespace custdb {
namespace {

constexpr size_t kMaxCodeBytes = 64;
constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxRegionBytes = 64;
constexpr size_t kMaxTags = 64;
constexpr size_t kMaxTagBytes = 64;
constexpr size_t kMaxAttributes = 64;
constexpr size_t kMaxAttributeKeyBytes = 64;
constexpr size_t kMaxAttributeValueBytes = 1024;
constexpr size_t kMaxSkuBytes = 64;
constexpr size_t kMaxLineItems = 1000;
constexpr size_t kMaxStaffIdBytes = 64;
constexpr size_t kMaxNoteBytes = 4096;

Status Invalid(const std::string& field, const std::string& what) {
  return Status::InvalidArgument(field + ": " + what);
}

// A required id: 1..kMaxId.
Status CheckId(const std::string& field, uint64_t id) {
  if (id == 0) return Invalid(field, "0 is not a valid id");
  return CheckIdRange(field, id);
}

bool ValidChannelType(ChannelType t) {
  auto v = static_cast<int>(t);
  return v >= 1 && v <= 8;
}

Status CheckGender(const std::string& field, Gender g) {
  auto v = static_cast<int>(g);
  if (v < 0 || v > 3)
    return Invalid(field, std::to_string(v) + " is not a gender");
  return Status::OK();
}

Status CheckBirthYear(const std::string& field, int32_t year) {
  if (year != 0 && (year < 1900 || year > 2100)) {
    return Status::InvalidArgument(IsOutside(field, year, 1900, 2100));
  }
  return Status::OK();
}

Status CheckTags(const std::string& field,
                 const std::vector<std::string>& tags) {
  if (tags.size() > kMaxTags) {
    return Invalid(field, std::to_string(tags.size()) +
                              " tags; the maximum is " +
                              std::to_string(kMaxTags));
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    // CSV import and export join a customer's tags with ';'.
    Status s = CheckText(field + "[" + std::to_string(i) + "]", tags[i], 1,
                         kMaxTagBytes, ";");
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status CheckAttributes(const std::string& field,
                       const std::map<std::string, std::string>& attrs) {
  if (attrs.size() > kMaxAttributes) {
    return Invalid(field, std::to_string(attrs.size()) +
                              " entries; the maximum is " +
                              std::to_string(kMaxAttributes));
  }
  for (const auto& [key, value] : attrs) {
    // CSV import and export write attributes as key=value;key=value.
    Status s = CheckText(field + " key", key, 1, kMaxAttributeKeyBytes, ";=");
    if (!s.ok()) return s;
    s = CheckFreeText(field + "[" + QuoteValue(key) + "]", value,
                      kMaxAttributeValueBytes, ";");
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Status ValidateTimestamp(const std::string& field, int64_t ms) {
  if (ms < 0 || ms > kMaxTimestampMs) {
    return Status::InvalidArgument(
        IsOutside(field, std::to_string(ms), "1970-01-01..9999-12-31 (ms)"));
  }
  return Status::OK();
}

Status NormalizeEmail(const std::string& field, const std::string& in,
                      std::string* out) {
  // Checked before trimming, so that the byte offset is the caller's.
  const size_t bad = InvalidUtf8At(in);
  if (bad != std::string::npos) {
    return Invalid(field, "not valid UTF-8 at byte " + std::to_string(bad));
  }
  size_t b = 0, e = in.size();
  while (b < e && std::isspace(static_cast<unsigned char>(in[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(in[e - 1]))) --e;
  std::string email = in.substr(b, e - b);
  for (char& c : email) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (email.empty()) {
    out->clear();
    return Status::OK();
  }
  Status s = CheckText(field, email, 3, kMaxEmailBytes);
  if (!s.ok()) return s;
  size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string::npos ||
      email.find(' ') != std::string::npos ||
      email.find('.', at + 1) == std::string::npos) {
    return Invalid(field, QuoteValue(in) + " is not an email address");
  }
  *out = std::move(email);
  return Status::OK();
}

Status NormalizePhone(const std::string& field, const std::string& in,
                      std::string* out) {
  // Tab is one of the separators dropped below.
  Status s = CheckCharacters(field, in, "\t", "");
  if (!s.ok()) return s;
  std::string phone;
  size_t digits = 0;
  bool seen_any = false;
  for (char c : in) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      phone.push_back(c);
      ++digits;
      seen_any = true;
    } else if (c == '+' && !seen_any && phone.empty()) {
      phone.push_back('+');
      seen_any = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
               c == '\t') {
      continue;
    } else {
      return Invalid(field, QuoteValue(in) + " holds '" + std::string(1, c) +
                                "', not a phone number character");
    }
  }
  if (phone.empty()) {
    // Only separators ("()", "- -") is a typo, not "no phone".
    if (in.find_first_not_of(" \t") != std::string::npos) {
      return Invalid(field, QuoteValue(in) + " holds no digits");
    }
    out->clear();
    return Status::OK();
  }
  if (digits < 5 || digits > 15) {
    return Invalid(field, QuoteValue(in) + " has " + std::to_string(digits) +
                              " digits; a phone number has 5..15");
  }
  *out = std::move(phone);
  return Status::OK();
}

Status CheckIdRange(const std::string& field, uint64_t id) {
  if (id <= kMaxId) return Status::OK();
  return Invalid(field, std::to_string(id) + " " + IdOutOfRange());
}

Status ValidateChannel(const Channel& c) {
  Status s = CheckId("channel.id", c.id);
  if (s.ok() && c.parent_id != 0)
    s = CheckIdRange("channel.parent_id", c.parent_id);
  if (!s.ok()) return s;
  s = CheckText("channel.name", c.name, 1, kMaxNameBytes);
  if (!s.ok()) return s;
  if (!ValidChannelType(c.type)) {
    return Invalid("channel.type", std::to_string(static_cast<int>(c.type)) +
                                       " is not a channel type");
  }
  if (c.parent_id == c.id) {
    return Invalid("channel.parent_id",
                   std::to_string(c.parent_id) + " is the channel itself");
  }
  return CheckText("channel.region", c.region, 0, kMaxRegionBytes);
}

Status NormalizeAndValidateCustomer(Customer* c) {
  Status s = CheckIdRange("customer.id", c->id);
  if (s.ok()) s = CheckText("customer.code", c->code, 0, kMaxCodeBytes);
  if (s.ok()) s = NormalizeEmail("customer.email", c->email, &c->email);
  if (s.ok()) s = NormalizePhone("customer.phone", c->phone, &c->phone);
  if (s.ok()) s = CheckText("customer.name", c->name, 0, kMaxNameBytes);
  if (s.ok()) s = CheckText("customer.region", c->region, 0, kMaxRegionBytes);
  if (s.ok()) s = CheckGender("customer.gender", c->gender);
  if (s.ok()) s = CheckBirthYear("customer.birth_year", c->birth_year);
  if (s.ok()) s = CheckTags("customer.tags", c->tags);
  if (s.ok()) s = CheckAttributes("customer.attributes", c->attributes);
  if (s.ok() && c->created_at_ms != 0) {
    s = ValidateTimestamp("customer.created_at_ms", c->created_at_ms);
  }
  return s;
}

Status NormalizeAndValidatePatch(CustomerPatch* p) {
  Status s;
  if (p->code) s = CheckText("customer.code", *p->code, 0, kMaxCodeBytes);
  if (s.ok() && p->email) {
    s = NormalizeEmail("customer.email", *p->email, &*p->email);
  }
  if (s.ok() && p->phone) {
    s = NormalizePhone("customer.phone", *p->phone, &*p->phone);
  }
  if (s.ok() && p->name) {
    s = CheckText("customer.name", *p->name, 0, kMaxNameBytes);
  }
  if (s.ok() && p->region) {
    s = CheckText("customer.region", *p->region, 0, kMaxRegionBytes);
  }
  if (s.ok() && p->gender) s = CheckGender("customer.gender", *p->gender);
  if (s.ok() && p->birth_year) {
    s = CheckBirthYear("customer.birth_year", *p->birth_year);
  }
  if (s.ok() && p->tags) s = CheckTags("customer.tags", *p->tags);
  if (s.ok() && p->attributes) {
    s = CheckAttributes("customer.attributes", *p->attributes);
  }
  return s;
}

Status ValidateOrder(const Order& o, const std::string& base_currency) {
  Status s = CheckId("order.id", o.id);
  if (s.ok()) s = CheckId("order.customer_id", o.customer_id);
  if (s.ok()) s = CheckId("order.channel_id", o.channel_id);
  if (!s.ok()) return s;
  s = ValidateTimestamp("order.ts_ms", o.ts_ms);
  if (!s.ok()) return s;
  if (o.amount_minor < 0) {
    return Invalid("order.amount_minor",
                   std::to_string(o.amount_minor) + " is negative");
  }
  if (!o.currency.empty()) {
    s = CheckText("order.currency", o.currency, 0, 3);
    if (!s.ok()) return s;
  }
  if (!o.currency.empty() && o.currency != base_currency) {
    return Invalid("order.currency",
                   QuoteValue(o.currency) + " is not the base currency " +
                       base_currency + " (no rate table is configured)");
  }
  if (o.kind != OrderKind::kSale && o.kind != OrderKind::kCreditNote) {
    return Invalid("order.kind", std::to_string(static_cast<int>(o.kind)) +
                                     " is not an order kind");
  }
  bool initial_ok = o.kind == OrderKind::kSale
                        ? (o.status == OrderStatus::kPlaced ||
                           o.status == OrderStatus::kPaid ||
                           o.status == OrderStatus::kCompleted)
                        : o.status == OrderStatus::kCompleted;
  if (!initial_ok) {
    return Invalid("order.status",
                   std::string(OrderStatusName(o.status)) + " (" +
                       std::to_string(static_cast<int>(o.status)) +
                       ") is not a valid initial status for a " +
                       OrderKindName(o.kind));
  }
  if (o.items.size() > kMaxLineItems) {
    return Invalid("order.items", std::to_string(o.items.size()) +
                                      " items; the maximum is " +
                                      std::to_string(kMaxLineItems));
  }
  int64_t sum = 0;
  for (size_t i = 0; i < o.items.size(); ++i) {
    const LineItem& item = o.items[i];
    std::string field = "order.items[" + std::to_string(i) + "]";
    s = CheckText(field + ".sku", item.sku, 1, kMaxSkuBytes);
    if (!s.ok()) return s;
    if (item.quantity <= 0) {
      return Invalid(field + ".quantity",
                     std::to_string(item.quantity) + " is not positive");
    }
    if (item.unit_price_minor < 0) {
      return Invalid(field + ".unit_price_minor",
                     std::to_string(item.unit_price_minor) + " is negative");
    }
    if (item.amount_minor < 0) {
      return Invalid(field + ".amount_minor",
                     std::to_string(item.amount_minor) + " is negative");
    }
    if (__builtin_add_overflow(sum, item.amount_minor, &sum)) {
      return Invalid(field + ".amount_minor", "the items' sum overflows");
    }
  }
  if (!o.items.empty() && sum != o.amount_minor) {
    return Invalid("order.amount_minor",
                   std::to_string(o.amount_minor) +
                       " differs from the sum of its items, " +
                       std::to_string(sum));
  }
  return Status::OK();
}

Status ValidateInteraction(const Interaction& i) {
  Status s = CheckIdRange("interaction.id", i.id);
  if (s.ok()) s = CheckId("interaction.customer_id", i.customer_id);
  if (!s.ok()) return s;
  s = ValidateTimestamp("interaction.ts_ms", i.ts_ms);
  if (!s.ok()) return s;
  auto kind = static_cast<int>(i.kind);
  if (kind < 1 || kind > 9) {
    return Invalid("interaction.kind",
                   std::to_string(kind) + " is not an interaction kind");
  }
  if (i.satisfaction && (*i.satisfaction < 1 || *i.satisfaction > 5)) {
    return Status::InvalidArgument(
        IsOutside("interaction.satisfaction", *i.satisfaction, 1, 5));
  }
  if (i.nps && (*i.nps < 0 || *i.nps > 10)) {
    return Status::InvalidArgument(IsOutside("interaction.nps", *i.nps, 0, 10));
  }
  s = CheckText("interaction.staff_id", i.staff_id, 0, kMaxStaffIdBytes);
  if (!s.ok()) return s;
  s = CheckFreeText("interaction.note", i.note, kMaxNoteBytes);
  if (!s.ok()) return s;
  if (i.resolved_at_ms) {
    if (i.kind != InteractionKind::kComplaint &&
        i.kind != InteractionKind::kTicket) {
      return Invalid("interaction.resolved_at_ms",
                     std::string("a ") + InteractionKindName(i.kind) +
                         " cannot be resolved; only complaints and tickets");
    }
    s = ValidateTimestamp("interaction.resolved_at_ms", *i.resolved_at_ms);
    if (!s.ok()) return s;
    if (*i.resolved_at_ms < i.ts_ms) {
      return Status::InvalidArgument(IsBefore(
          "interaction.resolved_at_ms", std::to_string(*i.resolved_at_ms),
          "the interaction's ts_ms " + std::to_string(i.ts_ms)));
    }
  }
  return Status::OK();
}

}  // namespace custdb
