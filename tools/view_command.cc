// custdb view: one customer with its derived attributes and its newest
// orders and interactions.
#include <cstdio>
#include <iostream>
#include <string>

#include "command_table.h"
#include "command_util.h"
#include "custdb/reports.h"
#include "custdb/time_format.h"

namespace custdb {
namespace tools {
namespace {

constexpr char kCommand[] = "view";

nlohmann::ordered_json OrderJson(const Order& o) {
  nlohmann::ordered_json j;
  j["id"] = o.id;
  j["ts"] = FormatIso8601(o.ts_ms);
  j["channel_id"] = o.channel_id;
  j["kind"] = OrderKindName(o.kind);
  j["status"] = OrderStatusName(o.status);
  j["amount_minor"] = o.amount_minor;
  j["refunded_minor"] = o.refunded_minor;
  j["items"] = o.items.size();
  return j;
}

nlohmann::ordered_json InteractionJson(const Interaction& i) {
  nlohmann::ordered_json j;
  j["id"] = i.id;
  j["ts"] = FormatIso8601(i.ts_ms);
  j["channel_id"] = i.channel_id == 0 ? nlohmann::ordered_json(nullptr)
                                      : nlohmann::ordered_json(i.channel_id);
  j["kind"] = InteractionKindName(i.kind);
  j["satisfaction"] = i.satisfaction ? nlohmann::ordered_json(*i.satisfaction)
                                     : nlohmann::ordered_json(nullptr);
  j["nps"] =
      i.nps ? nlohmann::ordered_json(*i.nps) : nlohmann::ordered_json(nullptr);
  j["resolved_at"] =
      i.resolved_at_ms
          ? nlohmann::ordered_json(FormatIso8601(*i.resolved_at_ms))
          : nlohmann::ordered_json(nullptr);
  return j;
}

void PrintJsonView(const CustomerView& view) {
  nlohmann::ordered_json j;
  j["customer"] = CustomerJson(view.customer);
  j["recent_orders"] = nlohmann::ordered_json::array();
  for (const Order& o : view.recent_orders) {
    j["recent_orders"].push_back(OrderJson(o));
  }
  j["recent_interactions"] = nlohmann::ordered_json::array();
  for (const Interaction& i : view.recent_interactions) {
    j["recent_interactions"].push_back(InteractionJson(i));
  }
  PrintJson(j);
}

void PrintTextView(const CustomerView& view) {
  // The same fields as the JSON, one "key: value" line each.
  const nlohmann::ordered_json customer = CustomerJson(view.customer);
  for (const auto& [key, value] : customer.items()) {
    std::string text = value.is_null() || value == "" ? "-"
                       : value.is_string()            ? value.get<std::string>()
                                                      : value.dump();
    char label[64];
    std::snprintf(label, sizeof(label), "%-18s", (key + ":").c_str());
    std::cout << label << text << "\n";
  }
  std::cout << "\nrecent orders (" << view.recent_orders.size() << "):\n";
  for (const Order& o : view.recent_orders) {
    std::cout << "  " << FormatIso8601(o.ts_ms) << "  #" << o.id << "  "
              << OrderKindName(o.kind) << " " << OrderStatusName(o.status)
              << "  " << FormatCount(o.amount_minor) << " minor, channel "
              << o.channel_id << "\n";
  }
  std::cout << "\nrecent interactions (" << view.recent_interactions.size()
            << "):\n";
  for (const Interaction& i : view.recent_interactions) {
    std::cout << "  " << FormatIso8601(i.ts_ms) << "  #" << i.id << "  "
              << InteractionKindName(i.kind);
    if (i.satisfaction) std::cout << ", satisfaction " << *i.satisfaction;
    if (i.nps) std::cout << ", nps " << *i.nps;
    if (i.resolved_at_ms) {
      std::cout << ", resolved " << FormatIso8601(*i.resolved_at_ms);
    }
    std::cout << "\n";
  }
}

class ViewCommand : public Command {
 public:
  void AddFlags(CLI::App& cmd) override {
    cmd.add_option("--id", id_, "Customer id (> 0)")
        ->check(PositiveInteger())
        ->transform(DecimalInteger());
    cmd.add_option("--code", code_, "Customer code");
    cmd.add_flag("--json", json_, "Print as JSON");
  }

  int Check() override {
    if (id_.has_value() == code_.has_value()) {
      return UsageError(kCommand, id_ ? "give --id or --code, not both"
                                      : "give --id or --code");
    }
    return kExitOk;
  }

  int RunOnStore(Store& store) override {
    uint64_t id = id_.value_or(0);
    if (code_) {
      Result<CustomerRecord> found = store.GetCustomerByCode(*code_);
      if (!found.ok()) {
        return EngineError(std::string(kCommand) + " --code '" + *code_ + "'",
                           found.status());
      }
      id = found->profile.id;
    }
    Result<CustomerView> view = store.ViewCustomer(id);
    if (!view.ok()) return EngineError(kCommand, view.status());
    if (json_) {
      PrintJsonView(*view);
    } else {
      PrintTextView(*view);
    }
    return kExitOk;
  }

 private:
  std::optional<uint64_t> id_;
  std::optional<std::string> code_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeViewCommand() {
  return std::make_unique<ViewCommand>();
}

}  // namespace tools
}  // namespace custdb
