// Status names and formatting.
#include "custdb/status.h"

#include "api/enum_names.h"

namespace custdb {
namespace {

constexpr NamedValue<StatusCode> kStatusCodes[] = {
    {StatusCode::kOk, "ok"},
    {StatusCode::kNotFound, "not_found"},
    {StatusCode::kInvalidArgument, "invalid_argument"},
    {StatusCode::kAlreadyExists, "already_exists"},
    {StatusCode::kFailedPrecondition, "failed_precondition"},
    {StatusCode::kPermissionDenied, "permission_denied"},
    {StatusCode::kUnauthenticated, "unauthenticated"},
    {StatusCode::kResourceExhausted, "resource_exhausted"},
    {StatusCode::kBusy, "busy"},
    {StatusCode::kUnavailable, "unavailable"},
    {StatusCode::kCorruption, "corruption"},
    {StatusCode::kIOError, "io_error"},
    {StatusCode::kInternal, "internal"},
    {StatusCode::kCancelled, "cancelled"},
};
static_assert(IsDense(kStatusCodes));

}  // namespace

const char* StatusCodeName(StatusCode code) {
  return NameOf(kStatusCodes, code);
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace custdb
