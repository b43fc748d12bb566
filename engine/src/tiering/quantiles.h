// Quantile RFM (RfmMode::kQuantile): the breakpoints a full rescore
// computes from the buyers' order counts, spends and days since their last
// order. Pure functions; engine_policy.cc feeds them.
#ifndef CUSTDB_ENGINE_TIERING_QUANTILES_H_
#define CUSTDB_ENGINE_TIERING_QUANTILES_H_

#include <array>
#include <cstdint>
#include <vector>

namespace custdb {

// The tie rule. `values` holds one value per buyer, higher is better (for
// recency: fewer days, see below); n values, k distinct ones u_1 < … <
// u_k, m = min(k, 5). Every buyer with the same value gets the same score,
// and scores are given to the distinct values in ascending order:
//  - target(u_i) = 1 + floor(5 * (values below u_i) / n), the quintile of
//    the lowest rank u_i holds, raised to at least m - (k - i) so that the
//    values above can still climb to m one score at a time;
//  - score(u_1) = 1, and score(u_i) = min(target(u_i), score(u_i-1) + 1).
// So the lowest value always scores 1, scores never skip, every score
// 1..m is used (m is all five once there are five distinct values), and
// distinct values without ties get exact quintiles, score 1 + floor(5 *
// rank / n). A value shared by 20% or more of the buyers takes one score
// and the next value the next one: with 20.7% of the buyers on one order,
// F = 1 is exactly those buyers. Scores above m are not used; their
// breakpoints lie just above the top value.
//
// Returns the strictly ascending breakpoints b with score(v) = 1 + the
// number of b <= v (the F and M rule, policy.h): b[s - 2] is the lowest
// value scoring s. A top value within 4 of INT64_MAX leaves no room above
// it for unused scores: the breakpoints then end at INT64_MAX, and the
// values just below it score higher than the rule says. `values` must not be
// empty.
std::array<int64_t, 4> QuintileBreakpoints(std::vector<int64_t> values);

// The recency breakpoints for `days` (whole days since each buyer's last
// order, >= 0): the same rule on -days, so the fewest days score 5 and the
// most score 1, written as TierPolicy::recency_days (r = 5 if days <=
// [0] … 2 if days <= [3], else 1). Breakpoints are never negative
// (ValidatePolicy): when the buyers' fewest days leave no room below them
// for the unused scores (fewer than five distinct values, some bought
// within the last few days), those breakpoints are lifted to 0, 1, … and
// the freshest buyers score above m. `days` must not be empty.
std::array<int64_t, 4> RecencyQuintileBreakpoints(std::vector<int64_t> days);

}  // namespace custdb

#endif  // CUSTDB_ENGINE_TIERING_QUANTILES_H_
