// The crash test of DESIGN §9: a writer process is killed with SIGKILL in
// the middle of a deterministic stream of writes; the database it leaves
// must verify clean and hold every write the writer saw acknowledged.
//
// The writer is this test binary started again (fork + exec) with
// CUSTDB_CRASH_WRITER set, which a global test environment turns into the
// writer before any test runs. A child that was only forked would inherit
// RocksDB's thread pools without their threads (earlier tests in this
// process, and earlier rounds, have started them) and could stall forever.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "support/test_util.h"

extern char** environ;

namespace custdb {
namespace {

using test::kTestNowMs;

constexpr char kWriterEnv[] = "CUSTDB_CRASH_WRITER";  // "<round> <fd> <path>"
constexpr uint64_t kSeed = 20240101;
constexpr int64_t kHour = 3600000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kBaseMs = kTestNowMs - 400 * kDay;
constexpr uint64_t kChannels[] = {1, 2};

// What the writer reports after each acknowledged event. 24 bytes, less
// than PIPE_BUF, so each message reaches the pipe whole or not at all.
enum AckKind : uint32_t {
  kAckCustomer = 1,
  kAckCustomerUpdate,
  kAckOrder,
  kAckOrderChange,  // a status change or refund
  kAckInteraction,
  kAckResolution,
};
struct Ack {
  uint32_t kind = 0;
  uint32_t status = 0;  // kAckOrderChange: the order's OrderStatus
  uint64_t id = 0;
  int64_t refunded = 0;  // kAckOrderChange: the order's refunded_minor
};
static_assert(sizeof(Ack) == 24, "Ack is sent as raw bytes");

// A deterministic stream of valid events. Each round has its own id range
// and seed; the stream assumes every event it produced succeeded (the
// writer stops on any failure).
class EventStream {
 public:
  explicit EventStream(uint64_t round)
      : round_(round),
        rng_(kSeed + round),
        next_customer_(round * 1000000 + 1),
        next_order_(round * 10000000 + 1),
        // Interaction ids increase in write order, as Verify assumes.
        next_interaction_(round * 10000000 + 1) {}

  // The next event for the single-event API or a batch.
  Event Next() {
    const uint64_t r = Pick(100);
    if (customers_.size() < 5 || r < 10) return NewCustomer();
    if (r < 40) return NewOrder();
    if (r < 58) {
      if (auto change = ChangeOrder()) return *change;
    }
    if (r < 88) return NewInteraction();
    if (auto resolution = Resolve()) return *resolution;
    return NewOrder();
  }

  // An identity change of an existing customer.
  std::pair<uint64_t, CustomerPatch> NextPatch() {
    const uint64_t id = customers_[Pick(customers_.size())];
    CustomerPatch patch;
    const uint64_t n = ++patches_;
    if (Pick(2) == 0) {
      patch.email =
          "p" + std::to_string(n) + "." + std::to_string(id) + "@example.com";
    } else {
      patch.phone = Pick(2) == 0 ? ""
                                 : "+9" + std::to_string(round_) + "555" +
                                       std::to_string(n);
    }
    return {id, patch};
  }

  uint64_t Pick(uint64_t n) { return rng_() % n; }

 private:
  struct OrderState {
    uint64_t id;
    OrderStatus status;
    bool credit_note;
    int64_t amount;
    int64_t refunded;
  };

  Customer NewCustomer() {
    Customer c;
    c.id = next_customer_++;
    c.code = "c" + std::to_string(c.id);
    c.email = c.code + "@example.com";
    if (Pick(3) != 0) c.phone = "+1555" + std::to_string(c.id);
    c.owner_channel_id = kChannels[Pick(2)];
    customers_.push_back(c.id);
    return c;
  }

  Order NewOrder() {
    Order o;
    o.id = next_order_++;
    o.customer_id = customers_[Pick(customers_.size())];
    o.channel_id = kChannels[Pick(2)];
    o.ts_ms = kBaseMs + static_cast<int64_t>(Pick(300)) * kDay +
              static_cast<int64_t>(Pick(3)) * kHour;
    o.amount_minor = 100 + static_cast<int64_t>(Pick(100000));
    if (Pick(12) == 0) {
      o.kind = OrderKind::kCreditNote;
      o.status = OrderStatus::kCompleted;
    } else {
      constexpr OrderStatus kInitial[] = {
          OrderStatus::kPlaced, OrderStatus::kPaid, OrderStatus::kCompleted};
      o.status = kInitial[Pick(3)];
    }
    orders_.push_back(
        {o.id, o.status, o.kind == OrderKind::kCreditNote, o.amount_minor, 0});
    return o;
  }

