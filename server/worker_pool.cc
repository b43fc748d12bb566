// WorkerPool: a bounded queue of long operations and the threads that run
// them.
#include "server/worker_pool.h"

#include <utility>

namespace custdb {
namespace server {

WorkerPool::WorkerPool(int threads, size_t queue_limit)
    : queue_limit_(queue_limit) {
  if (threads < 1) threads = 1;
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

Status WorkerPool::Submit(const std::string& kind, std::function<void()> run,
                          std::function<void()> done,
                          std::function<void()> cancel) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return Status::Unavailable("server is shutting down");
  if (!kind.empty() && kinds_.count(kind) != 0) {
    return Status::Busy(kind + " is already running");
  }
  if (queue_.size() >= queue_limit_) {
    return Status::Busy("worker queue is full (worker_queue " +
                        std::to_string(queue_limit_) + ")");
  }
  if (!kind.empty()) kinds_.insert(kind);
  queue_.push_back(
      Job{kind, std::move(run), std::move(done), std::move(cancel)});
  wake_.notify_one();
  return Status::OK();
}

void WorkerPool::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    job.run();
    lock.lock();
    --running_;
    if (!job.kind.empty()) kinds_.erase(kinds_.find(job.kind));
    lock.unlock();
    if (job.done) job.done();
    job = Job();  // its captures go before the next job starts
    lock.lock();
  }
}

void WorkerPool::CancelQueued() {
  std::deque<Job> cancelled;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cancelled.swap(queue_);
    for (const Job& job : cancelled) {
      if (!job.kind.empty()) kinds_.erase(kinds_.find(job.kind));
    }
  }
  wake_.notify_all();
  // Outside the lock: a cancel may post to a connection, never back here.
  for (Job& job : cancelled) {
    if (job.cancel) job.cancel();
  }
}

void WorkerPool::Shutdown() {
  CancelQueued();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t WorkerPool::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

}  // namespace server
}  // namespace custdb
