#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (clang 19 from Debian), ASan+UBSan.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# CI does not run this (it runs each target's bounded driver through CTest);
# run it after changing a parser. New crashing inputs land in build/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
./scripts/bootstrap.sh
if ! command -v clang++-19 >/dev/null; then
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq clang-19 libclang-rt-19-dev >/dev/null
fi
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCAIRN_LIBFUZZER=ON -DCAIRN_SANITIZE=ON -DCAIRN_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --target cairn_fuzz_age_file cairn_fuzz_text_formats cairn_fuzz_signed_formats cairn_fuzz_transport \
  cairn_fuzz_attachment_formats
for t in age_file text_formats signed_formats transport attachment_formats; do
  mkdir -p "build/fuzz/corpus/$t"
  echo "cairn: fuzz: $t for ${seconds}s"
  (cd build/fuzz && "./fuzz/cairn_fuzz_$t" -max_total_time="$seconds" -max_len=70000 \
     "corpus/$t" "../../fuzz/corpus/$t")
done
