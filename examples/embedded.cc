// The README's embedded example: open a database, add a channel, a customer
// and an order, and read the customer's aggregates back.
//
//   build/bin/custdb_example_embedded [DIR]
#include <cstdio>
#include <string>

#include "custdb/engine.h"

int main(int argc, char** argv) {
  custdb::Options options;
  options.path = argc > 1 ? argv[1] : "./example-data";
  options.base_currency = "EUR";
  auto opened = custdb::Engine::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  custdb::Engine& db = **opened;

  custdb::Channel web;
  web.id = 1;
  web.name = "web shop";
  web.type = custdb::ChannelType::kEcommerce;
  custdb::Status s = db.PutChannel(web);
  if (!s.ok()) {
    std::fprintf(stderr, "channel: %s\n", s.ToString().c_str());
    return 1;
  }

  custdb::Customer ada;
  ada.code = "C-1001";
  ada.email = "  Ada@Example.COM ";  // stored as ada@example.com
  ada.owner_channel_id = 1;
  auto id = db.CreateCustomer(ada);
  if (!id.ok()) {  // kAlreadyExists when run twice on the same directory
    std::fprintf(stderr, "customer: %s\n", id.status().ToString().c_str());
    return 1;
  }

  custdb::Order order;
  order.id = 5001;
  order.customer_id = *id;
  order.channel_id = 1;
  order.ts_ms = 1700000000000;
  order.amount_minor = 4999;  // 49.99 EUR
  s = db.RecordOrder(order);
  if (!s.ok()) {
    std::fprintf(stderr, "order: %s\n", s.ToString().c_str());
    return 1;
  }

  auto found = db.GetCustomerByEmail("ADA@example.com");
  if (!found.ok()) {
    std::fprintf(stderr, "lookup: %s\n", found.status().ToString().c_str());
    return 1;
  }
  std::printf("customer %llu: %lld order(s), spend %lld minor units\n",
              static_cast<unsigned long long>(found->profile.id),
              static_cast<long long>(found->aggregates.order_count),
              static_cast<long long>(found->aggregates.total_spend_minor));
  return 0;
}
