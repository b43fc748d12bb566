// The shared state and message vocabulary of a Verify run.
#include "verify/verify_context.h"

namespace custdb {

VerifyContext::VerifyContext(const Storage& storage, size_t max_problems,
                             VerifyReport* report)
    : storage_(storage),
      snapshot_(storage),
      // One pass over everything: keep the hot data in the block cache.
      view_{&snapshot_, /*fill_cache=*/false},
      max_problems_(max_problems),
      report_(report) {}

void VerifyContext::Problem(std::string what) {
  ++report_->problems_found;
  if (report_->problems.size() < max_problems_) {
    report_->problems.push_back(VerifyProblem{std::move(what)});
  }
}

StorageIterator VerifyContext::Scan(keys::Cf cf) const {
  return storage_.Scan(cf, view_);
}

Status VerifyContext::Get(keys::Cf cf, const std::string& key,
                          std::string* value, bool* found,
                          const std::string& context) const {
  return storage_.Get(cf, key, value, found, view_,
                      context.empty() ? std::string("verify: reading ") +
                                            keys::ColumnFamilyName(cf)
                                      : context);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  constexpr size_t kMaxBytes = 32;
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < kMaxBytes; ++i) {
    const auto b = static_cast<uint8_t>(bytes[i]);
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  if (bytes.size() > kMaxBytes) out += "...";
  return out.empty() ? "(empty)" : out;
}

const HistoryKind kOrderHistory{keys::Cf::kOrders, keys::IndexTag::kOrderId,
                                keys::RecordKind::kOrder, "order",
                                "order-id index entry"};
const HistoryKind kInteractionHistory{
    keys::Cf::kInteractions, keys::IndexTag::kInteractionId,
    keys::RecordKind::kInteraction, "interaction",
    "interaction-id index entry"};

std::string Describe(const HistoryKind& kind,
                     const keys::HistoryKeyParts& parts) {
  return std::string(kind.noun) + " " + std::to_string(parts.event_id) +
         " (customer " + std::to_string(parts.customer_id) + ", ts " +
         std::to_string(parts.ts_ms) + ")";
}

}  // namespace custdb
