// HOST:PORT and token-file parsing for the --connect commands.
#include "remote_flags.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace custdb {
namespace tools {
namespace {

constexpr char kBlanks[] = " \t\r\n\v\f";

std::string Trim(const std::string& s) {
  const size_t first = s.find_first_not_of(kBlanks);
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(kBlanks) - first + 1);
}

Status Bad(const std::string& flag, const std::string& text,
           const std::string& why) {
  return Status::InvalidArgument(flag + ": '" + text + "' " + why);
}

}  // namespace

Result<HostPort> ParseHostPort(const std::string& flag,
                               const std::string& text) {
  constexpr char kForm[] = " (expected HOST:PORT, or [IPV6]:PORT)";
  HostPort out;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos) {
      return Bad(flag, text, std::string("has no closing ']'") + kForm);
    }
    out.host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return Bad(flag, text, std::string("has no :PORT after ']'") + kForm);
    }
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return Bad(flag, text, std::string("has no port") + kForm);
    }
    out.host = text.substr(0, colon);
    if (out.host.find(':') != std::string::npos) {
      return Bad(flag, text,
                 "is an IPv6 address without brackets (write it as "
                 "[" +
                     out.host + "]:" + text.substr(colon + 1) + ")");
    }
    port = text.substr(colon + 1);
  }
  if (out.host.empty()) {
    return Bad(flag, text, std::string("has no host") + kForm);
  }
  const bool digits = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string::npos;
  const long number = digits ? std::stol(port) : 0;  // NOLINT: stol's type
  if (number < 1 || number > 65535) {
    return Bad(flag, text, "has port '" + port + "', not a number 1..65535");
  }
  out.port = static_cast<uint16_t>(number);
  return out;
}

Result<std::string> ReadTokenFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument("--token-file: '" + path +
                                   "' is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument("--token-file: cannot read '" + path + "'");
  }
  std::string line;
  std::getline(in, line);
  if (in.bad()) {
    return Status::InvalidArgument("--token-file: cannot read '" + path + "'");
  }
  std::string token = Trim(line);
  if (token.empty()) {
    return Status::InvalidArgument("--token-file: '" + path +
                                   "' has no token on its first line");
  }
  return token;
}

}  // namespace tools
}  // namespace custdb
