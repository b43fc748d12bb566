// FindCustomers and Explain over the tier indexes (GetChurnWatch:
// churn_watch.cc).
//
// A page runs its plan (query_planner.h) one of two ways. In index order
// the merged ranges already come in the query's order: customers are read
// and filtered until the page is full and one more match shows that a next
// page exists. Otherwise every match of the ranges is read and the best
// `limit` (+1, to know whether more exist) kept in a bounded heap, so
// memory stays O(limit). Either way the cursor is the order key of the last
// customer returned (customer_filter.h), prefixed with a hash of the
// query's filters and order, so a page resumes strictly after it and a
// cursor of another query is refused.
//
// Pages are not a snapshot of the whole result: each page reads the index
// on its own snapshot, so a customer whose indexed fields change between
// pages can be skipped or returned twice.
#include "query/customer_queries.h"

#include <algorithm>
#include <array>

#include "api/messages.h"
#include "query/cursor.h"
#include "query/index_scan.h"
#include "query/query_checks.h"
#include "storage/customer_reader.h"
#include "storage/keys.h"
#include "tiering/derive.h"

namespace custdb {
namespace {

constexpr size_t kQueryHashLength = 8;

// FNV-1a: cursors need a short, stable tag of their query, not secrecy.
std::string QueryHash(const std::string& encoded) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : encoded) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::string out;
  keys::PutU64(&out, h);
  return out;
}

