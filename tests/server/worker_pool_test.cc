// WorkerPool: one job per kind, a bounded queue, and queued jobs cancelled
// (never run) at shutdown.
#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/connection.h"

namespace custdb {
namespace server {
namespace {

// Holds the one worker until Release().
class Latch {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
  }
  void WaitForWaiter() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return waiting_ > 0; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool released_ = false;
};

TEST(WorkerPoolTest, OneJobPerKindAndABoundedQueue) {
  WorkerPool pool(1, 2);
  Latch latch;
  std::atomic<int> ran{0};
  std::atomic<int> cancelled{0};
  auto run = [&] { ++ran; };
  auto cancel = [&] { ++cancelled; };
  ASSERT_TRUE(pool.Submit(
                      "Compact", [&] { latch.Wait(); }, nullptr, cancel)
                  .ok());
  latch.WaitForWaiter();
  Status again = pool.Submit("Compact", run, nullptr, cancel);
  EXPECT_EQ(again.code(), StatusCode::kBusy);
  EXPECT_EQ(again.message(), "Compact is already running");
  ASSERT_TRUE(pool.Submit("Rescore", run, nullptr, cancel).ok());
  ASSERT_TRUE(pool.Submit("SetPolicy", run, nullptr, cancel).ok());
  Status full = pool.Submit("Checkpoint", run, nullptr, cancel);
  EXPECT_EQ(full.code(), StatusCode::kBusy);
  EXPECT_EQ(full.message(), "worker queue is full (worker_queue 2)");
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_EQ(pool.running(), 1u);
  // Shutdown cancels the two queued jobs; the running one finishes.
  pool.CancelQueued();
  EXPECT_EQ(cancelled.load(), 2);
  Status late = pool.Submit("Stats", run, nullptr, cancel);
  EXPECT_EQ(late.code(), StatusCode::kUnavailable);
  EXPECT_EQ(late.message(), "server is shutting down");
  latch.Release();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(cancelled.load(), 2);
}

// The long reports are submitted without a kind: two at once both queue.
TEST(WorkerPoolTest, EmptyKindIsNeverBusy) {
  WorkerPool pool(1, 4);
  Latch latch;
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.Submit(
                      "", [&] { latch.Wait(); }, nullptr, nullptr)
                  .ok());
  latch.WaitForWaiter();
  EXPECT_TRUE(pool.Submit(
                      "", [&] { ++ran; }, nullptr, nullptr)
                  .ok());
  EXPECT_TRUE(pool.Submit(
                      "", [&] { ++ran; }, nullptr, nullptr)
                  .ok());
  EXPECT_EQ(pool.queued(), 2u);
  latch.Release();
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ran.load() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(ran.load(), 2);
  pool.Shutdown();
}

TEST(WorkerPoolTest, DoneRunsAfterTheKindIsFree) {
  WorkerPool pool(1, 4);
  std::mutex mu;
  std::condition_variable cv;
  bool resubmitted = false;
  Status second;
  ASSERT_TRUE(pool.Submit(
                      "Rescore", [] {},
                      [&] {
                        // The answer's sender may start the next at once.
                        second = pool.Submit(
                            "Rescore", [] {}, nullptr, nullptr);
                        std::lock_guard<std::mutex> lock(mu);
                        resubmitted = true;
                        cv.notify_all();
                      },
                      nullptr)
                  .ok());
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(
      cv.wait_for(lock, std::chrono::seconds(10), [&] { return resubmitted; }));
  EXPECT_TRUE(second.ok()) << second.ToString();
}

TEST(IsLoopbackTest, LoopbackAddressesOnly) {
  using boost::asio::ip::make_address;
  EXPECT_TRUE(IsLoopback(make_address("127.0.0.1")));
  EXPECT_TRUE(IsLoopback(make_address("127.8.9.10")));
  EXPECT_TRUE(IsLoopback(make_address("::1")));
  EXPECT_TRUE(IsLoopback(make_address("::ffff:127.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("10.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("::ffff:10.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("::")));
  EXPECT_FALSE(IsLoopback(make_address("192.168.1.1")));
}

}  // namespace
}  // namespace server
}  // namespace custdb
