// Generation of the deterministic benchmark data set.
#include "dataset.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iterator>
#include <string>

namespace custdb {
namespace bench {
namespace {

// Log-normal sigmas of the skew. A log-normal with sigma s puts
// 1 - Phi(0.8416 - s) of the mass in its top 20%; s = 1.68 gives 80%.
// Frequency and basket size are independent, so their product has sigma
// sqrt(1.3^2 + 1.05^2) = 1.67.
constexpr double kFrequencySigma = 1.3;
constexpr double kBasketSigma = 1.05;
// Per-order noise around the customer's basket size (mean-preserving).
constexpr double kAmountNoiseSigma = 0.5;
constexpr int64_t kMedianBasketMinor = 2500;  // 25.00
constexpr int64_t kMinAmountMinor = 50;
constexpr double kPi = 3.14159265358979323846;
// Share of a customer's orders placed through the channel that owns them.
constexpr double kOwnerChannelShare = 0.7;

constexpr const char* kFirstNames[] = {
    "Ada",   "Ben",  "Chloe", "Dev",   "Elena", "Farid", "Grace", "Hiro",
    "Ines",  "Jon",  "Kira",  "Liam",  "Mei",   "Nora",  "Omar",  "Priya",
    "Quinn", "Rosa", "Sam",   "Tariq", "Uma",   "Vera",  "Wei",   "Yusuf"};
constexpr const char* kLastNames[] = {
    "Adams",  "Brown", "Chen",  "Diaz",  "Evans",  "Fischer", "Garcia",
    "Hall",   "Ito",   "Jones", "Khan",  "Lopez",  "Muller",  "Novak",
    "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Usman",   "Weber"};
constexpr const char* kRegions[] = {"north", "south", "east", "west",
                                    "central"};
constexpr const char* kEmailDomains[] = {"example.com", "example.org",
                                         "example.net"};

template <typename T, size_t N>
const T& Pick(Random* rng, const T (&items)[N]) {
  return items[rng->Below(N)];
}

// 64 channels of all eight types, parents before children: online and
// direct channels and telesales without a region; a flagship store; per
// region a distributor with four dealers and four stores of its own; and
// four partners with two agents each.
std::vector<Channel> MakeChannels() {
  std::vector<Channel> channels;
  auto add = [&](const std::string& name, ChannelType type, uint64_t parent_id,
                 const std::string& region) {
    Channel c;
    c.id = channels.size() + 1;
    c.name = name;
    c.type = type;
    c.parent_id = parent_id;
    c.region = region;
    channels.push_back(c);
    return c.id;
  };
  add("Online store", ChannelType::kEcommerce, 0, "");
  add("Mobile app", ChannelType::kEcommerce, 0, "");
  add("Key accounts", ChannelType::kDirect, 0, "");
  add("Field sales", ChannelType::kDirect, 0, "");
  add("Inbound telesales", ChannelType::kTelemarketing, 0, "");
  add("Outbound telesales", ChannelType::kTelemarketing, 0, "");
  add("Flagship store", ChannelType::kRetail, 0, "central");
  for (const char* region : kRegions) {
    const std::string r = region;
    const uint64_t distributor =
        add("Distribution " + r, ChannelType::kDistributor, 0, r);
    for (int i = 1; i <= 4; ++i) {
      add("Dealer " + r + " " + std::to_string(i), ChannelType::kDealer,
          distributor, r);
    }
    for (int i = 1; i <= 4; ++i) {
      add("Store " + r + " " + std::to_string(i), ChannelType::kRetail, 0, r);
    }
  }
  for (int p = 1; p <= 4; ++p) {
    const uint64_t partner =
        add("Partner " + std::to_string(p), ChannelType::kPartner, 0, "");
    for (int a = 1; a <= 2; ++a) {
      add("Agent " + std::to_string(p) + "-" + std::to_string(a),
          ChannelType::kAgent, partner, "");
    }
  }
  return channels;
}

// A customer of a channel with a region lives in that region.
Customer MakeCustomer(uint64_t id, const std::vector<Channel>& channels,
                      Random* rng) {
  const size_t channel_count = channels.size();
  Customer c;
  c.id = id;
  std::string first = Pick(rng, kFirstNames);
  std::string last = Pick(rng, kLastNames);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "C%08llu",
                static_cast<unsigned long long>(id));
  c.code = buf;
  std::string local = first + "." + last + std::to_string(id);
  std::transform(local.begin(), local.end(), local.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  c.email = local + "@" + Pick(rng, kEmailDomains);
  std::snprintf(buf, sizeof(buf), "+4470%08llu",
                static_cast<unsigned long long>(id));
  c.phone = buf;
  c.name = first + " " + last;
  c.region = Pick(rng, kRegions);
  c.gender = static_cast<Gender>(rng->Below(4));
  c.birth_year = 1950 + static_cast<int32_t>(rng->Below(56));
  c.owner_channel_id = 1 + rng->Below(channel_count);
  const std::string& owner_region = channels[c.owner_channel_id - 1].region;
  if (!owner_region.empty()) c.region = owner_region;
  c.acquisition_channel_id =
      rng->Uniform() < 0.8 ? c.owner_channel_id : 1 + rng->Below(channel_count);
  c.created_at_ms =
      kOrdersStartMs - static_cast<int64_t>(rng->Below(365ULL * 86400000));
  return c;
}

// Cumulative order-frequency weights, one per customer.
std::vector<double> FrequencyWeights(size_t customers, Random* rng) {
  std::vector<double> cumulative(customers);
  double sum = 0;
  for (size_t i = 0; i < customers; ++i) {
    sum += std::exp(kFrequencySigma * rng->Normal());
    cumulative[i] = sum;
  }
  return cumulative;
}

size_t PickWeighted(const std::vector<double>& cumulative, Random* rng) {
  double target = rng->Uniform() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  if (it == cumulative.end()) --it;
  return static_cast<size_t>(it - cumulative.begin());
}

// Shares of interaction kinds, in percent, by InteractionKind value - 1.
constexpr int kKindPercent[] = {20, 22, 8, 14, 6, 8, 12, 6, 4};
// Share of interactions that pick their customer by order frequency; the
// rest pick uniformly (prospects get in touch too).
constexpr double kActiveContactShare = 0.8;
// Share of interactions through the customer's owner channel.
constexpr double kOwnerContactShare = 0.6;
// Share of complaints and tickets closed, within kMaxResolveDays.
constexpr double kResolvedShare = 0.75;
constexpr int64_t kMaxResolveDays = 14;

InteractionKind PickKind(Random* rng) {
  int roll = static_cast<int>(rng->Below(100));
  for (size_t k = 0; k < std::size(kKindPercent); ++k) {
    if (roll < kKindPercent[k]) return static_cast<InteractionKind>(k + 1);
    roll -= kKindPercent[k];
  }
  return InteractionKind::kFeedback;
}

// 1..5; complaints lean low, everything else high.
int32_t PickSatisfaction(InteractionKind kind, Random* rng) {
  static constexpr int kComplaint[] = {30, 30, 20, 15, 5};
  static constexpr int kOther[] = {5, 10, 20, 35, 30};
  const int* weights =
      kind == InteractionKind::kComplaint ? kComplaint : kOther;
  int roll = static_cast<int>(rng->Below(100));
  for (int32_t score = 1; score < 5; ++score) {
    if (roll < weights[score - 1]) return score;
    roll -= weights[score - 1];
  }
  return 5;
}

Interaction MakeInteraction(size_t channel_count,
                            const std::vector<Customer>& customers,
                            const std::vector<double>& frequency, Random* rng) {
  Interaction i;
  const size_t c = rng->Uniform() < kActiveContactShare
                       ? PickWeighted(frequency, rng)
                       : rng->Below(customers.size());
  i.customer_id = c + 1;
  i.channel_id = rng->Uniform() < kOwnerContactShare
                     ? customers[c].owner_channel_id
                     : 1 + rng->Below(channel_count);
  i.ts_ms = kOrdersStartMs + static_cast<int64_t>(rng->Below(kOrdersSpanMs));
  i.kind = PickKind(rng);
  const bool survey = i.kind == InteractionKind::kSurvey ||
                      i.kind == InteractionKind::kFeedback;
  if (survey || rng->Uniform() < 0.3) {
    i.satisfaction = PickSatisfaction(i.kind, rng);
  }
  if (i.kind == InteractionKind::kSurvey ||
      (i.kind == InteractionKind::kFeedback && rng->Uniform() < 0.5)) {
    // Mostly promoters and passives, with a tail of detractors.
    const int64_t drop = static_cast<int64_t>(std::fabs(rng->Normal()) * 3.5);
    i.nps = static_cast<int32_t>(std::max<int64_t>(0, 10 - drop));
  }
  i.staff_id = "agent-" + std::to_string(1 + rng->Below(200));
  if ((i.kind == InteractionKind::kComplaint ||
       i.kind == InteractionKind::kTicket) &&
      rng->Uniform() < kResolvedShare) {
    const int64_t after =
        static_cast<int64_t>(rng->Below(kMaxResolveDays * kDayMs));
    i.resolved_at_ms = std::min(i.ts_ms + after, kDataEndMs - 1);
  }
  return i;
}

std::vector<Interaction> MakeInteractions(
    size_t count, size_t channel_count, const std::vector<Customer>& customers,
    const std::vector<double>& frequency, Random* rng) {
  std::vector<Interaction> interactions;
  interactions.reserve(count);
  for (size_t n = 0; n < count; ++n) {
    interactions.push_back(
        MakeInteraction(channel_count, customers, frequency, rng));
  }
  std::stable_sort(interactions.begin(), interactions.end(),
                   [](const Interaction& a, const Interaction& b) {
                     return a.ts_ms < b.ts_ms;
                   });
  for (size_t n = 0; n < count; ++n) interactions[n].id = n + 1;
  return interactions;
}

}  // namespace

Random::Random(uint64_t seed) : engine_(seed) {}

double Random::Uniform() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

uint64_t Random::Below(uint64_t n) {
  // Rejection removes the modulo bias.
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = engine_();
  } while (x >= limit);
  return x % n;
}

double Random::Normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = 1.0 - Uniform();  // (0, 1]: log(u1) is finite
  double u2 = Uniform();
  double r = std::sqrt(-2.0 * std::log(u1));
  double theta = 2.0 * kPi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

Dataset GenerateDataset(const DatasetSpec& spec) {
  Dataset data;
  Random rng(spec.seed);
  data.channels = MakeChannels();
  const size_t channel_count = data.channels.size();
  const size_t customers = std::max<size_t>(
      1, static_cast<size_t>(std::llround(kCustomersPerScale * spec.scale)));
  const size_t orders =
      static_cast<size_t>(std::llround(kOrdersPerScale * spec.scale));

  data.customers.reserve(customers);
  std::vector<double> basket(customers);
  for (size_t i = 0; i < customers; ++i) {
    data.customers.push_back(MakeCustomer(i + 1, data.channels, &rng));
    basket[i] = kMedianBasketMinor * std::exp(kBasketSigma * rng.Normal());
  }
  std::vector<double> frequency = FrequencyWeights(customers, &rng);

  data.orders.resize(orders);
  const double noise_mean_fix = -kAmountNoiseSigma * kAmountNoiseSigma / 2;
  for (Order& o : data.orders) {
    size_t c = PickWeighted(frequency, &rng);
    o.customer_id = c + 1;
    o.channel_id = rng.Uniform() < kOwnerChannelShare
                       ? data.customers[c].owner_channel_id
                       : 1 + rng.Below(channel_count);
    o.ts_ms = kOrdersStartMs + static_cast<int64_t>(rng.Below(kOrdersSpanMs));
    double amount =
        basket[c] * std::exp(kAmountNoiseSigma * rng.Normal() + noise_mean_fix);
    o.amount_minor = std::max<int64_t>(kMinAmountMinor, std::llround(amount));
    o.currency = "USD";
    o.kind = OrderKind::kSale;
    o.status = OrderStatus::kCompleted;
  }
  // Generation order breaks ts ties, so the result is fully determined.
  std::stable_sort(
      data.orders.begin(), data.orders.end(),
      [](const Order& a, const Order& b) { return a.ts_ms < b.ts_ms; });
  for (size_t i = 0; i < orders; ++i) data.orders[i].id = i + 1;
  // After the orders, so that adding interactions left the customers and
  // orders of a seed as they were.
  const size_t interactions =
      static_cast<size_t>(std::llround(kInteractionsPerScale * spec.scale));
  data.interactions = MakeInteractions(interactions, channel_count,
                                       data.customers, frequency, &rng);
  return data;
}

double TopRevenueShare(const Dataset& data, double fraction) {
  std::vector<int64_t> revenue(data.customers.size(), 0);
  for (const Order& o : data.orders)
    revenue[o.customer_id - 1] += o.amount_minor;
  std::sort(revenue.begin(), revenue.end(), std::greater<int64_t>());
  size_t top = static_cast<size_t>(std::ceil(fraction * revenue.size()));
  long double total = 0, top_sum = 0;
  for (size_t i = 0; i < revenue.size(); ++i) {
    total += revenue[i];
    if (i < top) top_sum += revenue[i];
  }
  return total > 0 ? static_cast<double>(top_sum / total) : 0.0;
}

}  // namespace bench
}  // namespace custdb