template <typename T>
void SortUnique(std::vector<T>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// Appends `values` to *out, sorted and unique; kInvalidArgument naming
// `field` for a value outside [lo, hi] (an enum value the caller made up).
template <typename E>
Status CheckEnums(const char* field, const char* what,
                  const std::vector<E>& values, E lo, E hi,
                  std::vector<E>* out) {
  for (E e : values) {
    if (e < lo || e > hi) {
      return Status::InvalidArgument(std::string(field) + ": " +
                                     std::to_string(static_cast<int>(e)) +
                                     " is not a " + what);
    }
    out->push_back(e);
  }
  SortUnique(out);
  return Status::OK();
}

Status CheckRange(const char* min_field, const std::optional<int64_t>& min,
                  const char* max_field, const std::optional<int64_t>& max) {
  if (min && max && *min > *max) {
    return Status::InvalidArgument(std::string(min_field) + ": " +
                                   std::to_string(*min) + " is above " +
                                   max_field + " " + std::to_string(*max));
  }
  return Status::OK();
}

// The checks of a CustomerQuery that need no engine state; fills the
// tiers and stages of *f.
Status CheckQueryValues(const CustomerQuery& q, CustomerFilter* f) {
  Status s = CheckLimit(q.limit);
  const int order = static_cast<int>(q.order);
  if (s.ok() && (order < static_cast<int>(CustomerOrder::kSpendDesc) ||
                 order > static_cast<int>(CustomerOrder::kId))) {
    s = Status::InvalidArgument("query.order: " + std::to_string(order) +
                                " is not an order");
  }
  if (s.ok()) {
    s = CheckRange("query.min_spend_minor", q.min_spend_minor,
                   "query.max_spend_minor", q.max_spend_minor);
  }
  if (s.ok()) {
    s = CheckRange("query.min_orders", q.min_orders, "query.max_orders",
                   q.max_orders);
  }
  if (s.ok() && q.active_since_ms && q.inactive_since_ms &&
      *q.active_since_ms >= *q.inactive_since_ms) {
    s = Status::InvalidArgument(
        "query.active_since_ms: " + std::to_string(*q.active_since_ms) +
        " is not before query.inactive_since_ms " +
        std::to_string(*q.inactive_since_ms));
  }
  if (s.ok()) s = CheckTiers(q.tiers, &f->tiers);
  if (s.ok()) {
    s = CheckEnums("query.stages", "lifecycle stage", q.stages,
                   LifecycleStage::kProspect, LifecycleStage::kReactivated,
                   &f->stages);
  }
  return s;
}

// Segment names to indexes into the policy's segments, sorted and unique.
Status ResolveSegments(const std::vector<std::string>& names,
                       const TierPolicy& policy, std::vector<int>* out) {
  const auto& rules = policy.segments;
  for (const std::string& name : names) {
    auto it =
        std::find_if(rules.begin(), rules.end(),
                     [&](const SegmentRule& r) { return r.name == name; });
    if (it == rules.end()) {
      return Status::InvalidArgument("query.segments: " + QuoteValue(name) +
                                     " is not a segment of policy version " +
                                     std::to_string(policy.version));
    }
    out->push_back(static_cast<int>(it - rules.begin()));
  }
  SortUnique(out);
  return Status::OK();
}

// Keeps the first `capacity` customers by order key (of `order`) among
// those offered, in O(capacity) memory. A customer that would not be kept
// costs one order key and one comparison.
class BestCustomers {
 public:
  using Entry = std::pair<std::string, CachedCustomer>;
  BestCustomers(CustomerOrder order, size_t capacity)
      : order_(order), capacity_(capacity) {}

  void Offer(const CachedCustomer& customer) {
    std::string key =
        OrderKey(order_, customer.profile->id, customer.aggregates);
    if (heap_.size() == capacity_) {
      if (!OrderKeyBefore(order_, key, heap_.front().first)) return;
      std::pop_heap(heap_.begin(), heap_.end(), Cmp());
      heap_.pop_back();
    }
    heap_.emplace_back(std::move(key), customer);
    std::push_heap(heap_.begin(), heap_.end(), Cmp());
  }

  // The kept customers, first in order first.
  std::vector<Entry> Take() {
    std::sort_heap(heap_.begin(), heap_.end(), Cmp());
    return std::move(heap_);
  }

 private:
  // The heap's front is the last kept customer in order: the one to drop.
  struct ByOrder {
    CustomerOrder order;
    bool operator()(const Entry& a, const Entry& b) const {
      return OrderKeyBefore(order, a.first, b.first);
    }
  };
  ByOrder Cmp() const { return ByOrder{order_}; }

  CustomerOrder order_;
  size_t capacity_;
  std::vector<Entry> heap_;
};

// ScanIndex's candidates: an index entry's customer id and order key
// tail, and its pinned cache entry (none on a miss).
struct Candidate {
  uint64_t id = 0;
  std::string tail;
  PinnedCustomer pinned;
};
constexpr size_t kScanBatch = 16;

void PrefetchLines(const void* p, size_t bytes) {
  const char* c = static_cast<const char*>(p);
  for (size_t i = 0; i < bytes; i += 64) __builtin_prefetch(c + i);
}
void PrefetchString(const std::string& str) {
  if (str.size() > 15) PrefetchLines(str.data(), str.size());
}
// The three steps of a candidate's pointer chain, one batch at a time.
void PrefetchEntry(const CachedCustomer& c) {
  PrefetchLines(&c, sizeof(CachedCustomer));
}
void PrefetchProfile(const CachedCustomer& c) {
  PrefetchLines(c.profile.get(), sizeof(Customer));
  const auto& recent = c.aggregates.recent_order_ms;
  if (!recent.empty()) PrefetchLines(recent.data(), recent.size() * 8);
}
void PrefetchStrings(const CachedCustomer& c) {
  const Customer& p = *c.profile;
  for (const std::string* str :
       {&p.code, &p.email, &p.phone, &p.name, &p.region}) {
    PrefetchString(*str);
  }
  if (!p.tags.empty()) {
    PrefetchLines(p.tags.data(), p.tags.size() * sizeof(std::string));
  }
}

// Fills `batch` with up to `want` candidates from `scan`, pinning each
// one's cache entry and prefetching it; *advance says the scan's current
// key is already in a batch. Returns how many; stops early at a key that
// does not decode (*s).
size_t FillBatch(IndexScan* scan, const CustomerCache& cache, size_t want,
                 bool* advance, std::array<Candidate, kScanBatch>* batch,
                 Status* s) {
  size_t n = 0;
  while (n < want) {
    if (*advance) {
      scan->Next();
      *advance = false;
    }
    if (!scan->Valid()) break;
    Candidate& cand = (*batch)[n];
    if (!keys::TierKeyCustomerId(scan->key(), &cand.id)) {
      *s = Status::Corruption("tier index key of " +
                              std::to_string(scan->key().size()) + " bytes");
      break;
    }
    cand.tail.assign(scan->tail());
    if (cache.Pin(cand.id, &cand.pinned)) PrefetchEntry(*cand.pinned);
    *advance = true;
    ++n;
  }
  return n;
}

// The next two steps of each pinned candidate's pointer chain, a batch at
// a time.
void PrefetchBatch(std::array<Candidate, kScanBatch>* batch, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if ((*batch)[i].pinned.has_value()) PrefetchProfile(*(*batch)[i].pinned);
  }
  for (size_t i = 0; i < n; ++i) {
    if ((*batch)[i].pinned.has_value()) PrefetchStrings(*(*batch)[i].pinned);
  }
}

}  // namespace

