// DIR/SERVER.json: written and removed by the server, read by offline
// commands that find the database locked.
#include "server/holder_file.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "custdb/time_format.h"
#include "server/config.h"

namespace custdb {
namespace server {
namespace {

// Larger than any holder file; a bigger one is not ours.
constexpr std::streamsize kMaxHolderFileBytes = 64 * 1024;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The address a local client reaches the server on: a wildcard bind is
// reached on loopback.
std::string ConnectAddress(const std::string& listen) {
  std::string host;
  uint16_t port = 0;
  if (!ParseHostPort("listen", listen, &host, &port).ok()) return listen;
  if (host == "0.0.0.0") return "127.0.0.1:" + std::to_string(port);
  if (host == "::") return "[::1]:" + std::to_string(port);
  return listen;
}

}  // namespace

std::string HolderFilePath(const std::string& dir) {
  return dir + "/" + kHolderFileName;
}

Status WriteHolderFile(const std::string& dir, const std::string& listen) {
  const int64_t started = NowMs();
  nlohmann::ordered_json j;
  j["program"] = "custdb serve";
  j["pid"] = static_cast<int64_t>(::getpid());
  j["listen"] = listen;
  j["started_ms"] = started;
  j["started"] = FormatIso8601(started);
  const std::string path = HolderFilePath(dir);
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << "\n";
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      return Status::IOError("holder file: cannot write '" + temp + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return Status::IOError("holder file: cannot rename '" + temp + "' to '" +
                           path + "': " + ec.message());
  }
  return Status::OK();
}

Status RemoveHolderFile(const std::string& dir) {
  Result<HolderInfo> info = ReadHolderFile(dir);
  if (info.status().code() == StatusCode::kNotFound) return Status::OK();
  // Another process's file (a server started since) stays; an unreadable
  // one is ours to clear, since this process held the lock.
  if (info.ok() && info->pid != static_cast<int64_t>(::getpid())) {
    return Status::OK();
  }
  std::error_code ec;
  std::filesystem::remove(HolderFilePath(dir), ec);
  if (ec) {
    return Status::IOError("holder file: cannot remove '" +
                           HolderFilePath(dir) + "': " + ec.message());
  }
  return Status::OK();
}

Result<HolderInfo> ReadHolderFile(const std::string& dir) {
  const std::string path = HolderFilePath(dir);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("holder file: '" + path + "' is absent");
  std::string text(static_cast<size_t>(kMaxHolderFileBytes), '\0');
  in.read(&text[0], kMaxHolderFileBytes);
  text.resize(static_cast<size_t>(in.gcount()));
  auto bad = [&path](const std::string& why) {
    return Status::Corruption("holder file: '" + path + "' " + why);
  };
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("is not a JSON object");
  HolderInfo info;
  auto program = j.find("program");
  auto pid = j.find("pid");
  auto listen = j.find("listen");
  auto started = j.find("started_ms");
  if (program == j.end() || !program->is_string() || pid == j.end() ||
      !pid->is_number_integer() || listen == j.end() || !listen->is_string()) {
    return bad("lacks program, pid or listen");
  }
  info.program = program->get<std::string>();
  info.pid = pid->get<int64_t>();
  info.listen = listen->get<std::string>();
  if (started != j.end() && started->is_number_integer()) {
    info.started_ms = started->get<int64_t>();
  }
  return info;
}

bool ProcessIsRunning(int64_t pid) {
  if (pid <= 0 || pid != static_cast<int64_t>(static_cast<pid_t>(pid))) {
    return false;
  }
  // EPERM: it exists but belongs to another user.
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string LockedReason(const std::string& dir, const Status& error,
                         bool can_connect) {
  const std::string locked = "it is locked (" + dir + "/LOCK)";
  Result<HolderInfo> info = ReadHolderFile(dir);
  if (!info.ok() || !ProcessIsRunning(info->pid)) {
    std::string reason = locked + " by another process";
    if (info.ok()) {
      reason += " (" + HolderFilePath(dir) + " names " + info->program +
                ", pid " + std::to_string(info->pid) +
                ", which is no longer running)";
    }
    return reason + ": " + error.ToString();
  }
  std::ostringstream out;
  out << locked << " by " << info->program << ", pid " << info->pid
      << ", listening on " << info->listen;
  if (info->started_ms > 0) out << " since " << FormatIso8601(info->started_ms);
  if (can_connect) {
    out << "; use --connect " << ConnectAddress(info->listen)
        << " or stop the server";
  } else {
    out << "; stop the server first";
  }
  return out.str();
}

}  // namespace server
}  // namespace custdb
