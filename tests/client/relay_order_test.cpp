// The order a client tries the relays of an organisation in
// (client/relay_order.h): every relay of the address once, in some order,
// then the relays a verified bundle lists that the address did not name.
#include "client/relay_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace cairn::client {
namespace {

crypto::RelayAddress relay(const std::string& host, std::uint16_t port) {
  return {crypto::x25519_generate().public_key, host, port};
}

std::vector<crypto::RelayAddress> drain(RelayOrder& order) {
  std::vector<crypto::RelayAddress> out;
  while (const auto* r = order.next()) out.push_back(*r);
  return out;
}

TEST(RelayOrder, EveryRelayOfTheAddressOnceThenNothing) {
  crypto::DropAddress a;
  for (int i = 0; i < 8; ++i) a.relays.push_back(relay("relay" + std::to_string(i) + ".example.org", 443));
  RelayOrder order(a);
  EXPECT_EQ(order.size(), 8u);
  auto tried = drain(order);
  ASSERT_EQ(tried.size(), 8u);
  for (const auto& r : a.relays) EXPECT_EQ(std::count(tried.begin(), tried.end(), r), 1);
  EXPECT_EQ(order.next(), nullptr);
  EXPECT_EQ(order.remaining(), 0u);
}

TEST(RelayOrder, ListedRelaysComeAfterTheAddressAndOnlyOnce) {
  crypto::DropAddress a;
  a.relays = {relay("a.example.org", 1), relay("b.example.org", 2)};
  RelayOrder order(a);
  const auto* first = order.next();
  ASSERT_NE(first, nullptr);
  const crypto::RelayAddress kept = *first;

  crypto::VerifiedKeyBundle bundle;
  crypto::VerifiedKeyBundle::ListedRelay same, other;
  same.noise_key = a.relays[0].relay_noise_key;
  same.endpoints = {a.relays[0], {a.relays[0].relay_noise_key, "a.onion-less.example.org", 3}};
  other.noise_key = crypto::x25519_generate().public_key;
  other.endpoints = {{other.noise_key, "c.example.org", 4}};
  bundle.relays = {same, other};
  order.add_listed(bundle);
  EXPECT_EQ(*first, kept);  // what was handed out stays where it was
  EXPECT_EQ(order.size(), 4u);  // a.relays[0] at its address's place is not added again

  auto rest = drain(order);
  ASSERT_EQ(rest.size(), 3u);
  // The address's other relay first, then the two listed places in some order.
  EXPECT_EQ(rest[0], *first == a.relays[0] ? a.relays[1] : a.relays[0]);
  std::set<std::string> listed{rest[1].host, rest[2].host};
  EXPECT_EQ(listed, (std::set<std::string>{"a.onion-less.example.org", "c.example.org"}));
}

}  // namespace
}  // namespace cairn::client
