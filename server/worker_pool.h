// WorkerPool: the few threads that run the server's long operations
// (rescore, policy change, full reports, compaction, checkpoint), so that
// an I/O thread never waits for one (DESIGN.md §7; Kvrocks' task runner).
#ifndef CUSTDB_SERVER_WORKER_POOL_H_
#define CUSTDB_SERVER_WORKER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "custdb/status.h"

namespace custdb {
namespace server {

class WorkerPool {
 public:
  // Starts `threads` (>= 1) threads; at most `queue_limit` jobs wait for
  // one of them.
  WorkerPool(int threads, size_t queue_limit);
  // Calls Shutdown().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `run` under `kind` (the operation's name, "Rescore"). Either
  // `run` and then `done` (both on a worker thread; `done` after the kind
  // is free again, so whoever `done` tells may submit the next one at
  // once) or `cancel` (on the thread calling CancelQueued, for a job that
  // never started) is called, unless Submit fails, when none is; `done`
  // and `cancel` may be empty. kBusy "<kind> is already running" while a job
  // of the same kind is queued or running (Kvrocks' "already compacting"
  // guard: a second compaction or rescore would only repeat the first);
  // an empty `kind` is never busy (the read-only reports: two dashboards
  // may ask at once, and each waits its turn in the queue);
  // kBusy "worker queue is full (worker_queue N)" when the queue holds
  // queue_limit jobs; kUnavailable "server is shutting down" after
  // Shutdown began. Safe from any thread.
  Status Submit(const std::string& kind, std::function<void()> run,
                std::function<void()> done, std::function<void()> cancel);

  // Stops taking jobs and calls `cancel` of every job still queued; the
  // running ones go on. Shutdown's first half, for the start of a drain.
  void CancelQueued();

  // Stops taking jobs, calls `cancel` of every job still queued, waits for
  // the running ones to finish and joins the threads. Idempotent.
  void Shutdown();

  // Jobs waiting and running now.
  size_t queued() const;
  size_t running() const;

 private:
  struct Job {
    std::string kind;
    std::function<void()> run;
    std::function<void()> done;
    std::function<void()> cancel;
  };

  void Loop();

  const size_t queue_limit_;
  mutable std::mutex mu_;  // Guards the fields below.
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::multiset<std::string> kinds_;  // of queued and running jobs
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_WORKER_POOL_H_