Status CheckLimit(uint32_t limit) {
  if (limit == 0 || limit > kMaxQueryLimit) {
    return Status::InvalidArgument(
        IsOutside("query.limit", limit, 1, kMaxQueryLimit));
  }
  return Status::OK();
}

Status CheckTiers(const std::vector<ValueTier>& tiers,
                  std::vector<ValueTier>* out) {
  return CheckEnums("query.tiers", "value tier", tiers, ValueTier::kLow,
                    ValueTier::kHigh, out);
}

CustomerRecord RecordOf(const CachedCustomer& c, int64_t rescored_through) {
  CustomerRecord record;
  record.profile = *c.profile;
  record.aggregates = c.aggregates;
  SetDerived(c.derived, rescored_through, &record);
  return record;
}

CustomerQueries::CustomerQueries(const Storage& storage,
                                 const ChannelRegistry& channels,
                                 const CustomerCache& cache,
                                 const PolicyState& policy,
                                 CustomerReads& reads)
    : storage_(storage),
      channels_(channels),
      cache_(cache),
      policy_(policy),
      reads_(reads) {}

Status CustomerQueries::ResolveQuery(const CustomerQuery& q, CustomerFilter* f,
                                     TierSpend* tier_spend) {
  Status s = CheckQueryValues(q, f);
  if (!s.ok()) return s;
  // The policy names the segments and says whether tiers are spend ranges.
  const std::shared_ptr<const TierPolicy> current = policy_.policy();
  *tier_spend = TierSpendOf(*current);
  s = ResolveSegments(q.segments, *current, &f->segments);
  if (!s.ok()) return s;
  if (q.owner_channel_id) {
    s = channels_.OwnerSet(
        "query.owner_channel_id", *q.owner_channel_id,
        q.include_subtree ? Subtree::kInclude : Subtree::kExclude, &f->owners);
    if (!s.ok()) return s;
  }
  f->region = q.region;
  f->min_spend = q.min_spend_minor.value_or(INT64_MIN);
  f->max_spend = q.max_spend_minor.value_or(INT64_MAX);
  f->min_orders = q.min_orders.value_or(INT64_MIN);
  f->max_orders = q.max_orders.value_or(INT64_MAX);
  f->active_since = q.active_since_ms;
  f->inactive_since = q.inactive_since_ms;
  return Status::OK();
}

