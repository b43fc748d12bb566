// Records <-> their stored FlatBuffers bytes (schema/records.fbs). Decode
// verifies the buffer first: a damaged value is kCorruption, never a crash.
#ifndef CUSTDB_ENGINE_STORAGE_CODEC_H_
#define CUSTDB_ENGINE_STORAGE_CODEC_H_

#include <string>
#include <string_view>

#include "custdb/policy.h"
#include "custdb/status.h"
#include "custdb/types.h"
#include "storage/derived_state.h"

namespace custdb {
namespace codec {

// The encoded bytes in this thread's builder: valid until the next
// Encode/EncodeView on the thread. The write path puts them straight into
// its WriteBatch instead of copying each record into a string first.
std::string_view EncodeView(const Channel& channel);
std::string_view EncodeView(const Customer& customer);
std::string_view EncodeView(const Order& order);
std::string_view EncodeView(const Interaction& interaction);
std::string_view EncodeView(const Aggregates& aggregates);
// The aggregates record with its derived attributes.
std::string_view EncodeView(const Aggregates& aggregates,
                            const DerivedState& derived);
std::string Encode(const TierPolicy& policy);

std::string Encode(const Channel& channel);
std::string Encode(const Customer& customer);
std::string Encode(const Order& order);
std::string Encode(const Interaction& interaction);
std::string Encode(const Aggregates& aggregates);

Status Decode(std::string_view bytes, Channel* out);
Status Decode(std::string_view bytes, Customer* out);
Status Decode(std::string_view bytes, Order* out);
Status Decode(std::string_view bytes, Interaction* out);
Status Decode(std::string_view bytes, Aggregates* out);
Status Decode(std::string_view bytes, Aggregates* out, DerivedState* derived);
Status Decode(std::string_view bytes, TierPolicy* out);

}  // namespace codec
}  // namespace custdb

#endif  // CUSTDB_ENGINE_STORAGE_CODEC_H_
