// TLS for the server: the ssl::context built from the configured
// certificate and key (TLS 1.2 and later only).
#ifndef CUSTDB_SERVER_TLS_H_
#define CUSTDB_SERVER_TLS_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "custdb/status.h"

namespace custdb {
namespace server {

// kInvalidArgument naming the file (tls_cert / tls_key) that is missing,
// unreadable or not PEM, or a key that does not match the certificate.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace server
}  // namespace custdb

#endif  // CUSTDB_SERVER_TLS_H_