  // A status change or refund of a random order; none if that order can
  // take neither.
  std::optional<Event> ChangeOrder() {
    if (orders_.empty()) return std::nullopt;
    OrderState& o = orders_[Pick(orders_.size())];
    if (o.credit_note) return std::nullopt;
    const bool refundable =
        o.status == OrderStatus::kPaid || o.status == OrderStatus::kCompleted;
    if (refundable && Pick(2) == 0) {
      const int64_t amount =
          1 + static_cast<int64_t>(Pick(o.amount - o.refunded));
      o.refunded += amount;
      if (o.refunded == o.amount) o.status = OrderStatus::kRefunded;
      return OrderRefund{o.id, amount};
    }
    std::optional<OrderStatus> to;
    switch (o.status) {
      case OrderStatus::kPlaced: {
        constexpr OrderStatus kNext[] = {OrderStatus::kPaid,
                                         OrderStatus::kCompleted,
                                         OrderStatus::kCancelled};
        to = kNext[Pick(3)];
        break;
      }
      case OrderStatus::kPaid:
        to = Pick(4) == 0 ? OrderStatus::kCancelled : OrderStatus::kCompleted;
        break;
      case OrderStatus::kCompleted:
        to = OrderStatus::kRefunded;
        break;
      default:
        return std::nullopt;
    }
    o.status = *to;
    if (o.status == OrderStatus::kRefunded) o.refunded = o.amount;
    return OrderStatusChange{o.id, *to};
  }

  Interaction NewInteraction() {
    Interaction i;
    i.id = next_interaction_++;
    i.customer_id = customers_[Pick(customers_.size())];
    i.channel_id = Pick(4) == 0 ? 0 : kChannels[Pick(2)];
    // Days only, so that one customer's interactions often share a ts.
    i.ts_ms = kBaseMs + static_cast<int64_t>(Pick(300)) * kDay;
    i.kind = static_cast<InteractionKind>(1 + Pick(9));
    if (Pick(2) == 0) i.satisfaction = static_cast<int32_t>(1 + Pick(5));
    if (Pick(2) == 0) i.nps = static_cast<int32_t>(Pick(11));
    if (i.kind == InteractionKind::kComplaint ||
        i.kind == InteractionKind::kTicket) {
      open_.push_back({i.id, i.ts_ms});
    }
    return i;
  }

  std::optional<Event> Resolve() {
    if (open_.empty()) return std::nullopt;
    const size_t k = Pick(open_.size());
    const auto [id, ts] = open_[k];
    open_[k] = open_.back();
    open_.pop_back();
    return InteractionResolution{id,
                                 ts + static_cast<int64_t>(Pick(10)) * kDay};
  }

  const uint64_t round_;
  std::mt19937_64 rng_;
  uint64_t next_customer_, next_order_, next_interaction_;
  uint64_t patches_ = 0;
  std::vector<uint64_t> customers_;
  std::vector<OrderState> orders_;
  std::vector<std::pair<uint64_t, int64_t>> open_;  // id, ts
};

// --- the writer process -----------------------------------------------------

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "crash writer: %s\n", what.c_str());
  std::fflush(stderr);
  _exit(3);
}

void Send(int fd, const Ack& ack) {
  if (write(fd, &ack, sizeof(ack)) != static_cast<ssize_t>(sizeof(ack))) {
    Fail(std::string("writing to the pipe: ") + std::strerror(errno));
  }
}

// The acknowledgement of one event that succeeded.
Ack AckOf(Engine* engine, const Event& event) {
  Ack ack;
  if (auto* c = std::get_if<Customer>(&event)) {
    ack = {kAckCustomer, 0, c->id, 0};
  } else if (auto* o = std::get_if<Order>(&event)) {
    ack = {kAckOrder, 0, o->id, 0};
  } else if (auto* i = std::get_if<Interaction>(&event)) {
    ack = {kAckInteraction, 0, i->id, 0};
  } else if (auto* r = std::get_if<InteractionResolution>(&event)) {
    ack = {kAckResolution, 0, r->interaction_id, 0};
  } else {
    const uint64_t id = std::holds_alternative<OrderStatusChange>(event)
                            ? std::get<OrderStatusChange>(event).order_id
                            : std::get<OrderRefund>(event).order_id;
    // The order's state as acknowledged: read back, so the check in the
    // parent does not depend on this process's bookkeeping.
    auto order = engine->GetOrder(id);
    if (!order.ok()) Fail("reading order " + std::to_string(id));
    ack = {kAckOrderChange, static_cast<uint32_t>(order->status), id,
           order->refunded_minor};
  }
  return ack;
}

