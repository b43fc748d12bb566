// Verify's last pass: channel records, and each record counter against the
// number of records the passes found. Orders and interactions have no
// counter (Counts() counts their id index, which Verify checks entry by
// entry).
#include <memory>
#include <string>
#include <utility>

#include "storage/codec.h"
#include "storage/keys.h"
#include "verify/verify_context.h"

namespace custdb {
namespace {

using keys::RecordKind;

Status CheckChannels(VerifyContext* ctx) {
  StorageIterator it = ctx->Scan(keys::Cf::kChannels);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    ++ctx->Records(RecordKind::kChannel);
    uint64_t id = 0;
    Channel channel;
    Status s = codec::Decode(it.value(), &channel);
    if (!keys::DecodeIdKey(it.key(), &id)) {
      ctx->Problem("channels key " + Hex(it.key()) + " is not a channel id");
    } else if (!s.ok()) {
      ctx->Problem("channel " + std::to_string(id) +
                   ": record does not decode: " + s.message());
    } else if (channel.id != id) {
      ctx->Problem("channel " + std::to_string(id) + ": record holds id " +
                   std::to_string(channel.id));
    }
  }
  return it.status("verify: scanning channels");
}

// Compares one counter with `counted`.
Status CheckCounter(VerifyContext* ctx, RecordKind kind, const char* name,
                    int64_t counted) {
  const std::string what = std::string("record counter of ") + name;
  std::string raw;
  bool found = false;
  const std::string context = "verify: " + what;
  Status s = ctx->Get(keys::Cf::kCounters, keys::RecordCountKey(kind), &raw,
                      &found, context);
  if (s.code() == StatusCode::kCorruption) {  // e.g. the merge operator
                                              // refused an operand
    // The message is context + ": " + RocksDB's text (FromRocks).
    ctx->Problem(what +
                 " cannot be read: " + s.message().substr(context.size() + 2));
    return Status::OK();
  }
  if (!s.ok()) return s;
  int64_t stored = 0;  // an absent counter is 0
  if (found && !keys::DecodeCounter(raw, &stored)) {
    ctx->Problem(what + " holds " + Hex(raw) + ", not an i64");
  } else if (stored != counted) {
    ctx->Problem(what + ": stored " + std::to_string(stored) + ", counted " +
                 std::to_string(counted));
  }
  return Status::OK();
}

}  // namespace

Status VerifyRecordCounters(VerifyContext* ctx) {
  static constexpr std::pair<RecordKind, const char*> kKinds[] = {
      {RecordKind::kChannel, "channels"},
      {RecordKind::kCustomer, "customers"},
  };
  Status s = CheckChannels(ctx);
  for (const auto& [kind, name] : kKinds) {
    if (s.ok()) s = CheckCounter(ctx, kind, name, ctx->Records(kind));
  }
  return s;
}

}  // namespace custdb