Status CustomerQueries::ReadCandidate(uint64_t customer_id, CachedCustomer* out,
                                      bool* exists) {
  *exists = true;
  if (cache_.Lookup(customer_id, out)) return Status::OK();
  // A miss: ReadCustomer reads the record and fills the cache.
  auto record = reads_.ReadCustomer(customer_id);
  if (!record.ok()) {
    *exists = false;
    return record.status().code() == StatusCode::kNotFound ? Status::OK()
                                                           : record.status();
  }
  out->profile = std::make_shared<const Customer>(std::move(record->profile));
  out->aggregates = std::move(record->aggregates);
  out->derived = DerivedOf(*record);
  return Status::OK();
}

template <typename OnMatch>
Status CustomerQueries::ScanIndex(const ScanPlan& plan,
                                  const CustomerFilter& filter, size_t wanted,
                                  OnMatch&& on_match, QueryPlan* plan_out) {
  // One snapshot for every range, so that the ranges agree with each other
  // (a customer moving between two of them is seen in one).
  ScopedSnapshot snapshot(storage_);
  IndexScan scan(storage_.db(), storage_.cf(keys::Cf::kTierIndex),
                 snapshot.get(), plan.ranges, plan.reverse);
  // Candidates are taken in batches: each one's cache entry is pinned
  // (read in place, not copied) and its parts prefetched before any is
  // read, so the cache misses of a batch overlap instead of following
  // one another (docs/DESIGN-NOTES.md). A batch holds at most the matches
  // still wanted, so no key is read that a one-at-a-time scan would not
  // read.
  std::array<Candidate, kScanBatch> batch;
  CachedCustomer missed;
  Status s;
  size_t matched = 0;
  bool advance = false;  // the scan's current key is in the last batch
  bool stop = false;
  while (!stop && s.ok() && matched < wanted) {
    const size_t want = std::min(kScanBatch, wanted - matched);
    const size_t n = FillBatch(&scan, cache_, want, &advance, &batch, &s);
    if (n == 0) break;
    PrefetchBatch(&batch, n);
    // Check the batch: each candidate against the filter, in order.
    for (size_t i = 0; i < n && !stop && s.ok(); ++i) {
      Candidate& cand = batch[i];
      const CachedCustomer* c = &missed;
      bool exists = true;
      if (cand.pinned.has_value()) {
        c = &*cand.pinned;
      } else {
        s = ReadCandidate(cand.id, &missed, &exists);
        if (!s.ok()) break;
      }
      if (!exists ||
          !Matches(filter, *c->profile, c->aggregates, c->derived.derived)) {
        ++plan_out->keys_rejected;
        continue;
      }
      ++matched;
      if (!on_match(*c, cand.tail)) stop = true;
    }
    for (size_t i = 0; i < n; ++i) batch[i].pinned.Reset();
  }
  if (s.ok()) s = scan.status();
  plan_out->keys_examined += scan.keys_read();
  return s;
}

Status CustomerQueries::DecodeQueryCursor(const CustomerQuery& q,
                                          const std::string& hash,
                                          std::optional<std::string>* after) {
  if (q.cursor.empty()) return Status::OK();
  std::string position;
  if (!DecodeCursor(q.cursor, CursorKind::kCustomerQuery, &position) ||
      position.size() != kQueryHashLength + OrderKeyLength(q.order) ||
      position.compare(0, kQueryHashLength, hash) != 0) {
    return Status::InvalidArgument("query.cursor: " + QuoteValue(q.cursor) +
                                   " does not belong to this query");
  }
  *after = position.substr(kQueryHashLength);
  return Status::OK();
}

