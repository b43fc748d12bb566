// The stores the Store conformance suite (tests/store/) runs against: how
// to open one, and the few engine checks its tests reach through it.
#ifndef CUSTDB_TESTS_STORE_STORE_FACTORY_H_
#define CUSTDB_TESTS_STORE_STORE_FACTORY_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "custdb/engine.h"
#include "custdb/options.h"
#include "custdb/store.h"

namespace custdb {
namespace test {

// Opens Stores of one kind and answers, for a store it opened, the calls
// the suite needs beyond the Store API (Verify, Counts, ...), so that a test
// says factory.Verify(store) and never casts to Engine. Each test of
// tests/store/ runs once per factory in StoreFactories() (TiKV's
// engine_traits_tests do the same for every engine). A factory lives as
// long as the test binary and may be used by one test at a time.
class StoreFactory {
 public:
  virtual ~StoreFactory() = default;

  // The suffix of the test names ("engine": CustomerTest.Foo/engine); a
  // C identifier.
  virtual std::string name() const = 0;

  // Opens the store whose data lives in the directory options.path, with
  // options' clock and limits: an empty store the first time, the same
  // data again once the store opened before on that path is destroyed
  // (the tests' "survives reopen").
  virtual Result<std::unique_ptr<Store>> Open(const Options& options) const = 0;

  // The engine hooks: each does what the Engine method of the same name
  // does (engine.h) to the database behind `store`, a store this factory's
  // Open returned. A store that is not an Engine answers them through
  // whatever holds its data (a client through its server's engine).
  virtual Result<VerifyReport> Verify(Store& store,
                                      size_t max_problems) const = 0;
  virtual Result<RecordCounts> Counts(Store& store) const = 0;
  virtual Status ForEachCustomer(
      Store& store,
      const std::function<Status(const CustomerRecord&)>& fn) const = 0;
  virtual Status Flush(Store& store) const = 0;
  virtual Status ApplyBatchUnlogged(Store& store,
                                    const std::vector<Event>& events,
                                    std::vector<Status>* statuses,
                                    std::vector<uint64_t>* ids) const = 0;
};

// The factory of embedded Engines (Engine::Open).
const StoreFactory& EngineStoreFactory();

// The factory of Clients over protocol::Dispatch onto an Engine, in-process
// (support/loopback_transport.h).
const StoreFactory& WireStoreFactory();

// The factory of Clients over TCP to a Server in-process (server/server.h)
// on loopback, onto an Engine.
const StoreFactory& RemoteStoreFactory();

// Every store the suite runs against. The client joins with one line
// here (in store_factory.cc).
const std::vector<const StoreFactory*>& StoreFactories();

// Test names carry the factory's name:
//   INSTANTIATE_TEST_SUITE_P(Store, CustomerTest,
//                            ::testing::ValuesIn(StoreFactories()),
//                            StoreFactoryName);
std::string StoreFactoryName(
    const ::testing::TestParamInfo<const StoreFactory*>& info);

// GoogleTest prints a factory parameter by its name, not its address.
void PrintTo(const StoreFactory* factory, std::ostream* os);

// The base of the suite's fixtures: the factory the test runs against.
class StoreTest : public ::testing::TestWithParam<const StoreFactory*> {
 protected:
  const StoreFactory& factory() const { return *GetParam(); }
};

// Opens a store with `options` (or TestOptions(path): the fixed clock at
// kTestNowMs, base currency EUR), failing the test on error: what
// OpenTestEngine is for an Engine.
std::unique_ptr<Store> OpenTestStore(const StoreFactory& factory,
                                     const Options& options);
std::unique_ptr<Store> OpenTestStore(const StoreFactory& factory,
                                     const std::string& path);

// refmodel::Fingerprint of `store`, with the factory's ForEachCustomer and
// Counts.
std::string Fingerprint(const StoreFactory& factory, Store& store);

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_STORE_STORE_FACTORY_H_
