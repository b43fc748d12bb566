// Field validation and identity normalisation.
#include "write/validate.h"

#include <cctype>
#include <cstdio>
#include <cstring>

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

Status CheckLength(const std::string& field, const std::string& value,
                   size_t min, size_t max) {
  if (value.size() < min) {
    return Invalid(field, value.empty() ? "is empty"
                                        : QuoteValue(value) + " is too short");
  }
  if (value.size() > max) {
    return Invalid(field, QuoteValue(value) + " is " +
                              std::to_string(value.size()) +
                              " bytes; the maximum is " + std::to_string(max));
  }
  return Status::OK();
}

// Which control characters a kind of text may hold. Everything else
// below U+0020, DEL and the C1 controls U+0080..U+009F is refused: in a
// name they would make exports, terminals and logs ambiguous.
constexpr const char* kNoControls = "";
// Free text (notes, attribute values) may break lines and hold tabs.
constexpr const char* kLineBreaks = "\t\n\r";

// The first character of `value` that is a control character not in
// `allowed`, or a byte of `separators`, as kInvalidArgument naming the
// field; also refuses text that is not valid UTF-8. The value is quoted
// only once it is known to be printable UTF-8.
Status CheckCharacters(const std::string& field, const std::string& value,
                       const char* allowed, const char* separators) {
  const size_t bad = InvalidUtf8At(value);
  if (bad != std::string::npos) {
    return Invalid(field, "not valid UTF-8 at byte " + std::to_string(bad));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    unsigned code = 0x20;
    if (c < 0x20 || c == 0x7f) {
      code = c;
    } else if (c == 0xc2 && i + 1 < value.size()) {
      // U+0080..U+009F are encoded C2 80..C2 9F.
      const auto next = static_cast<unsigned char>(value[i + 1]);
      if (next < 0xa0) code = next;
    }
    if (code != 0x20 &&
        (code >= 0x80 || std::strchr(allowed, c) == nullptr || c == '\0')) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "U+%04X", code);
      return Invalid(field, std::string("holds a control character (") + hex +
                                ") at byte " + std::to_string(i));
    }
  }
  for (const char* sep = separators; *sep != '\0'; ++sep) {
    if (value.find(*sep) != std::string::npos) {
      return Invalid(field, QuoteValue(value) + " holds '" +
                                std::string(1, *sep) +
                                "', which separates list entries");
    }
  }
  return Status::OK();
}

// Identities, names and codes: one printable line of UTF-8, without
// `separators`.
Status CheckText(const std::string& field, const std::string& value, size_t min,
                 size_t max, const char* separators = "") {
  Status s = CheckCharacters(field, value, kNoControls, separators);
  if (!s.ok()) return s;
  return CheckLength(field, value, min, max);
}

// Notes and attribute values: UTF-8 that may hold tabs and line breaks.
Status CheckFreeText(const std::string& field, const std::string& value,
                     size_t max, const char* separators = "") {
  Status s = CheckCharacters(field, value, kLineBreaks, separators);
  if (!s.ok()) return s;
  return CheckLength(field, value, 0, max);
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
    return Invalid(field, std::to_string(year) + " is outside 1900..2100");
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

std::string QuoteValue(const std::string& value) {
  constexpr size_t kShown = 48;
  if (value.size() <= kShown) return "'" + value + "'";
  // Cut before a UTF-8 continuation byte, never inside a character.
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) {
    --cut;
  }
  return "'" + value.substr(0, cut) + "…'";
}

Status ValidateName(const std::string& field, const std::string& value,
                    size_t min, size_t max, const char* separators) {
  return CheckText(field, value, min, max, separators);
}

Status ValidateTimestamp(const std::string& field, int64_t ms) {
  if (ms < 0 || ms > kMaxTimestampMs) {
    return Invalid(
        field, std::to_string(ms) + " is outside 1970-01-01..9999-12-31 (ms)");
  }
  return Status::OK();
}

size_t InvalidUtf8At(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The well-formed sequences of Unicode's Table 3-7: the second byte's
    // range excludes overlong forms (E0, F0), surrogates (ED) and code
    // points above U+10FFFF (F4).
    size_t length = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return i;  // a continuation byte, C0, C1 or F5..FF
    }
    if (i + length > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < length; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xbf) return i;
    }
    i += length;
  }
  return std::string_view::npos;
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
  return Invalid(field, std::to_string(id) + " is out of range (ids are 1.." +
                            std::to_string(kMaxId) + ")");
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
    return Invalid("interaction.satisfaction",
                   std::to_string(*i.satisfaction) + " is outside 1..5");
  }
  if (i.nps && (*i.nps < 0 || *i.nps > 10)) {
    return Invalid("interaction.nps",
                   std::to_string(*i.nps) + " is outside 0..10");
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
      return Invalid("interaction.resolved_at_ms",
                     std::to_string(*i.resolved_at_ms) +
                         " is before the interaction's ts_ms " +
                         std::to_string(i.ts_ms));
    }
  }
  return Status::OK();
}

}  // namespace custdb
