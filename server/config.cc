// ServerConfig: the JSON config file, the range of every field, and the
// HOST:PORT and duration syntaxes of the flags.
#include "server/config.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace custdb {
namespace server {
namespace {

constexpr int64_t kMaxDurationMs = 366LL * 24 * 3600 * 1000;
constexpr size_t kMaxConfigFileBytes = 1 << 20;

using Member = std::variant<std::string ServerConfig::*, int ServerConfig::*,
                            size_t ServerConfig::*, uint32_t ServerConfig::*,
                            int64_t ServerConfig::*>;

// What a string field must hold; OK or kInvalidArgument naming the field.
using StringCheck = Status (*)(const char* name, const std::string& value);

// One field of ServerConfig: its name (the config key and the name in
// messages), where it lives, and its range.
struct Field {
  const char* name;
  Member member;
  int64_t min = 0;  // integers only
  int64_t max = 0;
  StringCheck check = nullptr;  // strings only; null: any text
};

Status CheckHostPort(const char* name, const std::string& value) {
  std::string host;
  uint16_t port = 0;
  return ParseHostPort(name, value, &host, &port);
}

Status CheckOptionalHostPort(const char* name, const std::string& value) {
  return value.empty() ? Status::OK() : CheckHostPort(name, value);
}

Status CheckLogLevel(const char* name, const std::string& value) {
  // spdlog's level names (spdlog::level::from_str takes "warning" and "err"
  // too, but answers "off" for anything else, so the list is checked here).
  static const char* const kLevels[] = {"trace", "debug",    "info",
                                        "warn",  "warning",  "error",
                                        "err",   "critical", "off"};
  for (const char* level : kLevels) {
    if (value == level) return Status::OK();
  }
  return Status::InvalidArgument(
      std::string(name) + ": \"" + value +
      "\" is not a log level (trace, debug, info, warn, error, critical, "
      "off)");
}

// Every field, with its range. A limit's floor keeps the server working
// (a frame must hold a Hello, a connection must hold one request); its
// ceiling keeps arithmetic on it far from overflow.
const std::vector<Field>& Fields() {
  static const auto* const fields = new std::vector<Field>{
      {"data", &ServerConfig::data},
      {"listen", &ServerConfig::listen, 0, 0, CheckHostPort},
      {"io_threads", &ServerConfig::io_threads, 0, 1024},
      {"worker_threads", &ServerConfig::worker_threads, 1, 1024},
      {"worker_queue", &ServerConfig::worker_queue, 1, 1 << 20},
      {"max_frame_bytes", &ServerConfig::max_frame_bytes, 1024, 1LL << 30},
      {"max_pre_hello_frame_bytes", &ServerConfig::max_pre_hello_frame_bytes,
       1024, 1LL << 30},
      {"max_connections", &ServerConfig::max_connections, 1, 1 << 20},
      {"max_in_flight", &ServerConfig::max_in_flight, 1, 1 << 16},
      {"max_output_bytes", &ServerConfig::max_output_bytes, 1 << 16, 1LL << 40},
      {"write_stall_timeout_ms", &ServerConfig::write_stall_timeout_ms, 1,
       kMaxDurationMs},
      {"hello_timeout_ms", &ServerConfig::hello_timeout_ms, 1, kMaxDurationMs},
      {"idle_timeout_ms", &ServerConfig::idle_timeout_ms, 0, kMaxDurationMs},
      {"max_rows", &ServerConfig::max_rows, 1, 1 << 20},
      {"max_batch_events", &ServerConfig::max_batch_events, 1, 1 << 20},
      {"drain_timeout_ms", &ServerConfig::drain_timeout_ms, 0, kMaxDurationMs},
      {"rescore_every_ms", &ServerConfig::rescore_every_ms, 0, kMaxDurationMs},
      {"tokens_file", &ServerConfig::tokens_file},
      {"tls_cert", &ServerConfig::tls_cert},
      {"tls_key", &ServerConfig::tls_key},
      {"metrics", &ServerConfig::metrics, 0, 0, CheckOptionalHostPort},
      {"log_level", &ServerConfig::log_level, 0, 0, CheckLogLevel},
  };
  return *fields;
}

bool IsString(const Member& m) {
  return std::holds_alternative<std::string ServerConfig::*>(m);
}

std::string Range(const Field& f) {
  return "(" + std::to_string(f.min) + ".." + std::to_string(f.max) + ")";
}

Status CheckInteger(const Field& f, int64_t value) {
  if (value < f.min || value > f.max) {
    return Status::InvalidArgument(
        std::string(f.name) + ": " + std::to_string(value) +
        (value < 0 ? " is negative " : " is out of range ") + Range(f));
  }
  return Status::OK();
}

// The value of field `f` in `config`: the string, or the integer widened.
Status CheckFieldOf(const Field& f, const ServerConfig& config) {
  return std::visit(
      [&](auto member) -> Status {
        const auto& value = config.*member;
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>,
                                     std::string>) {
          return f.check ? f.check(f.name, value) : Status::OK();
        } else {
          // size_t and uint32_t above INT64_MAX cannot occur below 1 << 40.
          if (static_cast<uint64_t>(value) >
              static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return Status::InvalidArgument(std::string(f.name) + ": " +
                                           std::to_string(value) +
                                           " is out of range " + Range(f));
          }
          return CheckInteger(f, static_cast<int64_t>(value));
        }
      },
      f.member);
}

// The JSON text of `j` for a message, shortened.
std::string Quote(const nlohmann::json& j) {
  std::string text = j.dump();
  if (text.size() > 64) text = text.substr(0, 61) + "...";
  return text;
}

const char* TypeName(const nlohmann::json& j) {
  if (j.is_number_float()) return "a number with a fraction or exponent";
  return j.type_name();
}

// Sets field `f` of `config` from `j`, checking its type and range.
Status SetField(const Field& f, const nlohmann::json& j, ServerConfig* config) {
  const std::string name = f.name;
  if (IsString(f.member)) {
    if (!j.is_string()) {
      return Status::InvalidArgument(name + ": " + Quote(j) + " is " +
                                     TypeName(j) + ", not a string");
    }
    std::string value = j.get<std::string>();
    if (f.check) {
      Status s = f.check(f.name, value);
      if (!s.ok()) return s;
    }
    config->*std::get<std::string ServerConfig::*>(f.member) = std::move(value);
    return Status::OK();
  }
  if (!j.is_number_integer()) {
    return Status::InvalidArgument(name + ": " + Quote(j) + " is " +
                                   TypeName(j) + ", not an integer");
  }
  if (j.is_number_unsigned() &&
      j.get<uint64_t>() >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::InvalidArgument(name + ": " + Quote(j) +
                                   " is out of range " + Range(f));
  }
  const int64_t value = j.get<int64_t>();
  Status s = CheckInteger(f, value);
  if (!s.ok()) return s;
  std::visit(
      [&](auto member) {
        using T = std::decay_t<decltype(config->*member)>;
        if constexpr (!std::is_same_v<T, std::string>) {
          config->*member = static_cast<T>(value);
        }
      },
      f.member);
  return Status::OK();
}

const Field* FindField(const std::string& name) {
  for (const Field& f : Fields()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

Status ReadFile(const std::string& path, std::string* text) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("does not exist");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument("is a directory, not a JSON file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::IOError(std::string("cannot open: ") + std::strerror(errno));
  std::string buffer(kMaxConfigFileBytes + 1, '\0');
  in.read(&buffer[0], static_cast<std::streamsize>(buffer.size()));
  if (in.bad()) return Status::IOError("cannot read");
  buffer.resize(static_cast<size_t>(in.gcount()));
  if (buffer.size() > kMaxConfigFileBytes) {
    return Status::InvalidArgument("is over " +
                                   std::to_string(kMaxConfigFileBytes) +
                                   " bytes; a config file is a small object");
  }
  *text = std::move(buffer);
  return Status::OK();
}

// Parses `text` as one JSON object; a key given twice is refused rather
// than letting the last one win unseen.
Status ParseObject(const std::string& text, nlohmann::json* out) {
  std::string repeated;
  std::set<std::string> keys;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event,
                      nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 &&
        !keys.insert(parsed.get<std::string>()).second && repeated.empty()) {
      repeated = parsed.get<std::string>();
    }
    return true;
  };
  try {
    *out = nlohmann::json::parse(text, callback);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(std::string("is not JSON: ") + e.what());
  }
  if (!out->is_object()) {
    return Status::InvalidArgument(std::string("holds ") + TypeName(*out) +
                                   ", not a JSON object of settings");
  }
  if (!repeated.empty()) {
    return Status::InvalidArgument("key \"" + repeated + "\" appears twice");
  }
  return Status::OK();
}

Status Named(const std::string& path, const Status& s) {
  return Status(s.code(), "config file '" + path + "': " + s.message());
}

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Status LoadConfigFile(const std::string& path, ServerConfig* config) {
  std::string text;
  Status s = ReadFile(path, &text);
  nlohmann::json object;
  if (s.ok()) s = ParseObject(text, &object);
  if (!s.ok()) return Named(path, s);
  ServerConfig updated = *config;
  for (const auto& [key, value] : object.items()) {
    const Field* field = FindField(key);
    if (field == nullptr) {
      return Named(
          path, Status::InvalidArgument("unknown key \"" + key + "\" (value " +
                                        Quote(value) +
                                        "); the keys are ServerConfig's "
                                        "field names, e.g. max_connections"));
    }
    s = SetField(*field, value, &updated);
    if (!s.ok()) return Named(path, s);
  }
  *config = std::move(updated);
  return Status::OK();
}

Status ValidateConfig(const ServerConfig& config) {
  if (config.data.empty()) {
    return Status::InvalidArgument("data: is empty (the database directory)");
  }
  for (const Field& f : Fields()) {
    Status s = CheckFieldOf(f, config);
    if (!s.ok()) return s;
  }
  if (config.max_pre_hello_frame_bytes > config.max_frame_bytes) {
    return Status::InvalidArgument(
        "max_pre_hello_frame_bytes: " +
        std::to_string(config.max_pre_hello_frame_bytes) +
        " is over max_frame_bytes " + std::to_string(config.max_frame_bytes));
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return Status::InvalidArgument(
        config.tls_cert.empty() ? "tls_cert: is empty but tls_key is \"" +
                                      config.tls_key + "\" (TLS needs both)"
                                : "tls_key: is empty but tls_cert is \"" +
                                      config.tls_cert + "\" (TLS needs both)");
  }
  return Status::OK();
}

Status ParseHostPort(const std::string& field, const std::string& value,
                     std::string* host, uint16_t* port) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(field + ": \"" + value + "\" " + why);
  };
  std::string h;
  std::string p;
  if (!value.empty() && value[0] == '[') {
    const size_t close = value.find(']');
    if (close == std::string::npos) return bad("has no ']' after its '['");
    h = value.substr(1, close - 1);
    if (close + 1 >= value.size() || value[close + 1] != ':') {
      return bad("is not [HOST]:PORT (no ':PORT' after ']')");
    }
    p = value.substr(close + 2);
  } else {
    const size_t colon = value.rfind(':');
    if (colon == std::string::npos) return bad("is not HOST:PORT (no ':')");
    h = value.substr(0, colon);
    p = value.substr(colon + 1);
    if (h.find(':') != std::string::npos) {
      return bad(
          "is not HOST:PORT (an IPv6 address goes in brackets: "
          "[::1]:7420)");
    }
  }
  if (h.empty()) return bad("has no host before the port");
  for (char c : h) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '[' || c == ']') {
      return bad("has a space, control character or bracket in its host");
    }
  }
  if (!AllDigits(p)) {
    return bad("has a port that is not a decimal number (\"" + p + "\")");
  }
  if (p.size() > 5 || std::stoul(p) > 65535) {
    return bad("has a port over 65535 (\"" + p + "\")");
  }
  *host = std::move(h);
  *port = static_cast<uint16_t>(std::stoul(p));
  return Status::OK();
}

Result<int64_t> ParseDuration(const std::string& field,
                              const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(field + ": \"" + text + "\" " + why);
  };
  if (text == "0") return int64_t{0};
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  const std::string number = text.substr(0, digits);
  const std::string unit = text.substr(digits);
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 3600 * 1000}};
  int64_t scale = 0;
  for (const auto& [name, ms] : kUnits) {
    if (unit == name) scale = ms;
  }
  if (number.empty() || scale == 0) {
    return bad(
        "is not a duration: digits and one unit (250ms, 45s, 30m, 1h), or 0");
  }
  // Digits past 13 overflow nothing yet but are years beyond the cap.
  if (number.size() > 13 ||
      static_cast<int64_t>(std::stoll(number)) > kMaxDurationMs / scale) {
    return bad("is over the longest duration, 366 days");
  }
  return static_cast<int64_t>(std::stoll(number)) * scale;
}

}  // namespace server
}  // namespace custdb
