// The station's import: N text drops (32 KiB, two analysts) exported by a
// relay store and imported into a vault in this process (analyst/import.h),
// against the primitive that bounds it, open_drop with the vault's keys,
// measured in the same run on one thread.
//
//   cairn_bench_import [--drops N]
//
// It reuses the tests' station (tests/analyst/station.h: the real
// cairn-analyst-testing program makes the vault and its keys).
#include <iostream>

#include "analyst/import.h"
#include "analyst/keys.h"
#include "analyst/station.h"
#include "bench_support.h"
#include "common/work_pool.h"

// CPU time of this whole process (every thread), in seconds.
double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int main(int argc, char** argv) {
  using namespace cairn;
  std::size_t n = 4096;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--drops") n = std::stoul(argv[i + 1]);

  test::Station station;
  auto relay = test::two_analysts_and_a_relay(station);
  station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string()});
  const auto today = today_utc();
  const auto recipients = station.recipients(today);

  std::vector<Bytes> drops;
  drops.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    drops.push_back(test::seal(test::text_body("testimony number " + std::to_string(i)), recipients));
  relay->put(drops);
  auto bundle = relay->export_to(station.path("export.tar"));

  auto vault = station.open();
  auto identities = test::must(analyst::messaging_identities(*vault), "identities");
  // The primitive: opening one drop with the vault's keys, one thread.
  const int probes = 400;
  auto open_cost = bench::cost_per_call(probes, [&, i = std::size_t{0}]() mutable {
    auto body = crypto::open_drop(drops[i++ % drops.size()], identities, drops[0].size());
    if (!body.ok()) bench::die("open_drop: " + body.error().message);
  });

  analyst::ImportOptions o;
  o.today = today;
  const double cpu0 = process_cpu_seconds();
  const auto start = bench::Clock::now();
  auto report = analyst::import_bundle(*vault, bundle, o);
  const double wall = bench::seconds_since(start);
  const double cpu = process_cpu_seconds() - cpu0;
  if (!report.ok()) bench::die("import: " + report.error().message);
  if (report->texts != n) bench::die("import stored " + std::to_string(report->texts) + " texts, not " + std::to_string(n));

  const unsigned cores = WorkPool::cores();
  std::cout << "| drops | import wall | drops/s | import CPU per drop | open_drop (one thread) | "
               "bound: cores / open_drop | achieved / bound |\n|---|---|---|---|---|---|---|\n";
  const double rate = static_cast<double>(n) / wall;
  const double bound = cores / (open_cost.wall_us * 1e-6);
  std::cout << "| " << n << " | " << wall << " s | " << rate << " | " << cpu / static_cast<double>(n) * 1e6 << " µs | "
            << open_cost.wall_us << " µs | " << bound << " drops/s (" << cores << " cores) | "
            << rate / bound << " |\n";
  return 0;
}