Status ApplyOne(Engine* engine, const Event& event) {
  if (auto* c = std::get_if<Customer>(&event)) {
    return engine->CreateCustomer(*c).status();
  } else if (auto* o = std::get_if<Order>(&event)) {
    return engine->RecordOrder(*o);
  } else if (auto* i = std::get_if<Interaction>(&event)) {
    return engine->RecordInteraction(*i).status();
  } else if (auto* ch = std::get_if<OrderStatusChange>(&event)) {
    return engine->UpdateOrderStatus(ch->order_id, ch->status);
  } else if (auto* r = std::get_if<OrderRefund>(&event)) {
    return engine->RefundOrder(r->order_id, r->amount_minor);
  }
  const auto& res = std::get<InteractionResolution>(event);
  return engine->ResolveInteraction(res.interaction_id, res.resolved_at_ms);
}

// Writes forever, reporting each acknowledged event on `fd`.
[[noreturn]] void RunWriter(uint64_t round, int fd, const std::string& path) {
  auto opened = Engine::Open(test::TestOptions(path));
  if (!opened.ok()) Fail(opened.status().ToString());
  std::unique_ptr<Engine> engine = std::move(opened).value();
  for (uint64_t id : kChannels) {
    Channel channel;
    channel.id = id;
    channel.name = "channel " + std::to_string(id);
    Status s = engine->PutChannel(channel);
    if (!s.ok()) Fail(s.ToString());
  }
  EventStream stream(round);
  for (;;) {
    const uint64_t r = stream.Pick(100);
    if (r < 5) {
      auto [id, patch] = stream.NextPatch();
      Status s = engine->UpdateCustomer(id, patch);
      if (!s.ok()) Fail(s.ToString());
      Send(fd, {kAckCustomerUpdate, 0, id, 0});
    } else if (r < 15) {
      std::vector<Event> events(2 + stream.Pick(15));
      for (Event& e : events) e = stream.Next();
      std::vector<Status> statuses;
      Status s = engine->ApplyBatch(events, &statuses);
      for (size_t i = 0; s.ok() && i < statuses.size(); ++i) s = statuses[i];
      if (!s.ok()) Fail(s.ToString());
      for (const Event& e : events) Send(fd, AckOf(engine.get(), e));
    } else {
      Event e = stream.Next();
      Status s = ApplyOne(engine.get(), e);
      if (!s.ok()) Fail(s.ToString());
      Send(fd, AckOf(engine.get(), e));
    }
  }
}

// Becomes the writer, never to return, in a process started by
// WriterProcess::Spawn; does nothing in any other.
class WriterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* spec = std::getenv(kWriterEnv);
    if (spec == nullptr) return;
    unsigned long long round = 0;
    int fd = -1, consumed = 0;
    if (std::sscanf(spec, "%llu %d %n", &round, &fd, &consumed) < 2) {
      Fail(std::string("bad ") + kWriterEnv + ": " + spec);
    }
    RunWriter(round, fd, spec + consumed);
  }
};
::testing::Environment* const kWriterEnvironment =
    ::testing::AddGlobalTestEnvironment(new WriterEnvironment);

// --- the parent -------------------------------------------------------------

// A writer process; killed and reaped when the object goes, if still alive.
class WriterProcess {
 public:
  ~WriterProcess() {
    if (pid_ > 0) KillAndReap();
    if (read_fd_ >= 0) close(read_fd_);
  }

  // Starts this binary as the writer of `round` on the database at `path`.
  void Spawn(uint64_t round, const std::string& path) {
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0) << std::strerror(errno);
    read_fd_ = fds[0];
    const int write_fd = fds[1];
    // Everything the child needs is built before fork: after it, the child
    // calls only async-signal-safe functions.
    char exe[4096];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    ASSERT_GT(n, 0);
    exe[n] = '\0';
    std::string filter = "--gtest_filter=CrashTest.*";
    std::vector<char*> argv = {exe, filter.data(), nullptr};
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      // GTEST_* (sharding, output files) could keep the child from running.
      if (std::strncmp(*e, "GTEST_", 6) != 0) env_storage.push_back(*e);
    }
    env_storage.push_back(std::string(kWriterEnv) + "=" +
                          std::to_string(round) + " " +
                          std::to_string(write_fd) + " " + path);
    std::vector<char*> envp;
    for (std::string& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_ = fork();
    ASSERT_GE(pid_, 0) << std::strerror(errno);
    if (pid_ == 0) {
      fcntl(write_fd, F_SETFD, 0);  // keep the write end across exec
      const int null_fd = open("/dev/null", O_WRONLY);
      if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);  // gtest's banner
      execve(exe, argv.data(), envp.data());
      _exit(127);
    }
    close(write_fd);  // so that the pipe ends when the child does
  }

  // Reads acknowledgements until `count` more arrived (true) or the pipe
  // ended (false).
  bool Read(int64_t count, std::vector<Ack>* acks) {
    const size_t want = acks->size() + static_cast<size_t>(count);
    while (acks->size() < want) {
      ssize_t got =
          read(read_fd_, buffer_ + buffered_, sizeof(buffer_) - buffered_);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      buffered_ += static_cast<size_t>(got);
      size_t used = 0;
      for (; buffered_ - used >= sizeof(Ack); used += sizeof(Ack)) {
        Ack ack;
        std::memcpy(&ack, buffer_ + used, sizeof(Ack));
        acks->push_back(ack);
      }
      std::memmove(buffer_, buffer_ + used, buffered_ - used);
      buffered_ -= used;
    }
    return true;
  }

  // Reads what is left in the pipe: acknowledgements sent before the
  // writer died.
  void Drain(std::vector<Ack>* acks) {
    while (Read(1, acks)) {
    }
  }

  // SIGKILL, then the exit status as waitpid reports it.
  int KillAndReap() {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

  // The writer's exit, once it ended on its own.
  std::string Exit() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status))
      return "exited " + std::to_string(WEXITSTATUS(status));
    return "killed by signal " + std::to_string(WTERMSIG(status));
  }

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  char buffer_[sizeof(Ack) * 256];
  size_t buffered_ = 0;
};

