// The server's TLS context: built from generated files, refusing missing,
// garbage, encrypted and mismatched ones by name, and over a small Asio
// echo: a TLS client with the CA completes the handshake, an old-protocol
// or untrusting client does not, and a plaintext client sees the
// connection close in bounded time.
#include "server/tls.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "support/test_cert.h"
#include "support/test_util.h"

namespace custdb {
namespace server {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cert = test::MakeTestCertificate(dir_.path());
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    cert_ = *cert;
  }

  // MakeServerTlsContext(cert, key) is refused with kInvalidArgument whose
  // message starts with `field: 'file'` and holds `why`.
  void ExpectRefused(const std::string& cert, const std::string& key,
                     const std::string& field, const std::string& file,
                     const std::string& why) {
    auto context = MakeServerTlsContext(cert, key);
    ASSERT_FALSE(context.ok()) << field << " " << why;
    EXPECT_EQ(context.status().code(), StatusCode::kInvalidArgument);
    const std::string& message = context.status().message();
    EXPECT_EQ(message.rfind(field + ": '" + file + "'", 0), 0u) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  test::TempDir dir_;
  test::TestCertificate cert_;
};

TEST_F(TlsContextTest, BuildsFromGeneratedFilesAndRequiresTls12) {
  auto context = MakeServerTlsContext(cert_.cert_file, cert_.key_file);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  SSL_CTX* native = (*context)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  const uint64_t options = SSL_CTX_get_options(native);
  for (uint64_t off : {uint64_t{SSL_OP_NO_SSLv3}, uint64_t{SSL_OP_NO_TLSv1},
                       uint64_t{SSL_OP_NO_TLSv1_1}}) {
    EXPECT_NE(options & off, 0u) << off;
  }
}

TEST_F(TlsContextTest, MissingFilesAreNamed) {
  const std::string absent = dir_.Sub("absent.pem");
  ExpectRefused(absent, cert_.key_file, "tls_cert", absent, "does not exist");
  ExpectRefused(cert_.cert_file, absent, "tls_key", absent, "does not exist");
  ExpectRefused(dir_.path(), cert_.key_file, "tls_cert", dir_.path(),
                "not a regular file");
  auto empty = MakeServerTlsContext("", cert_.key_file);
  EXPECT_EQ(empty.status().message(), "tls_cert: is empty");
}

TEST_F(TlsContextTest, GarbageFilesAreNamed) {
  const std::string garbage = Write("garbage.pem", "not a certificate\n");
  ExpectRefused(garbage, cert_.key_file, "tls_cert", garbage,
                "holds no PEM certificate");
  ExpectRefused(cert_.cert_file, garbage, "tls_key", garbage,
                "holds no unencrypted PEM private key");
  const std::string empty = Write("empty.pem", "");
  ExpectRefused(empty, cert_.key_file, "tls_cert", empty,
                "holds no PEM certificate");
  // A truncated certificate: the PEM armour without its end.
  std::ifstream in(cert_.cert_file);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const std::string cut = Write("cut.pem", text.substr(0, text.size() / 2));
  ExpectRefused(cut, cert_.key_file, "tls_cert", cut,
                "holds no PEM certificate");
  // The two files swapped.
  ExpectRefused(cert_.key_file, cert_.cert_file, "tls_cert", cert_.key_file,
                "holds no PEM certificate");
}

TEST_F(TlsContextTest, MismatchedKeyIsRefused) {
  const std::string other = dir_.Sub("other.key");
  ASSERT_TRUE(test::WriteTestKey(other).ok());
  ExpectRefused(
      cert_.cert_file, other, "tls_key", other,
      "does not match the certificate in tls_cert '" + cert_.cert_file + "'");
}

TEST_F(TlsContextTest, EncryptedKeyIsRefusedWithoutPrompting) {
  const std::string locked = dir_.Sub("locked.key");
  ASSERT_TRUE(test::WriteTestKey(locked, "secret").ok());
  ExpectRefused(cert_.cert_file, locked, "tls_key", locked,
                "holds no unencrypted PEM private key");
}

// A TLS echo server on 127.0.0.1 (port 0) on its own thread: each
// connection handshakes, echoes one read, and closes; each handshake's
// outcome ("" or the error) is queued for the test.
class EchoServer {
 public:
  explicit EchoServer(std::shared_ptr<ssl::context> context)
      : context_(std::move(context)),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    Accept();
    runner_ = std::async(std::launch::async, [this] { io_.run(); });
  }

  ~EchoServer() {
    asio::post(io_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
    });
    if (runner_.wait_for(std::chrono::seconds(10)) !=
        std::future_status::ready) {
      ADD_FAILURE() << "echo server still busy";
      io_.stop();
    }
    runner_.get();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // The next handshake's outcome, or "timeout" after 10 s.
  std::string NextHandshake() {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(10),
                      [this] { return !outcomes_.empty(); })) {
      return "timeout";
    }
    std::string outcome = outcomes_.front();
    outcomes_.pop_front();
    return outcome;
  }

 private:
  using Stream = ssl::stream<tcp::socket>;

  void Accept() {
    acceptor_.async_accept(
        [this](boost::system::error_code ec, tcp::socket socket) {
          if (ec) return;
          auto stream = std::make_shared<Stream>(std::move(socket), *context_);
          stream->async_handshake(ssl::stream_base::server,
                                  [this, stream](boost::system::error_code ec) {
                                    Report(ec ? "failed: " + ec.message() : "");
                                    if (ec) {
                                      stream->lowest_layer().close(ec);
                                      return;
                                    }
                                    Echo(stream);
                                  });
          Accept();
        });
  }

  void Echo(std::shared_ptr<Stream> stream) {
    auto buffer = std::make_shared<std::array<char, 64>>();
    stream->async_read_some(
        asio::buffer(*buffer),
        [stream, buffer](boost::system::error_code ec, size_t n) {
          if (ec) return;
          asio::async_write(
              *stream, asio::buffer(buffer->data(), n),
              [stream, buffer](boost::system::error_code ec, size_t) {
                stream->lowest_layer().close(ec);
              });
        });
  }

  void Report(const std::string& outcome) {
    std::lock_guard<std::mutex> lock(mu_);
    outcomes_.push_back(outcome);
    cv_.notify_all();
  }

  std::shared_ptr<ssl::context> context_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::future<void> runner_;
  std::mutex mu_;  // guards outcomes_
  std::condition_variable cv_;
  std::deque<std::string> outcomes_;
};

