// Self-signed test certificates with OpenSSL 3's EVP_PKEY and X509 APIs.
#include "support/test_cert.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <string>

namespace custdb {
namespace test {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Status SslFailure(const std::string& what) {
  char buffer[256] = "no detail";
  unsigned long code = ERR_get_error();  // NOLINT(runtime/int)
  if (code != 0) ERR_error_string_n(code, buffer, sizeof(buffer));
  ERR_clear_error();
  return Status::Internal("test certificate: " + what + ": " + buffer);
}

Pkey NewKey() {
  return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

// Adds the extension `nid` = `value` (config syntax) to `cert`.
bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

Status WriteKey(const std::string& path, EVP_PKEY* key,
                const std::string& passphrase) {
  std::unique_ptr<FILE, FileClose> out(std::fopen(path.c_str(), "w"));
  if (!out) return Status::IOError("test certificate: cannot write " + path);
  const bool encrypted = !passphrase.empty();
  if (PEM_write_PrivateKey(
          out.get(), key, encrypted ? EVP_aes_256_cbc() : nullptr,
          encrypted ? reinterpret_cast<const unsigned char*>(passphrase.data())
                    : nullptr,
          static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    return SslFailure("writing " + path);
  }
  return Status::OK();
}

}  // namespace

Result<TestCertificate> MakeTestCertificate(const std::string& dir,
                                            const std::string& name) {
  Pkey key = NewKey();
  if (!key) return SslFailure("generating a P-256 key");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  X509_set_version(cert.get(), 2);  // v3, for the extensions
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
      subject, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("custdb tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(
      subject, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(cert.get(), NID_key_usage,
                    "critical,digitalSignature,keyCertSign") ||
      !AddExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
      !AddExtension(cert.get(), NID_subject_key_identifier, "hash") ||
      !AddExtension(cert.get(), NID_subject_alt_name,
                    "IP:127.0.0.1,DNS:localhost")) {
    return SslFailure("adding extensions");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return SslFailure("signing");
  }
  TestCertificate files{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  {
    std::unique_ptr<FILE, FileClose> out(
        std::fopen(files.cert_file.c_str(), "w"));
    if (!out) {
      return Status::IOError("test certificate: cannot write " +
                             files.cert_file);
    }
    if (PEM_write_X509(out.get(), cert.get()) != 1) {
      return SslFailure("writing " + files.cert_file);
    }
  }
  Status s = WriteKey(files.key_file, key.get(), "");
  if (!s.ok()) return s;
  return files;
}

Status WriteTestKey(const std::string& path, const std::string& passphrase) {
  Pkey key = NewKey();
  if (!key) return SslFailure("generating a P-256 key");
  return WriteKey(path, key.get(), passphrase);
}

}  // namespace test
}  // namespace custdb
