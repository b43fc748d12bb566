#include "counters.h"

#include "keys.h"

namespace custdb {
namespace {

class AddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/,
             const rocksdb::Slice* existing_value, const rocksdb::Slice& value,
             std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    int64_t base = 0;
    int64_t delta = 0;
    if (existing_value != nullptr &&
        !keys::DecodeCounter(existing_value->ToStringView(), &base)) {
      return false;  // surfaces as kCorruption on read
    }
    if (!keys::DecodeCounter(value.ToStringView(), &delta)) return false;
    *new_value = keys::EncodeCounter(static_cast<int64_t>(
        static_cast<uint64_t>(base) + static_cast<uint64_t>(delta)));
    return true;
  }
  const char* Name() const override { return "custdb.add_i64"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewAddOperator() {
  return std::make_shared<AddOperator>();
}

}  // namespace custdb