// Reads on `socket` give up after 5 s: a server that hangs fails the test.
void BoundReads(tcp::socket& socket) {
  timeval timeout{5, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
               sizeof(timeout));
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout,
               sizeof(timeout));
}

class TlsHandshakeTest : public TlsContextTest {
 protected:
  void SetUp() override {
    TlsContextTest::SetUp();
    auto context = MakeServerTlsContext(cert_.cert_file, cert_.key_file);
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    server_ = std::make_unique<EchoServer>(*context);
  }

  // A client context trusting `ca_file` and checking the name 127.0.0.1.
  static ssl::context ClientContext(const std::string& ca_file) {
    ssl::context context(ssl::context::tls_client);
    context.load_verify_file(ca_file);
    context.set_verify_mode(ssl::verify_peer);
    return context;
  }

  // Connects a TLS client with `context` and handshakes; "" or the error.
  std::string Handshake(ssl::context& context, std::string* echoed = nullptr) {
    ssl::stream<tcp::socket> stream(client_io_, context);
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    boost::system::error_code ec;
    stream.lowest_layer().connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()),
        ec);
    if (ec) return "connect: " + ec.message();
    BoundReads(stream.next_layer());
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) return "handshake: " + ec.message();
    version_ = SSL_get_version(stream.native_handle());
    if (echoed != nullptr) {
      asio::write(stream, asio::buffer(std::string("ping")), ec);
      std::array<char, 4> reply{};
      if (!ec) asio::read(stream, asio::buffer(reply), ec);
      if (ec) return "echo: " + ec.message();
      echoed->assign(reply.data(), reply.size());
    }
    return "";
  }

  asio::io_context client_io_;
  std::unique_ptr<EchoServer> server_;
  std::string version_;
};

TEST_F(TlsHandshakeTest, ClientWithTheCaCompletesTheHandshake) {
  ssl::context client = ClientContext(cert_.cert_file);
  std::string echoed;
  EXPECT_EQ(Handshake(client, &echoed), "");
  EXPECT_EQ(server_->NextHandshake(), "");
  EXPECT_EQ(echoed, "ping");
  EXPECT_TRUE(version_ == "TLSv1.2" || version_ == "TLSv1.3") << version_;

  // A client capped at TLS 1.2 still gets in.
  ssl::context tls12 = ClientContext(cert_.cert_file);
  SSL_CTX_set_max_proto_version(tls12.native_handle(), TLS1_2_VERSION);
  EXPECT_EQ(Handshake(tls12), "");
  EXPECT_EQ(server_->NextHandshake(), "");
  EXPECT_EQ(version_, "TLSv1.2");
}

TEST_F(TlsHandshakeTest, ClientOfAnOlderProtocolIsRefused) {
  ssl::context old = ClientContext(cert_.cert_file);
  // Level 0 lets this client offer TLS 1.1 at all; the server must refuse.
  SSL_CTX_set_security_level(old.native_handle(), 0);
  SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_1_VERSION);
  EXPECT_NE(Handshake(old), "");
  EXPECT_NE(server_->NextHandshake(), "");
}

TEST_F(TlsHandshakeTest, ClientTrustingAnotherCaRefusesTheServer) {
  test::TempDir other_dir;
  auto other = test::MakeTestCertificate(other_dir.path(), "other");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ssl::context client = ClientContext(other->cert_file);
  const std::string outcome = Handshake(client);
  EXPECT_NE(outcome.find("handshake"), std::string::npos) << outcome;
  EXPECT_NE(server_->NextHandshake(), "");
}

// A plaintext client (a custdb frame where a ClientHello belongs) sees the
// server close the connection, within the bounded read, and the server's
// handshake fails rather than waiting for more.
TEST_F(TlsHandshakeTest, PlaintextClientSeesACloseNotAHang) {
  tcp::socket socket(client_io_);
  boost::system::error_code ec;
  socket.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()), ec);
  ASSERT_FALSE(ec) << ec.message();
  BoundReads(socket);
  const unsigned char frame[] = {0x10, 0, 0, 0, 'C', 'D', 'B', '1', 0, 0,
                                 0,    0, 0, 0, 0,   0,   0,   0,   0, 0};
  asio::write(socket, asio::buffer(frame), ec);
  ASSERT_FALSE(ec) << ec.message();
  const auto start = std::chrono::steady_clock::now();
  std::array<char, 256> buffer;
  for (;;) {
    socket.read_some(asio::buffer(buffer), ec);
    if (ec) break;  // an alert may come first; then the close
  }
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset)
      << "expected a close, got " << ec.message() << " after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - start)
             .count()
      << " ms";
  const std::string outcome = server_->NextHandshake();
  EXPECT_NE(outcome, "");
  EXPECT_NE(outcome, "timeout");

  // The server goes on: a TLS client still gets in.
  ssl::context client = ClientContext(cert_.cert_file);
  EXPECT_EQ(Handshake(client), "");
  EXPECT_EQ(server_->NextHandshake(), "");
}

}  // namespace
}  // namespace server
}  // namespace custdb
