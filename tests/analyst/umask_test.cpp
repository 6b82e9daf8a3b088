// An analyst or operator whose shell has an unusual umask: 0277 (new
// directories unwritable by their own owner) or 0002 (shared with a group).
// The programs replace it with 077 (common/hardening.h): station and relay
// initialise and work, and whatever they create is their owner's alone.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "station.h"
#include "support/relay_fixture.h"

namespace cairn::analyst {
namespace {

namespace fs = std::filesystem;

// The umask this test process (and so every program it starts) has, for a scope.
class InheritedUmask {
 public:
  explicit InheritedUmask(mode_t mask) : old_(::umask(mask)) {}
  InheritedUmask(const InheritedUmask&) = delete;
  InheritedUmask& operator=(const InheritedUmask&) = delete;
  ~InheritedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

// Paths under `root` (itself included) that anyone but their owner may use.
std::vector<std::string> shared_paths(const fs::path& root) {
  std::vector<std::string> out;
  auto check = [&](const fs::path& p) {
    auto perms = fs::symlink_status(p).permissions();
    if ((perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) out.push_back(p.string());
  };
  check(root);
  for (const auto& e : fs::recursive_directory_iterator(root)) check(e.path());
  return out;
}

TEST(InheritedUmask, TheStationAndTheRelayWorkAndKeepWhatTheyMakeToThemselves) {
  for (mode_t mask : {mode_t{0277}, mode_t{0002}}) {
    SCOPED_TRACE(testing::Message() << "umask " << std::oct << mask);
    test::Station station;       // the tests' own folders are made before the umask changes
    test::RelayUnderTest relay;
    {
      InheritedUmask inherited(mask);
      station.init("kim");
      station.ok({"analyst", "add", "lee"});
      relay.init();  // cairn-relay init, then publish
    }
    ASSERT_FALSE(station.org_text().empty());
    EXPECT_EQ(shared_paths(station.vault()), std::vector<std::string>{});
    EXPECT_EQ(shared_paths(relay.relay_dir()), std::vector<std::string>{});
    // And the vault opens again and holds both analysts.
    auto list = station.ok({"analyst", "list"});
    EXPECT_NE(list.out.find("lee"), std::string::npos) << list.out;
  }
}

}  // namespace
}  // namespace cairn::analyst
