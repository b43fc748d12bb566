// The counter merge operator: adds i64 deltas and counter vectors.
#include "storage/counter_merge_operator.h"

#include "storage/keys.h"

namespace custdb {
namespace {

class AddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/,
             const rocksdb::Slice* existing_value, const rocksdb::Slice& value,
             std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    // Plain counters (8 bytes) stay plain, so record counters keep their
    // format; anything else is a counter vector.
    if (value.size() == 8 &&
        (existing_value == nullptr || existing_value->size() == 8)) {
      int64_t base = 0;
      int64_t delta = 0;
      if (existing_value != nullptr &&
          !keys::DecodeCounter(existing_value->ToStringView(), &base)) {
        return false;  // surfaces as kCorruption on read
      }
      keys::DecodeCounter(value.ToStringView(), &delta);
      *new_value = keys::EncodeCounter(static_cast<int64_t>(
          static_cast<uint64_t>(base) + static_cast<uint64_t>(delta)));
      return true;
    }
    keys::CounterVec sum, delta;
    if (existing_value != nullptr &&
        !keys::DecodeCounterVec(existing_value->ToStringView(), &sum)) {
      return false;
    }
    if (!keys::DecodeCounterVec(value.ToStringView(), &delta)) return false;
    keys::AddCounterVec(&sum, delta);
    *new_value = keys::EncodeCounterVec(sum);
    return true;
  }
  const char* Name() const override { return "custdb.add_i64"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewAddOperator() {
  return std::make_shared<AddOperator>();
}

}  // namespace custdb
