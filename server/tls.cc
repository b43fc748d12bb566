// The server's TLS context: TLS 1.2+, the PEM chain and key checked (each
// error naming its file) before Asio loads them.
#include "server/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

namespace custdb {
namespace server {
namespace {

namespace ssl = boost::asio::ssl;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// OpenSSL's newest queued error as text (and the queue emptied, so the
// next call starts clean).
std::string TakeSslError() {
  unsigned long code = ERR_peek_last_error();  // NOLINT(runtime/int)
  std::string text = "no detail from OpenSSL";
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    text = buffer;
  }
  ERR_clear_error();
  return text;
}

// Never prompts: an encrypted key fails instead of waiting on a terminal
// the server does not have.
int NoPassphrase(char*, int, int, void*) { return 0; }

Status Named(const char* field, const std::string& path,
             const std::string& why) {
  return Status::InvalidArgument(std::string(field) + ": '" + path + "' " +
                                 why);
}

// `path` is a readable regular file, else kInvalidArgument naming it.
Status CheckFile(const char* field, const std::string& path) {
  if (path.empty()) {
    return Status::InvalidArgument(std::string(field) + ": is empty");
  }
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Named(field, path, "does not exist");
  }
  if (!std::filesystem::is_regular_file(status)) {
    return Named(field, path, "is not a regular file");
  }
  return Status::OK();
}

std::unique_ptr<BIO, BioFree> OpenBio(const std::string& path) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_file(path.c_str(), "r"));
}

// Reads the first certificate of the chain in `path`.
Status ReadCertificate(const std::string& path,
                       std::unique_ptr<X509, X509Free>* cert) {
  auto bio = OpenBio(path);
  if (!bio) return Named("tls_cert", path, "cannot be read: " + TakeSslError());
  cert->reset(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!*cert) {
    return Named("tls_cert", path,
                 "holds no PEM certificate: " + TakeSslError());
  }
  return Status::OK();
}

Status ReadKey(const std::string& path,
               std::unique_ptr<EVP_PKEY, PkeyFree>* key) {
  auto bio = OpenBio(path);
  if (!bio) return Named("tls_key", path, "cannot be read: " + TakeSslError());
  key->reset(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!*key) {
    return Named("tls_key", path,
                 "holds no unencrypted PEM private key: " + TakeSslError());
  }
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  ERR_clear_error();
  Status s = CheckFile("tls_cert", cert_file);
  if (s.ok()) s = CheckFile("tls_key", key_file);
  std::unique_ptr<X509, X509Free> cert;
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
  if (s.ok()) s = ReadCertificate(cert_file, &cert);
  if (s.ok()) s = ReadKey(key_file, &key);
  if (!s.ok()) return s;
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Named(
        "tls_key", key_file,
        "does not match the certificate in tls_cert '" + cert_file + "'");
  }

  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  // SSLv2/3 and TLS 1.0/1.1 are off both ways: by the option bits and by
  // the minimum version, which also covers versions added later.
  context->set_options(ssl::context::default_workarounds |
                           ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                           ssl::context::single_dh_use,
                       ec);
  if (ec) return Status::Internal("tls: setting options: " + ec.message());
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return Status::Internal("tls: cannot require TLS 1.2: " + TakeSslError());
  }
  SSL_CTX_set_default_passwd_cb(native, NoPassphrase);
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Named("tls_cert", cert_file,
                 "is not a PEM certificate chain: " + TakeSslError());
  }
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return Named("tls_key", key_file,
                 "cannot be used with the certificate: " + TakeSslError());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return Named("tls_key", key_file,
                 "does not match the certificate in tls_cert '" + cert_file +
                     "': " + TakeSslError());
  }
  return context;
}

}  // namespace server
}  // namespace custdb
