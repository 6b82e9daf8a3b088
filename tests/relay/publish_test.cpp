// `cairn-relay publish`: a key bundle and the drop size it sets are installed
// together or not at all, so a running relay never serves one with the other's
// drop size.
#include "relay/publish.h"

#include <gtest/gtest.h>

#include "relay/relay_keys.h"
#include "support/relay_fixture.h"

namespace cairn::relay {
namespace {

TEST(Publish, KeyBundleAndDropSizeAreOneTransaction) {
  test::RelayUnderTest r;
  r.init(32768);
  auto store = r.open_store();
  auto before = store->get_meta(meta::kKeyBundle);
  ASSERT_TRUE(before.ok() && before->has_value());

  // Make the second of the two writes fail, as a crash or a full disk could.
  ASSERT_TRUE(store->database()
                  .exec("CREATE TEMP TRIGGER fail_drop_size BEFORE INSERT ON meta WHEN NEW.name = '" +
                        std::string(meta::kDropSize) + "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;")
                  .ok());
  auto other = r.deployment.bundle(r.relay_keys, 16384);
  auto published = publish_key_bundle(*store, other, today_utc());
  ASSERT_FALSE(published.ok());

  const std::string_view names[] = {meta::kKeyBundle, meta::kDropSize};
  auto pair = store->get_metas(names);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(*(*pair)[0], **before) << "the new bundle was installed without its drop size";
  ASSERT_EQ((*pair)[1]->size(), 4u);
  EXPECT_EQ(get_u32be((*pair)[1]->data()), 32768u);

  // Without the fault both change together.
  ASSERT_TRUE(store->database().exec("DROP TRIGGER fail_drop_size;").ok());
  ASSERT_TRUE(publish_key_bundle(*store, other, today_utc()).ok());
  pair = store->get_metas(names);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(*(*pair)[0], other);
  EXPECT_EQ(get_u32be((*pair)[1]->data()), 16384u);
}

}  // namespace
}  // namespace cairn::relay
