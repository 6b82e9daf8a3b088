#include "relay/commands.h"

#include "common/cli.h"
#include "relay/disk_space.h"
#include "relay/server.h"

namespace cairn::relay {

int serve_command(const RelayDir& paths, ServeConfig config) {
  config.store_path = paths.store();
  config.key_file = paths.key();
  // serve() checks this too; here it gets its hint.
  if (auto room = check_free_space_to_start(config.store_path, config.limits.min_free_bytes); !room.ok())
    return cli::fail(room.error(), "free space on the disk that holds the store, then start the relay again");
  auto st = serve(config);
  if (!st.ok()) return cli::fail(st.error());
  return 0;
}

}  // namespace cairn::relay
