// custdb serve: the database over TCP (docs/PROTOCOL.md), until SIGINT or
// SIGTERM stops it gracefully; SIGHUP reloads the tokens file.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "command_table.h"
#include "command_util.h"
#include "server/config.h"
#include "server/server.h"

namespace custdb {
namespace tools {
namespace {

class ServeCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd_ = &cmd;
    cmd.add_option("--listen", listen_,
                   "HOST:PORT to listen on (default 127.0.0.1:7420; port 0: "
                   "any free port, printed at start)");
    cmd.add_option("--config", config_file_,
                   "JSON file of server settings (docs/OPERATIONS.md); the "
                   "flags override it");
    cmd.add_option("--tokens", tokens_,
                   "Tokens file (custdb token add); without one only "
                   "loopback clients are accepted, as admin");
    cmd.add_option("--tls-cert", tls_cert_, "PEM certificate: serve TLS");
    cmd.add_option("--tls-key", tls_key_, "PEM private key of --tls-cert");
    cmd.add_option("--metrics", metrics_,
                   "HOST:PORT to serve Prometheus metrics on (/metrics)");
    cmd.add_option("--rescore-every", rescore_every_,
                   "Incremental rescore interval (\"30m\", \"1h\"; 0: off; "
                   "default 1h)");
    cmd.add_option("--io-threads", io_threads_,
                   "I/O threads (default: the core count)")
        ->transform(DecimalInteger());
    cmd.add_option("--clock-ms", clock_ms_,
                   "Pin the engine's clock to this Unix time in ms (tests, "
                   "benchmarks)")
        ->transform(DecimalInteger());
    cmd.add_option("--log-level", log_level_,
                   "trace, debug, info (default), warn, error, critical, off");
  }

  // The whole configuration is checked before the database is opened.
  int Check() override {
    if (config_file_) {
      Status s = server::LoadConfigFile(*config_file_, &config_);
      if (!s.ok()) return UsageError("serve", s.message());
    }
    config_.data = cmd_->get_option("--data")->as<std::string>();
    if (listen_) config_.listen = *listen_;
    if (tokens_) config_.tokens_file = *tokens_;
    if (tls_cert_) config_.tls_cert = *tls_cert_;
    if (tls_key_) config_.tls_key = *tls_key_;
    if (metrics_) config_.metrics = *metrics_;
    if (io_threads_) config_.io_threads = *io_threads_;
    if (log_level_) config_.log_level = *log_level_;
    if (rescore_every_) {
      Result<int64_t> ms =
          server::ParseDuration("--rescore-every", *rescore_every_);
      if (!ms.ok()) return UsageError("serve", ms.status().message());
      config_.rescore_every_ms = *ms;
    }
    Status s = server::ValidateConfig(config_);
    if (!s.ok()) return UsageError("serve", s.message());
    return kExitOk;
  }

  void SetEngineOptions(Options* options) const override {
    if (clock_ms_) {
      const int64_t ms = *clock_ms_;
      options->clock_ms = [ms] { return ms; };
    }
  }

  int RunOnEngine(Engine& engine, const std::string&) override {
    auto logger = spdlog::stderr_color_mt("custdb");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(config_.log_level));

    // Before the server starts, so a signal sent as soon as the address
    // is printed is handled rather than killing the process.
    boost::asio::io_context signals_io;
    boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM, SIGHUP);

    Result<std::unique_ptr<server::Server>> started =
        server::Server::Start(config_, &engine);
    if (!started.ok()) {
      spdlog::error("cannot start: {}", started.status().ToString());
      std::cerr << "custdb serve: " << started.status().ToString() << "\n";
      return started.status().code() == StatusCode::kInvalidArgument
                 ? kExitUsage
                 : kExitFailure;
    }
    std::unique_ptr<server::Server> server = std::move(started).value();
    std::cout << "listening on " << server->address() << std::endl;

    int stop_signal = 0;
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int number) {
          if (ec) return;
          if (number == SIGHUP) {
            spdlog::info("SIGHUP: reloading the tokens file");
            Status s = server->ReloadTokens();
            if (!s.ok()) spdlog::error("reload: {}", s.ToString());
            signals.async_wait(on_signal);
            return;
          }
          stop_signal = number;
        };
    signals.async_wait(on_signal);
    signals_io.run();
    spdlog::info("{}: stopping", stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
    server->Stop();
    server.reset();
    spdlog::info("server stopped; closing the database");
    return kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  server::ServerConfig config_;
  std::optional<std::string> config_file_;
  std::optional<std::string> listen_;
  std::optional<std::string> tokens_;
  std::optional<std::string> tls_cert_;
  std::optional<std::string> tls_key_;
  std::optional<std::string> metrics_;
  std::optional<std::string> rescore_every_;
  std::optional<int> io_threads_;
  std::optional<int64_t> clock_ms_;
  std::optional<std::string> log_level_;
};

}  // namespace

std::unique_ptr<Command> MakeServeCommand() {
  return std::make_unique<ServeCommand>();
}

}  // namespace tools
}  // namespace custdb
