#include "analyst/commands.h"

#include <unistd.h>

#include <iostream>

#include "analyst/files.h"
#include "analyst/reply.h"
#include "common/cli.h"
#include "common/files.h"
#include "crypto/reply.h"
#include "crypto/secret.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

namespace fs = std::filesystem;
using i18n::tr;
using i18n::trf;

int reply_command(const CommandContext& g, std::int64_t id, const std::string& text_path, const fs::path& out, DayNumber keep) {
  // Read at most one byte past what a reply holds (to an X25519 key, the
  // larger): enough for write_reply to refuse an over-long text with its size
  // message for the source's key, never an unbounded read.
  const std::size_t cap = crypto::reply_text_capacity(crypto::DropRecipients::x25519) + 1;
  std::string text;
  if (text_path.empty() || text_path == "-") {
    if (::isatty(STDIN_FILENO) != 0) cli::info(tr("type the reply, then press Ctrl-D on a new line"));
    text.resize(cap);
    std::cin.read(text.data(), static_cast<std::streamsize>(cap));
    text.resize(static_cast<std::size_t>(std::cin.gcount()));
  } else {
    auto bytes = read_file_capped(text_path, cap, tr("the reply"));
    if (!bytes.ok())
      return cli::fail(bytes.error(), trf("a reply holds at most %s bytes of UTF-8 (%s to a source with a "
                                          "post-quantum key); split it into several replies",
                                          crypto::reply_text_capacity(crypto::DropRecipients::x25519),
                                          crypto::reply_text_capacity(crypto::DropRecipients::hybrid)));
    text.assign(as_chars(*bytes));
    crypto::wipe(*bytes);
  }
  int rc = with_vault(g, [&](Vault& vault) {
    auto written = write_reply(vault, id, text, g.today, keep);
    crypto::wipe(text.data(), text.size());
    if (!written.ok()) return cli::fail(written.error());
    if (auto st = write_new_file(out, written->batch_file, 0644); !st.ok()) return cli::fail(st.error());
    std::cout << trf("reply to testimony %s written to %s (on the reply board until %s)", id, out.string(),
                     format_day(written->expires_day))
              << "\n";
    cli::info(trf("carry it to the relay and run: %s", "cairn-relay publish " + out.filename().string()));
    return 0;
  });
  crypto::wipe(text.data(), text.size());  // also when the vault did not open
  return rc;
}

}  // namespace cairn::analyst
