// custdb::Client against a real Server over TLS with a tokens file: the
// client's CA check, the token's role and channel scope and a token
// reload, end to end through Client::Connect (the pieces have their own
// tests: connection_pool_test, scoped_store_test, server_test).
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <vector>

#include "custdb/client.h"
#include "custdb/engine.h"
#include "server/config.h"
#include "server/server.h"
#include "server/tokens.h"
#include "support/test_cert.h"
#include "support/test_util.h"

namespace custdb {
namespace {

class ClientServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    engine_ = test::OpenTestEngine(dir_.Sub("db"));
    auto cert = test::MakeTestCertificate(dir_.path());
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    cert_ = cert.value();
    tokens_ = dir_.Sub("tokens.json");
    admin_ = AddToken("ops", server::Role::kAdmin, std::nullopt);
    config_.data = dir_.Sub("db");
    config_.listen = "127.0.0.1:0";
    config_.io_threads = 2;
    config_.rescore_every_ms = 0;
    config_.tokens_file = tokens_;
    config_.tls_cert = cert_.cert_file;
    config_.tls_key = cert_.key_file;
    auto started = server::Server::Start(config_, engine_.get());
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server_ = std::move(started).value();
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Stop();
  }

  std::string AddToken(const std::string& name, server::Role role,
                       std::optional<uint64_t> channel) {
    server::Principal principal;
    principal.name = name;
    principal.role = role;
    principal.channel_id = channel;
    auto token = server::AddToken(tokens_, principal);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? token.value() : "";
  }

  ClientOptions Options(const std::string& token) const {
    ClientOptions options;
    options.port = server_->port();
    options.token = token;
    options.tls_ca_file = cert_.cert_file;
    options.connections = 1;
    options.connect_timeout_ms = 5000;
    options.request_timeout_ms = 10000;
    return options;
  }

  std::unique_ptr<Client> ConnectOrFail(const std::string& token) {
    auto client = Client::Connect(Options(token));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  // Channels 1 > 2 (a dealer under a region) and 3 elsewhere; a customer
  // owned by 2 and one owned by 3.
  void Seed(Client& admin) {
    for (const Channel& c :
         {Channel{1, "region", ChannelType::kDirect, 0, "", true},
          Channel{2, "dealer", ChannelType::kDealer, 1, "", true},
          Channel{3, "other", ChannelType::kRetail, 0, "", true}}) {
      ASSERT_TRUE(admin.PutChannel(c).ok());
    }
    Customer in;
    in.code = "IN-1";
    in.owner_channel_id = 2;
    auto in_id = admin.CreateCustomer(in);
    ASSERT_TRUE(in_id.ok()) << in_id.status().ToString();
    in_id_ = in_id.value();
    Customer out;
    out.code = "OUT-1";
    out.owner_channel_id = 3;
    auto out_id = admin.CreateCustomer(out);
    ASSERT_TRUE(out_id.ok()) << out_id.status().ToString();
    out_id_ = out_id.value();
  }

  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  test::TestCertificate cert_;
  std::string tokens_;
  std::string admin_;
  server::ServerConfig config_;
  std::unique_ptr<server::Server> server_;
  uint64_t in_id_ = 0;
  uint64_t out_id_ = 0;
};

TEST_F(ClientServerTest, AdminOverTlsReadsWhatItWrote) {
  std::unique_ptr<Client> admin = ConnectOrFail(admin_);
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->session().role, "admin");
  EXPECT_FALSE(admin->session().has_scope);
  Seed(*admin);
  auto got = admin->GetCustomerByCode("OUT-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got.value().profile.id, out_id_);
  EXPECT_TRUE(admin->Ping().ok());
}

TEST_F(ClientServerTest, UnknownTokenAndWrongCaAreRefused) {
  auto unknown = Client::Connect(Options("cdb_not-a-token"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnauthenticated)
      << unknown.status().ToString();

  auto other_ca = test::MakeTestCertificate(dir_.path(), "other");
  ASSERT_TRUE(other_ca.ok());
  ClientOptions options = Options(admin_);
  options.tls_ca_file = other_ca.value().cert_file;
  auto untrusted = Client::Connect(options);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.status().code(), StatusCode::kUnavailable)
      << untrusted.status().ToString();
}

TEST_F(ClientServerTest, ScopedTokenSeesOnlyItsSubtree) {
  std::unique_ptr<Client> admin = ConnectOrFail(admin_);
  ASSERT_NE(admin, nullptr);
  Seed(*admin);
  const std::string dealer = AddToken("region-1", server::Role::kWriter, 1);
  ASSERT_TRUE(server_->ReloadTokens().ok());
  std::unique_ptr<Client> scoped = ConnectOrFail(dealer);
  ASSERT_NE(scoped, nullptr);
  EXPECT_TRUE(scoped->session().has_scope);
  EXPECT_EQ(scoped->session().scope_channel_id, 1u);

  EXPECT_TRUE(scoped->GetCustomer(in_id_).ok());
  auto outside = scoped->GetCustomer(out_id_);
  auto missing = scoped->GetCustomer(out_id_ + 1000);
  EXPECT_EQ(outside.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(missing.status().code(), StatusCode::kPermissionDenied);

  CustomerQuery everyone;
  auto page = scoped->FindCustomers(everyone);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page.value().customers.size(), 1u);
  EXPECT_EQ(page.value().customers[0].profile.id, in_id_);

  // A write to the other channel's customer is refused and writes nothing.
  CustomerPatch rename;
  rename.name = "taken over";
  EXPECT_EQ(scoped->UpdateCustomer(out_id_, rename).code(),
            StatusCode::kPermissionDenied);
  auto after = admin->GetCustomer(out_id_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.value().profile.name, "");
}

TEST_F(ClientServerTest, ReaderCannotWriteAndWritesNothing) {
  std::unique_ptr<Client> admin = ConnectOrFail(admin_);
  ASSERT_NE(admin, nullptr);
  Seed(*admin);
  const std::string reader = AddToken("analyst", server::Role::kReader, {});
  ASSERT_TRUE(server_->ReloadTokens().ok());
  std::unique_ptr<Client> ro = ConnectOrFail(reader);
  ASSERT_NE(ro, nullptr);
  Order order;
  order.id = 77;
  order.customer_id = in_id_;
  order.channel_id = 2;
  order.ts_ms = test::kTestNowMs;
  order.amount_minor = 1000;
  const Status refused = ro->RecordOrder(order);
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied)
      << refused.ToString();
  EXPECT_EQ(admin->GetOrder(77).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ro->Compact().code(), StatusCode::kPermissionDenied);
}

TEST_F(ClientServerTest, ReloadAdmitsNewTokensAndKeepsOpenSessions) {
  std::unique_ptr<Client> admin = ConnectOrFail(admin_);
  ASSERT_NE(admin, nullptr);
  const std::string later = AddToken("later", server::Role::kReader, {});
  auto before = Client::Connect(Options(later));
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.status().code(), StatusCode::kUnauthenticated);
  ASSERT_TRUE(server_->ReloadTokens().ok());
  auto after = Client::Connect(Options(later));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after.value()->session().role, "reader");
  EXPECT_TRUE(admin->Ping().ok());  // the open session kept its token
}

}  // namespace
}  // namespace custdb
