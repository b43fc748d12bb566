// The engine's StoreFactory and the list the Store suite runs over.
#include "store/store_factory.h"

#include <utility>

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

}  // namespace

const StoreFactory& EngineStoreFactory() {
  static const EngineFactory factory;
  return factory;
}

const std::vector<const StoreFactory*>& StoreFactories() {
  static const std::vector<const StoreFactory*> factories = {
      &EngineStoreFactory(),
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
