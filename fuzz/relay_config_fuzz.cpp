// The relay operator's `--config` file (INI or TOML, read by CLI11's config
// reader into the serve options). A file must be refused with a parse error or
// give a configuration inside every declared range; nothing else may escape.
#include <string>
#include <vector>

#include "common/bytes.h"
#include "fuzz/fuzz_target.h"
#include "relay/serve_options.h"

namespace {

using namespace cairn::relay;

template <class Duration, class Max>
void require_within(Duration d, Max max) {
  if (d.count() < 0 || d > max) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // As cairn-relay does it: `serve` parsed, then the file's text applied.
  CLI::App app;
  auto* serve = app.add_subcommand("serve");
  ServeOptions options;
  options.declare(*serve, /*testing_switches=*/false);
  try {
    app.parse(std::vector<std::string>{"serve"});
    ServeOptions::apply_config(*serve, cairn::as_chars(cairn::fuzz::input(data, size)));
  } catch (const CLI::ParseError&) {
    return 0;  // what cairn-relay prints as a usage error
  }
  const ServeConfig c = options.config();
  require_within(c.limits.message1_timeout, kMaxTimeout);
  require_within(c.limits.handshake_timeout, kMaxTimeout);
  require_within(c.limits.idle_timeout, kMaxTimeout);
  require_within(c.limits.operation_timeout, kMaxTimeout);
  require_within(c.limits.session_lifetime, kMaxSessionLifetime);
  require_within(c.shutdown_grace, kMaxShutdownGrace);
  if (c.report_interval < kMinReportInterval || c.report_interval > kMaxReportInterval) __builtin_trap();
  if (c.limits.max_connections == 0 || c.limits.drops_per_connection == 0 || c.limits.pow_bits > 32) __builtin_trap();
  return 0;
}