int StatusRank(OrderStatus s) {
  switch (s) {
    case OrderStatus::kPlaced:
      return 0;
    case OrderStatus::kPaid:
      return 1;
    case OrderStatus::kCompleted:
      return 2;
    default:
      return 3;  // cancelled and refunded are final
  }
}

// Empty if the acknowledged event is in `engine`, else what is wrong. An
// event in flight at the kill may have landed too, so an order change is
// checked as "at least this far".
std::string CheckAcknowledged(Engine* engine, const Ack& ack) {
  const std::string id = std::to_string(ack.id);
  switch (ack.kind) {
    case kAckCustomer:
    case kAckCustomerUpdate:
      return engine->GetCustomer(ack.id).ok() ? ""
                                              : "customer " + id + " missing";
    case kAckOrder:
    case kAckOrderChange: {
      auto order = engine->GetOrder(ack.id);
      if (!order.ok()) return "order " + id + " missing";
      const auto acked = static_cast<OrderStatus>(ack.status);
      if (ack.kind == kAckOrderChange &&
          (StatusRank(order->status) < StatusRank(acked) ||
           order->refunded_minor < ack.refunded)) {
        return "order " + id + ": " + OrderStatusName(order->status) +
               ", refunded " + std::to_string(order->refunded_minor) +
               ", behind the acknowledged " + OrderStatusName(acked) +
               ", refunded " + std::to_string(ack.refunded);
      }
      return "";
    }
    case kAckInteraction:
    case kAckResolution: {
      auto interaction = engine->GetInteraction(ack.id);
      if (!interaction.ok()) return "interaction " + id + " missing";
      if (ack.kind == kAckResolution && !interaction->resolved_at_ms) {
        return "interaction " + id + ": its resolution is missing";
      }
      return "";
    }
  }
  return "unknown acknowledgement kind " + std::to_string(ack.kind);
}

void ExpectAcknowledgedPresent(Engine* engine, const std::vector<Ack>& acks) {
  int64_t wrong = 0;
  std::string first;
  for (const Ack& ack : acks) {
    std::string what = CheckAcknowledged(engine, ack);
    if (what.empty()) continue;
    if (++wrong <= 10) first += "\n  " + what;
  }
  EXPECT_EQ(wrong, 0) << "of " << acks.size()
                      << " acknowledged events:" << first;
}

using test::Listing;

// Three writers in turn on one database, each killed after a different
// (fixed) number of acknowledged events; after each kill the database
// verifies clean and holds every event acknowledged so far.
TEST(CrashTest, KilledWriterLeavesConsistentDatabase) {
  constexpr int64_t kKillAfter[] = {3000, 2200, 3700};
  test::TempDir dir;
  const std::string path = dir.Sub("db");
  std::vector<Ack> acks;  // of every round so far
  for (uint64_t round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + ", seed " +
                 std::to_string(kSeed + round));
    {
      WriterProcess writer;
      writer.Spawn(round, path);
      if (HasFatalFailure()) return;
      ASSERT_TRUE(writer.Read(kKillAfter[round], &acks))
          << "the writer ended before the kill: " << writer.Exit();
      const int status = writer.KillAndReap();
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
      writer.Drain(&acks);
    }
    auto engine = test::OpenTestEngine(path);
    ASSERT_NE(engine, nullptr);
    auto report = engine->Verify();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << Listing(*report);
    EXPECT_GT(report->orders_checked, 0);
    ExpectAcknowledgedPresent(engine.get(), acks);
  }
}

}  // namespace
}  // namespace custdb
