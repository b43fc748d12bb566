// The engine's, the wire's and the remote StoreFactory and the list the Store
// suite runs over.
#include "store/store_factory.h"

#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "custdb/client.h"
#include "server/config.h"
#include "server/server.h"
#include "support/loopback_transport.h"
#include "support/reference_model.h"
#include "support/test_util.h"

namespace custdb {
namespace test {
namespace {

// Embedded Engines. Every store it is handed is one it opened, so the
// hooks may take it for the Engine it is.
class EngineFactory : public StoreFactory {
 public:
  std::string name() const override { return "engine"; }

  Result<std::unique_ptr<Store>> Open(const Options& options) const override {
    auto opened = Engine::Open(options);
    if (!opened.ok()) return opened.status();
    return std::unique_ptr<Store>(std::move(opened).value());
  }

  Result<VerifyReport> Verify(Store& store,
                              size_t max_problems) const override {
    return AsEngine(store).Verify(max_problems);
  }
  Result<RecordCounts> Counts(Store& store) const override {
    return AsEngine(store).Counts();
  }
  Status ForEachCustomer(
      Store& store,
      const std::function<Status(const CustomerRecord&)>& fn) const override {
    return AsEngine(store).ForEachCustomer(fn);
  }
  Status Flush(Store& store) const override { return AsEngine(store).Flush(); }
  Status ApplyBatchUnlogged(Store& store, const std::vector<Event>& events,
                            std::vector<Status>* statuses,
                            std::vector<uint64_t>* ids) const override {
    return AsEngine(store).ApplyBatchUnlogged(events, statuses, ids);
  }

 private:
  static Engine& AsEngine(Store& store) { return static_cast<Engine&>(store); }
};

// The hooks of a factory whose stores are Clients onto an Engine: they
// reach the engine behind the client, as a test of a server would open
// its data directory; Flush goes through the client (an admin operation).
class ClientFactory : public StoreFactory {
 public:
  Result<VerifyReport> Verify(Store& store,
                              size_t max_problems) const override {
    return EngineOf(store).Verify(max_problems);
  }
  Result<RecordCounts> Counts(Store& store) const override {
    return EngineOf(store).Counts();
  }
  Status ForEachCustomer(
      Store& store,
      const std::function<Status(const CustomerRecord&)>& fn) const override {
    return EngineOf(store).ForEachCustomer(fn);
  }
  Status Flush(Store& store) const override {
    return static_cast<Client&>(store).Flush();
  }
  Status ApplyBatchUnlogged(Store& store, const std::vector<Event>& events,
                            std::vector<Status>* statuses,
                            std::vector<uint64_t>* ids) const override {
    return EngineOf(store).ApplyBatchUnlogged(events, statuses, ids);
  }

 protected:
  // The engine behind `store`, a store this factory's Open returned.
  virtual Engine& EngineOf(Store& store) const = 0;
};

// A Client over a LoopbackTransport onto an Engine: every call of the
// suite is encoded, verified, dispatched and decoded as it would be over
// TCP. The engine is the client's keep_alive, so it closes after the
// transport's thread has stopped.
class WireStore : public Client {
 public:
  WireStore(std::shared_ptr<Engine> engine,
            std::shared_ptr<LoopbackTransport> transport)
      : Client(std::move(transport), engine), engine_(engine.get()) {}
  Engine& engine() const { return *engine_; }

 private:
  Engine* const engine_;
};

class WireFactory : public ClientFactory {
 public:
  std::string name() const override { return "wire"; }

  Result<std::unique_ptr<Store>> Open(const Options& options) const override {
    auto opened = Engine::Open(options);
    if (!opened.ok()) return opened.status();
    std::shared_ptr<Engine> engine = std::move(opened).value();
    auto transport =
        std::make_shared<LoopbackTransport>(engine.get(), engine.get());
    return std::unique_ptr<Store>(
        std::make_unique<WireStore>(engine, std::move(transport)));
  }

 protected:
  Engine& EngineOf(Store& store) const override {
    return static_cast<WireStore&>(store).engine();
  }
};

// What a remote store holds besides its Client: the server and the engine
// behind it, stopped and closed (in that order) after the client has
// closed its connections.
struct ServedEngine {
  std::shared_ptr<Engine> engine;
  std::unique_ptr<server::Server> server;  // after engine: stops first
  ~ServedEngine() {
    if (server != nullptr) server->Stop();
  }
};

// A Client over TCP to a `custdb serve` in-process on 127.0.0.1, port 0,
// without a tokens file (loopback: full rights): the suite through the
// sockets, the framing, the session and the connection pool.
class RemoteFactory : public ClientFactory {
 public:
  std::string name() const override { return "remote"; }

  Result<std::unique_ptr<Store>> Open(const Options& options) const override {
    auto opened = Engine::Open(options);
    if (!opened.ok()) return opened.status();
    auto served = std::make_shared<ServedEngine>();
    served->engine = std::move(opened).value();
    server::ServerConfig config;
    config.data = options.path;
    config.listen = "127.0.0.1:0";
    config.io_threads = 2;
    config.rescore_every_ms = 0;
    auto started = server::Server::Start(config, served->engine.get());
    if (!started.ok()) return started.status();
    served->server = std::move(started).value();
    ClientOptions client_options;
    client_options.port = served->server->port();
    client_options.connections = 1;
    Engine* engine = served->engine.get();
    auto connected = Client::Connect(client_options, std::move(served));
    if (!connected.ok()) return connected.status();
    std::unique_ptr<Store> store = std::move(connected).value();
    std::lock_guard<std::mutex> lock(mu_);
    engines_[store.get()] = engine;
    return store;
  }

 protected:
  // A Client does not expose its keep_alive, so the factory remembers the
  // engine of each store it opened. A freed store's address may come back
  // for the next one, which overwrites the entry.
  Engine& EngineOf(Store& store) const override {
    std::lock_guard<std::mutex> lock(mu_);
    return *engines_.at(&store);
  }

 private:
  mutable std::mutex mu_;
  mutable std::map<const Store*, Engine*> engines_;
};

}  // namespace

const StoreFactory& EngineStoreFactory() {
  static const EngineFactory factory;
  return factory;
}

const StoreFactory& WireStoreFactory() {
  static const WireFactory factory;
  return factory;
}

const StoreFactory& RemoteStoreFactory() {
  static const RemoteFactory factory;
  return factory;
}

const std::vector<const StoreFactory*>& StoreFactories() {
  static const std::vector<const StoreFactory*> factories = {
      &EngineStoreFactory(),
      &WireStoreFactory(),
      &RemoteStoreFactory(),
  };
  return factories;
}

std::string StoreFactoryName(
    const ::testing::TestParamInfo<const StoreFactory*>& info) {
  return info.param->name();
}

void PrintTo(const StoreFactory* factory, std::ostream* os) {
  *os << factory->name();
}

std::unique_ptr<Store> OpenTestStore(const StoreFactory& factory,
                                     const Options& options) {
  auto opened = factory.Open(options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

std::unique_ptr<Store> OpenTestStore(const StoreFactory& factory,
                                     const std::string& path) {
  return OpenTestStore(factory, TestOptions(path));
}

std::string Fingerprint(const StoreFactory& factory, Store& store) {
  return refmodel::Fingerprint(
      store,
      [&](const std::function<Status(const CustomerRecord&)>& fn) {
        return factory.ForEachCustomer(store, fn);
      },
      [&] { return factory.Counts(store); });
}

}  // namespace test
}  // namespace custdb
