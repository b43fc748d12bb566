// TierPolicy <-> JSON for the policy commands.
#include "policy_json.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace custdb {
namespace tools {
namespace {

using Json = nlohmann::ordered_json;

Json RangeJson(const ScoreRange& range) { return {range.min, range.max}; }

// Reads JSON into a TierPolicy, collecting one problem per bad field so that
// an operator fixes a file in one pass.
class PolicyReader {
 public:
  explicit PolicyReader(TierPolicy* policy) : p_(policy) {}

  void Read(const Json& j) {
    if (!j.is_object()) {
      problems_.push_back("policy: expected a JSON object");
      return;
    }
    for (const auto& [key, value] : j.items()) ReadField(key, value);
  }

  Status status() const {
    if (problems_.empty()) return Status::OK();
    std::string message;
    for (size_t i = 0; i < problems_.size(); ++i) {
      message += (i ? "; " : "") + problems_[i];
    }
    return Status::InvalidArgument(message);
  }

 private:
  void ReadField(const std::string& key, const Json& v) {
    const std::string field = "policy." + key;
    // The scalar fields, by their TierPolicy names.
    const std::pair<const char*, int64_t*> ints[] = {
        {"high_min_spend_minor", &p_->high_min_spend_minor},
        {"high_min_orders", &p_->high_min_orders},
        {"medium_min_spend_minor", &p_->medium_min_spend_minor},
        {"medium_min_orders", &p_->medium_min_orders},
        {"new_days", &p_->new_days},
        {"active_days", &p_->active_days},
        {"at_risk_days", &p_->at_risk_days},
        {"churn_days", &p_->churn_days},
        {"loyalty_points_per_unit", &p_->loyalty_points_per_unit},
    };
    for (const auto& [name, out] : ints) {
      if (key == name) {
        Int(field, v, out);
        return;
      }
    }
    if (key == "version") {
      // Assigned by the engine; accepted so that `policy get --json`
      // output can be edited and set again.
    } else if (key == "rfm_mode") {
      Mode(field, v);
    } else if (key == "recency_days") {
      Breakpoints(field, v, &p_->recency_days);
    } else if (key == "frequency_orders") {
      Breakpoints(field, v, &p_->frequency_orders);
    } else if (key == "monetary_minor") {
      Breakpoints(field, v, &p_->monetary_minor);
    } else if (key == "segments") {
      Segments(field, v);
    } else {
      problems_.push_back(field + ": unknown field");
    }
  }

  bool Int(const std::string& field, const Json& v, int64_t* out) {
    const bool fits =
        v.is_number_integer() &&
        (!v.is_number_unsigned() ||
         v.get<uint64_t>() <=
             static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
    if (!fits) {
      problems_.push_back(field + ": " + v.dump() + " is not a 64-bit integer");
      return false;
    }
    *out = v.get<int64_t>();
    return true;
  }

  void Mode(const std::string& field, const Json& v) {
    if (!v.is_string() || !ParseRfmMode(v.get<std::string>(), &p_->rfm_mode)) {
      problems_.push_back(field + ": " + v.dump() +
                          " is not \"fixed\" or \"quantile\"");
    }
  }

  void Breakpoints(const std::string& field, const Json& v,
                   std::array<int64_t, 4>* out) {
    if (!v.is_array() || v.size() != out->size()) {
      problems_.push_back(field + ": expected an array of 4 integers");
      return;
    }
    for (size_t i = 0; i < out->size(); ++i) {
      Int(field + "[" + std::to_string(i) + "]", v[i], &(*out)[i]);
    }
  }

  void Range(const std::string& field, const Json& v, ScoreRange* out) {
    if (!v.is_array() || v.size() != 2) {
      problems_.push_back(field + ": " + v.dump() + " is not [min, max]");
      return;
    }
    int64_t min = 0;
    int64_t max = 0;
    if (!Int(field + "[0]", v[0], &min) || !Int(field + "[1]", v[1], &max)) {
      return;
    }
    // Clamped only so the cast is defined; ValidatePolicy rejects anything
    // outside 1..5 and names it.
    out->min = static_cast<int>(std::clamp<int64_t>(min, INT32_MIN, INT32_MAX));
    out->max = static_cast<int>(std::clamp<int64_t>(max, INT32_MIN, INT32_MAX));
  }

  void Segments(const std::string& field, const Json& v) {
    if (!v.is_array()) {
      problems_.push_back(field + ": expected an array of segments");
      return;
    }
    p_->segments.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string item = field + "[" + std::to_string(i) + "]";
      if (!v[i].is_object()) {
        problems_.push_back(item + ": expected an object");
        continue;
      }
      SegmentRule rule;
      for (const auto& [key, value] : v[i].items()) {
        if (key == "name" && value.is_string()) {
          rule.name = value.get<std::string>();
        } else if (key == "name") {
          problems_.push_back(item + ".name: " + value.dump() +
                              " is not a string");
        } else if (key == "r") {
          Range(item + ".r", value, &rule.r);
        } else if (key == "f") {
          Range(item + ".f", value, &rule.f);
        } else if (key == "m") {
          Range(item + ".m", value, &rule.m);
        } else {
          problems_.push_back(item + "." + key + ": unknown field");
        }
      }
      p_->segments.push_back(std::move(rule));
    }
  }

  TierPolicy* p_;
  std::vector<std::string> problems_;
};

}  // namespace

Json PolicyToJson(const TierPolicy& p) {
  Json j;
  j["version"] = p.version;
  j["high_min_spend_minor"] = p.high_min_spend_minor;
  j["high_min_orders"] = p.high_min_orders;
  j["medium_min_spend_minor"] = p.medium_min_spend_minor;
  j["medium_min_orders"] = p.medium_min_orders;
  j["rfm_mode"] = RfmModeName(p.rfm_mode);
  j["recency_days"] = p.recency_days;
  j["frequency_orders"] = p.frequency_orders;
  j["monetary_minor"] = p.monetary_minor;
  j["segments"] = Json::array();
  for (const SegmentRule& rule : p.segments) {
    j["segments"].push_back({{"name", rule.name},
                             {"r", RangeJson(rule.r)},
                             {"f", RangeJson(rule.f)},
                             {"m", RangeJson(rule.m)}});
  }
  j["new_days"] = p.new_days;
  j["active_days"] = p.active_days;
  j["at_risk_days"] = p.at_risk_days;
  j["churn_days"] = p.churn_days;
  j["loyalty_points_per_unit"] = p.loyalty_points_per_unit;
  return j;
}

Result<TierPolicy> PolicyFromJson(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // Its message carries the byte offset of the error.
    return Status::InvalidArgument(std::string("policy: not JSON: ") +
                                   e.what());
  }
  TierPolicy policy = DefaultPolicy();
  PolicyReader reader(&policy);
  reader.Read(j);
  Status s = reader.status();
  if (!s.ok()) return s;
  return policy;
}

}  // namespace tools
}  // namespace custdb
