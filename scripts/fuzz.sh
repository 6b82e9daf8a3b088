#!/usr/bin/env bash
# Coverage-guided fuzzing campaigns with libFuzzer (clang 19 from Debian),
# ASan+UBSan, every library instrumented (-fsanitize=fuzzer-no-link).
#
#   scripts/fuzz.sh [CPU_SECONDS_PER_TARGET] [TARGET...]   (default 60 s, every target)
#
# Each target starts from its corpus in fuzz/corpus/<target> (what CI replays)
# and, when its run ends, the corpus is minimised back into that folder with
# -merge=1, so the next CI run starts where the campaign ended. A line per
# target goes to build/fuzz/report.tsv: CPU seconds, executions, cov, ft,
# crashes. Crashing inputs are kept in build/fuzz/crashes/. Not run by CI.
# CAIRN_FUZZ_UNTIL=<epoch seconds>: stop fuzzing at that time (the current
# target is merged and reported with the CPU time it had; later ones are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
./scripts/bootstrap.sh
if ! command -v clang++-19 >/dev/null; then
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang-19 libclang-rt-19-dev >/dev/null
fi
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCAIRN_LIBFUZZER=ON -DCAIRN_SANITIZE=ON -DCAIRN_BUILD_TESTS=OFF >/dev/null
# clang cannot compile qpdf 11.3's headers in C++20: in this build PDFs are
# refused unread (clean/without_qpdf/pdf.cpp), so attachment_formats fuzzes
# every other format here; its PDF inputs replay under g++'s ASan (sanitize.sh).
all=(age_file text_formats signed_formats transport relay_session export_bundle socks5 codename submission_stream attachment_formats relay_config)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
cmake --build build/fuzz --target "${targets[@]/#/cairn_fuzz_}"

max_len() {
  case $1 in
    age_file) echo 70000 ;;
    relay_session) echo 65536 ;;
    export_bundle) echo 300000 ;;
    *) echo 8192 ;;
  esac
}

mkdir -p build/fuzz/crashes build/fuzz/logs
report=build/fuzz/report.tsv
[[ -f $report ]] || printf 'target\tcpu_s\texecs\tcov\tft\tcorpus_files\tcrashes\n' >"$report"
for t in "${targets[@]}"; do
  if [[ -n ${CAIRN_FUZZ_UNTIL:-} ]] && (($(date +%s) >= CAIRN_FUZZ_UNTIL)); then
    echo "cairn: fuzz: out of time, $t not run"
    continue
  fi
  bin=build/fuzz/fuzz/cairn_fuzz_$t
  work=build/fuzz/corpus/$t
  mkdir -p "$work" "fuzz/corpus/$t"
  log=build/fuzz/logs/$t.log
  echo "cairn: fuzz: $t for ${seconds} s"
  before=$(find build/fuzz/crashes -name "$t-*" | wc -l)
  # The budget is CPU time, not wall time: on a shared machine a run of N wall
  # seconds gets less. Runs of at most the remaining budget follow each other,
  # each resuming from the corpus the last one grew, until the target has had
  # its CPU seconds. A crash ends a run (its input is saved); the next run goes
  # on, at most 50 runs per target.
  cpu=0 execs=0 runs=0
  : >"$log"
  while ((cpu < seconds && runs < 50)); do
    wall=$((seconds - cpu))
    if [[ -n ${CAIRN_FUZZ_UNTIL:-} ]]; then
      left=$((CAIRN_FUZZ_UNTIL - $(date +%s)))
      ((left > 0)) || break
      ((wall < left)) || wall=$left
    fi
    runs=$((runs + 1))
    start_cpu=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "$bin" -max_total_time="$wall" \
      -max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="build/fuzz/crashes/$t-" "$work" "fuzz/corpus/$t" >"$log.run" 2>&1 \
      || echo "cairn: fuzz: $t stopped with a finding (see $log)"
    cat "$log.run" >>"$log"
    # CPU seconds of the run (children's user+system ticks, which include it).
    cpu=$(awk -v s="$start_cpu" -v c="$cpu" '{printf "%.0f", c + ($14+$15+$16+$17-s)/100}' /proc/$$/stat)
    run_execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log.run" | tail -1)
    execs=$((execs + ${run_execs:-0}))
  done
  rm -f "$log.run"
  covline=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -1)
  # Minimise what the campaign found back into the repository's corpus.
  fresh=$(mktemp -d build/fuzz/merge-XXXXXX)
  ASAN_OPTIONS=detect_leaks=0 "$bin" -merge=1 -max_len="$(max_len "$t")" -artifact_prefix="build/fuzz/crashes/$t-merge-" \
    "$fresh" "fuzz/corpus/$t" "$work" \
    >"build/fuzz/logs/$t.merge.log" 2>&1 || true
  if [[ -n $(ls -A "$fresh") ]]; then rm -rf "fuzz/corpus/$t"; mv "$fresh" "fuzz/corpus/$t"; else rm -rf "$fresh"; fi
  crashes=$(($(find build/fuzz/crashes -name "$t-*" | wc -l) - before))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$cpu" "${execs:-?}" "$(awk '{print $2}' <<<"$covline")" \
    "$(awk '{print $4}' <<<"$covline")" "$(ls "fuzz/corpus/$t" | wc -l)" "$crashes" >>"$report"
  tail -1 "$report"
done
