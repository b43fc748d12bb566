// ServerContext: what every connection of one server shares: its
// configuration, the engine, the tokens, the worker pool and the figures.
#ifndef CUSTDB_SERVER_SERVER_CONTEXT_H_
#define CUSTDB_SERVER_SERVER_CONTEXT_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>

#include "custdb/engine.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/tokens.h"
#include "server/worker_pool.h"

namespace custdb {
namespace server {

// The release `HelloResult.server_version` and ServerInfo report.
inline constexpr char kServerVersion[] = "0.1.0";

class ServerContext {
 public:
  ServerContext(const ServerConfig& config, Engine* engine, Metrics* metrics,
                WorkerPool* workers)
      : config_(config),
        engine_(engine),
        metrics_(metrics),
        workers_(workers),
        started_(std::chrono::steady_clock::now()) {}

  const ServerConfig& config() const { return config_; }
  Engine* engine() const { return engine_; }
  Metrics* metrics() const { return metrics_; }
  WorkerPool* workers() const { return workers_; }

  // The tokens file in force (null: none configured). A new Hello
  // authenticates against the file in force when it arrives; a reload
  // swaps it whole.
  std::shared_ptr<const TokenFile> tokens() const {
    std::lock_guard<std::mutex> lock(mu_);
    return tokens_;
  }
  void SetTokens(std::shared_ptr<const TokenFile> tokens) {
    std::lock_guard<std::mutex> lock(mu_);
    tokens_ = std::move(tokens);
  }

  int64_t uptime_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now() - started_)
        .count();
  }

  // Set once shutdown begins: long operations not started yet are
  // answered kUnavailable instead of running.
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  void SetDraining() { draining_.store(true, std::memory_order_release); }

  // Unsent response bytes of every connection, and the most one
  // connection has held at once: what a test asserts stays bounded.
  void AddOutputBytes(size_t n, size_t connection_total) {
    output_bytes_.fetch_add(n, std::memory_order_relaxed);
    size_t peak = peak_connection_output_.load(std::memory_order_relaxed);
    while (connection_total > peak &&
           !peak_connection_output_.compare_exchange_weak(
               peak, connection_total, std::memory_order_relaxed)) {
    }
  }
  void SubOutputBytes(size_t n) {
    output_bytes_.fetch_sub(n, std::memory_order_relaxed);
  }
  size_t output_bytes() const {
    return output_bytes_.load(std::memory_order_relaxed);
  }
  size_t peak_connection_output_bytes() const {
    return peak_connection_output_.load(std::memory_order_relaxed);
  }

  // Connections whose reading is paused by a limit (in flight or output).
  void ReadPaused(int delta) {
    read_paused_.fetch_add(delta, std::memory_order_relaxed);
  }
  int read_paused() const {
    return read_paused_.load(std::memory_order_relaxed);
  }

 private:
  const ServerConfig config_;
  Engine* const engine_;
  Metrics* const metrics_;
  WorkerPool* const workers_;
  const std::chrono::steady_clock::time_point started_;
  mutable std::mutex mu_;  // Guards tokens_.
  std::shared_ptr<const TokenFile> tokens_;
  std::atomic<bool> draining_{false};
  std::atomic<size_t> output_bytes_{0};
  std::atomic<size_t> peak_connection_output_{0};
  std::atomic<int> read_paused_{0};
};

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_SERVER_CONTEXT_H_
