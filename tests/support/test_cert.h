// Self-signed certificates for the TLS tests, generated in-process with
// OpenSSL 3 (no `openssl` command): a P-256 key and a certificate for
// CN 127.0.0.1 with subjectAltName IP:127.0.0.1 and DNS:localhost, valid
// from an hour ago for a day, its own CA (the client trusts cert_file).
#ifndef CUSTDB_TESTS_SUPPORT_TEST_CERT_H_
#define CUSTDB_TESTS_SUPPORT_TEST_CERT_H_

#include <string>

#include "custdb/status.h"

namespace custdb {
namespace test {

struct TestCertificate {
  std::string cert_file;  // PEM certificate; also the client's CA file
  std::string key_file;   // PEM private key, unencrypted
};

// Writes DIR/<name>.crt and DIR/<name>.key (DIR must exist). kInternal
// with OpenSSL's reason if generation fails, kIOError if a file cannot be
// written.
Result<TestCertificate> MakeTestCertificate(const std::string& dir,
                                            const std::string& name = "server");

// Writes a fresh P-256 private key to `path` (a key that matches no
// certificate), encrypted with `passphrase` (AES-256-CBC) when it is not
// empty.
Status WriteTestKey(const std::string& path,
                    const std::string& passphrase = "");

}  // namespace test
}  // namespace custdb

#endif  // CUSTDB_TESTS_SUPPORT_TEST_CERT_H_