ScanPlan CustomerQueries::ChooseQueryPlan(
    const CustomerQuery& q, const CustomerFilter& filter,
    const TierSpend& tier_spend, const std::optional<std::string>& after,
    CustomerPage* page) {
  std::vector<ScanPlan> candidates =
      CandidatePlans(filter, q.order, tier_spend, channels_.OwnerIds());
  if (after) {
    // Every candidate resumes at the cursor, so the choice weighs what is
    // left of each.
    for (ScanPlan& c : candidates) {
      if (c.index_order) ResumeAfter(*after, &c);
    }
  }
  auto* const index_cf = storage_.cf(keys::Cf::kTierIndex);
  const size_t chosen =
      ChoosePlan(&candidates, q.limit, [this, index_cf](const IndexRange& r) {
        return EstimateIndexKeys(storage_.db(), index_cf, r);
      });
  for (const ScanPlan& c : candidates) {
    page->plan.candidates.push_back({c.index, c.bounds, c.estimated_keys});
  }
  ScanPlan plan = std::move(candidates[chosen]);
  page->plan.index = plan.index;
  page->plan.bounds = plan.bounds + (after ? ", after the cursor" : "");
  page->plan.residual_filters = plan.residual_filters;
  page->plan.index_order = plan.index_order;
  return plan;
}

// The merged ranges come in the query's order: read until the page is
// full and one more match shows that a next page exists.
Status CustomerQueries::IndexOrderPage(const CustomerQuery& q,
                                       const ScanPlan& plan,
                                       const CustomerFilter& filter,
                                       CustomerPage* page, std::string* last,
                                       bool* more) {
  return ScanIndex(
      plan, filter, size_t{q.limit} + 1,
      [&](const CachedCustomer& c, std::string_view tail) {
        if (page->customers.size() == q.limit) {
          *more = true;
          return false;
        }
        page->customers.push_back(RecordOf(c, policy_.rescored_through()));
        last->assign(tail);  // one allocation a page, not one a result
        return true;
      },
      &page->plan);
}

// Every match is read, the best `limit` + 1 kept in a bounded heap.
Status CustomerQueries::SortedPage(const CustomerQuery& q, const ScanPlan& plan,
                                   const CustomerFilter& filter,
                                   const std::optional<std::string>& after,
                                   CustomerPage* page, std::string* last,
                                   bool* more) {
  BestCustomers best(q.order, size_t{q.limit} + 1);
  Status s = ScanIndex(
      plan, filter, SIZE_MAX,
      [&](const CachedCustomer& c, std::string_view) {
        if (!after ||
            OrderKeyBefore(q.order, *after,
                           OrderKey(q.order, c.profile->id, c.aggregates))) {
          best.Offer(c);
        }
        return true;
      },
      &page->plan);
  auto kept = best.Take();
  *more = kept.size() > q.limit;
  if (*more) kept.pop_back();
  for (auto& [key, c] : kept) {
    page->customers.push_back(RecordOf(c, policy_.rescored_through()));
    *last = key;
  }
  return s;
}

Result<CustomerPage> CustomerQueries::FindCustomers(const CustomerQuery& q) {
  CustomerFilter filter;
  TierSpend tier_spend;
  Status s = ResolveQuery(q, &filter, &tier_spend);
  if (!s.ok()) return s;
  const std::string hash = QueryHash(EncodeFilter(filter, q.order));
  std::optional<std::string> after;
  s = DecodeQueryCursor(q, hash, &after);
  if (!s.ok()) return s;
  CustomerPage page;
  const ScanPlan plan = ChooseQueryPlan(q, filter, tier_spend, after, &page);
  std::string last;  // order key of the last customer returned
  bool more = false;
  page.customers.reserve(std::min<size_t>(q.limit, 1024));
  s = plan.index_order
          ? IndexOrderPage(q, plan, filter, &page, &last, &more)
          : SortedPage(q, plan, filter, after, &page, &last, &more);
  if (!s.ok()) return s;
  if (more)
    page.next_cursor = EncodeCursor(CursorKind::kCustomerQuery, hash + last);
  page.plan.results = page.customers.size();
  return page;
}

Result<QueryPlan> CustomerQueries::Explain(const CustomerQuery& query) {
  auto page = FindCustomers(query);
  if (!page.ok()) return page.status();
  return std::move(page->plan);
}

}  // namespace custdb
