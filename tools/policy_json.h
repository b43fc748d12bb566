// TierPolicy <-> JSON, the file format of `custdb policy get --json` and
// `custdb policy set FILE` (docs/OPERATIONS.md draws the shape).
#ifndef CUSTDB_TOOLS_POLICY_JSON_H_
#define CUSTDB_TOOLS_POLICY_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "custdb/policy.h"
#include "custdb/status.h"

namespace custdb {
namespace tools {

// Every field of `policy`, by its TierPolicy name; rfm_mode as "fixed" or
// "quantile", score ranges as [min, max].
nlohmann::ordered_json PolicyToJson(const TierPolicy& policy);

// Reads a policy from JSON text. A field left out keeps its DefaultPolicy()
// value (a segment's r, f or m: [1, 5]); "version" is accepted and ignored
// (the engine assigns it). kInvalidArgument naming the field for malformed
// JSON, an unknown field, or a value of the wrong type or size. Does not
// run ValidatePolicy.
Result<TierPolicy> PolicyFromJson(const std::string& text);

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_POLICY_JSON_H_
