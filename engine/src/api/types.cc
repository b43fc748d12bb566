// Names of the stored enums, as used by CSV, JSON and the command line.
#include "custdb/types.h"

#include "api/enum_names.h"

namespace custdb {
namespace {

constexpr NamedValue<ChannelType> kChannelTypes[] = {
    {ChannelType::kDirect, "direct"},
    {ChannelType::kAgent, "agent"},
    {ChannelType::kDealer, "dealer"},
    {ChannelType::kRetail, "retail"},
    {ChannelType::kDistributor, "distributor"},
    {ChannelType::kEcommerce, "ecommerce"},
    {ChannelType::kPartner, "partner"},
    {ChannelType::kTelemarketing, "telemarketing"},
};
static_assert(IsDense(kChannelTypes));
constexpr NamedValue<Gender> kGenders[] = {
    {Gender::kUnknown, "unknown"},
    {Gender::kFemale, "female"},
    {Gender::kMale, "male"},
    {Gender::kOther, "other"},
};
static_assert(IsDense(kGenders));
constexpr NamedValue<OrderStatus> kOrderStatuses[] = {
    {OrderStatus::kPlaced, "placed"},
    {OrderStatus::kPaid, "paid"},
    {OrderStatus::kCompleted, "completed"},
    {OrderStatus::kCancelled, "cancelled"},
    {OrderStatus::kRefunded, "refunded"},
};
static_assert(IsDense(kOrderStatuses));
constexpr NamedValue<OrderKind> kOrderKinds[] = {
    {OrderKind::kSale, "sale"},
    {OrderKind::kCreditNote, "credit_note"},
};
static_assert(IsDense(kOrderKinds));
constexpr NamedValue<InteractionKind> kInteractionKinds[] = {
    {InteractionKind::kCall, "call"},
    {InteractionKind::kEmail, "email"},
    {InteractionKind::kVisit, "visit"},
    {InteractionKind::kChat, "chat"},
    {InteractionKind::kSocial, "social"},
    {InteractionKind::kComplaint, "complaint"},
    {InteractionKind::kSurvey, "survey"},
    {InteractionKind::kTicket, "ticket"},
    {InteractionKind::kFeedback, "feedback"},
};
static_assert(IsDense(kInteractionKinds));

}  // namespace

const char* ChannelTypeName(ChannelType t) { return NameOf(kChannelTypes, t); }
bool ParseChannelType(const std::string& n, ChannelType* out) {
  return ParseName(kChannelTypes, n, out);
}
const char* GenderName(Gender g) { return NameOf(kGenders, g); }
bool ParseGender(const std::string& n, Gender* out) {
  return ParseName(kGenders, n, out);
}
const char* OrderStatusName(OrderStatus s) { return NameOf(kOrderStatuses, s); }
bool ParseOrderStatus(const std::string& n, OrderStatus* out) {
  return ParseName(kOrderStatuses, n, out);
}
const char* OrderKindName(OrderKind k) { return NameOf(kOrderKinds, k); }
bool ParseOrderKind(const std::string& n, OrderKind* out) {
  return ParseName(kOrderKinds, n, out);
}
const char* InteractionKindName(InteractionKind k) {
  return NameOf(kInteractionKinds, k);
}
bool ParseInteractionKind(const std::string& n, InteractionKind* out) {
  return ParseName(kInteractionKinds, n, out);
}

bool operator==(const Aggregates& a, const Aggregates& b) {
  return a.order_count == b.order_count &&
         a.completed_order_count == b.completed_order_count &&
         a.total_spend_minor == b.total_spend_minor &&
         a.first_order_ms == b.first_order_ms &&
         a.last_order_ms == b.last_order_ms &&
         a.last_interaction_ms == b.last_interaction_ms &&
         a.last_activity_ms == b.last_activity_ms &&
         a.interaction_count == b.interaction_count &&
         a.complaint_count == b.complaint_count &&
         a.open_complaint_count == b.open_complaint_count &&
         a.satisfaction_sum == b.satisfaction_sum &&
         a.satisfaction_count == b.satisfaction_count &&
         a.last_nps == b.last_nps && a.last_nps_ms == b.last_nps_ms &&
         a.last_nps_id == b.last_nps_id &&
         a.completed_spend_minor == b.completed_spend_minor &&
         a.loyalty_redeemed == b.loyalty_redeemed &&
         a.recent_order_ms == b.recent_order_ms;
}

}  // namespace custdb
