#!/usr/bin/env bash
# Builds the release preset, runs the benchmarks with fixed parameters and
# writes docs/BENCHMARKS.md: the primitives' cost on this machine (the
# reference, DESIGN.md section 10) and a real relay under load on loopback,
# with the ratio between the two.
#
#   scripts/bench.sh            # 10 s per load run
#   RUN_SECONDS=30 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_SECONDS=${RUN_SECONDS:-10}
BENCH=build/release/bench
OUT=docs/BENCHMARKS.md
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cmake --preset release >/dev/null
cmake --build --preset release --target cairn_bench_primitives cairn_bench_relay_load cairn_bench_client_submit \
  cairn_bench_import cairn_bench_relay_connections cairn-relay cairn cairn-analyst-testing
# The client: a 256 MiB file to a loopback relay against `age -r A -r B`, and a
# smaller one through a proxy that delays each direction by 500 ms and passes
# 2 MiB/s each way (a Tor circuit); the station's import; many connections.
CLIENT_MIB=${CLIENT_MIB:-256}
DELAY_MIB=${DELAY_MIB:-32}
DELAY_RATE=${DELAY_RATE:-2}
IMPORT_DROPS=${IMPORT_DROPS:-4096}
BIG_DROP=${BIG_DROP:-262144}
CONNECTIONS=${CONNECTIONS:-10000}

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== primitives"
"$BENCH/cairn_bench_primitives" | tee "$WORK/primitives"

# "clients drops-per-connection" for each load run.
CONFIGS=("16 16" "64 16" "16 1" "64 1")
for cfg in "${CONFIGS[@]}"; do
  read -r clients k <<<"$cfg"
  echo "== relay load: $clients clients, $k drops per connection"
  "$BENCH/cairn_bench_relay_load" --threads "$clients" --drops-per-connection "$k" --seconds "$RUN_SECONDS" \
    | tee "$WORK/load_${clients}_${k}"
done

# The same as "16 1", calm and with 16 more threads flooding the relay with
# connections that send a message 1 and nothing else: junk (an X25519 each for
# the relay, then a close) or a replayed valid one (the whole handshake, three
# X25519); each with 1 relay worker and with one per core.
FLOOD=16
WORKERS_N=$(nproc)
FLOOD_RUNS=()
for w in 1 "$WORKERS_N"; do
  for kind in calm junk valid; do
    args=(--threads 16 --drops-per-connection 1 --seconds "$RUN_SECONDS" --workers "$w")
    [ "$kind" != calm ] && args+=(--flood "$FLOOD" --flood-kind "$kind")
    echo "== relay load: 16 clients, 1 drop per connection, $w workers, $kind"
    "$BENCH/cairn_bench_relay_load" "${args[@]}" | tee "$WORK/flood_${w}_${kind}"
    FLOOD_RUNS+=("$BENCH/cairn_bench_relay_load ${args[*]}")
  done
done

echo "== client: $CLIENT_MIB MiB attachment, loopback"
"$BENCH/cairn_bench_client_submit" --size-mib "$CLIENT_MIB" | tee "$WORK/client"
echo "== client: $CLIENT_MIB MiB attachment, loopback, drops of $BIG_DROP bytes"
"$BENCH/cairn_bench_client_submit" --size-mib "$CLIENT_MIB" --drop-size "$BIG_DROP" | tee "$WORK/client_big"
echo "== client: $DELAY_MIB MiB attachment, 500 ms each way, $DELAY_RATE MiB/s"
"$BENCH/cairn_bench_client_submit" --size-mib "$DELAY_MIB" --delay-ms 500 --mib-per-second "$DELAY_RATE" \
  | tee "$WORK/client_delay"
echo "== import: $IMPORT_DROPS drops"
"$BENCH/cairn_bench_import" --drops "$IMPORT_DROPS" | tee "$WORK/import"
echo "== relay: $CONNECTIONS idle, then $CONNECTIONS handshaken connections"
"$BENCH/cairn_bench_relay_connections" --connections "$CONNECTIONS" | tee "$WORK/connections"

LOAD_AT_END=$(cut -d' ' -f1-3 /proc/loadavg)

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
P="$WORK/primitives"

{
  echo "# Benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` (do not edit by hand; run it again). Figures are"
  echo "from one run on the machine below; the reference is the cost of the primitives"
  echo "themselves, measured in the same run (DESIGN.md section 10)."
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc = $(nproc)"
  echo "- Kernel: $(uname -sr); store on $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}') (${TMPDIR:-/tmp})"
  echo "- Load average (1/5/15 min) at start: $LOAD_AT_START; at end: $LOAD_AT_END."
  echo "  The machine is shared: a high load average means other work competed for the cores."
  echo
  echo "## Commands"
  echo
  echo '```'
  echo "scripts/bench.sh   # RUN_SECONDS=$RUN_SECONDS"
  echo "$BENCH/cairn_bench_primitives"
  for cfg in "${CONFIGS[@]}"; do
    read -r clients k <<<"$cfg"
    echo "$BENCH/cairn_bench_relay_load --threads $clients --drops-per-connection $k --seconds $RUN_SECONDS"
  done
  printf '%s\n' "${FLOOD_RUNS[@]}"
  echo "$BENCH/cairn_bench_client_submit --size-mib $CLIENT_MIB"
  echo "$BENCH/cairn_bench_client_submit --size-mib $CLIENT_MIB --drop-size $BIG_DROP"
  echo "$BENCH/cairn_bench_client_submit --size-mib $DELAY_MIB --delay-ms 500 --mib-per-second $DELAY_RATE"
  echo "$BENCH/cairn_bench_import --drops $IMPORT_DROPS"
  echo "$BENCH/cairn_bench_relay_connections --connections $CONNECTIONS"
  echo '```'
  echo
  echo "## Primitives (one thread)"
  echo
  echo "Wall time, and the CPU time of the measuring thread (user + system; steadier"
  echo "on a shared machine, and for the inserts it leaves out the wait for the disk)."
  echo
  echo "| primitive | wall | CPU |"
  echo "|---|---|---|"
  row() { echo "| $1 | $(val "${2}_us" "$P") µs | $(val "${2}_cpu_us" "$P") µs |"; }
  row "Noise NK handshake, initiator side" nk_initiator
  row "Noise NK handshake, responder (relay) side" nk_responder
  row "seal_drop, 2 recipients, 32 KiB (the client's cost)" seal_drop_2_recipients_32k
  row "open_drop at the station, 32 KiB, 2 X25519 stanzas (the second one matches)" open_drop_x25519_32k
  row "seal_drop, 2 post-quantum hybrid recipients (mlkem768x25519), 32 KiB" seal_drop_2_hybrid_recipients_32k
  row "open_drop at the station, 32 KiB, 2 hybrid stanzas (the second one matches)" open_drop_hybrid_32k
  row "record decryption + parsing of one PutDrop (9 records)" record_decrypt_putdrop
  row "BLAKE2b-256 of a 32 KiB drop" blake2b_256_32k
  row "proof-of-work verification" pow_verify
  row "relay open/verify of one PutDrop (the three above)" relay_open_verify
  row "durable insert of a 32 KiB drop, 1 per commit (synchronous=FULL)" insert_durable_single
  row "durable insert, per drop, 16 drops per commit" insert_durable_batch16
  row "durable insert, per drop, 64 drops per commit" insert_durable_batch64
  echo
  echo "For scale: X25519 $(val x25519_ops_per_s "$P") op/s, BLAKE2b $(val blake2b_MB_per_s "$P") MB/s,"
  echo "NK handshakes (both sides) $(val nk_handshakes_per_s "$P")/s, durable commits of one drop"
  echo "$(val insert_durable_single_per_s "$P")/s, drops in commits of 16: $(val insert_durable_batch16_per_s "$P")/s,"
  echo "of 64: $(val insert_durable_batch64_per_s "$P")/s (all on one core)."
  echo
  echo "ML-KEM-768 (crypto/mlkem768.h, the post-quantum half of hybrid recipients) in the"
  echo "same run: key generation $(val mlkem768_keygen_ops_per_s "$P") op/s, encapsulation"
  echo "$(val mlkem768_encaps_ops_per_s "$P") op/s, decapsulation $(val mlkem768_decaps_ops_per_s "$P") op/s"
  echo "(CPU time, one thread), against X25519's $(val x25519_ops_per_s "$P") op/s above."
  echo
  echo "**Primitive bound** for drops/s = 1 / (the relay's share of the handshake ÷ drops"
  echo "per connection + record decryption of a PutDrop + durable insert per drop in a"
  echo "batch of as many drops as there are clients, 16 or 64), in wall time."
  echo "**Primitive CPU per drop** = the relay's handshake share ÷ drops per connection +"
  echo "open/verify + insert, in CPU time: what the relay could not avoid spending."
  echo
  echo "## Relay under load (loopback, real cairn-relay process)"
  echo
  echo "Each client thread opens connections with the real client's RelayConnection (a"
  echo "fresh Noise NK handshake each) and puts K distinct 32 KiB drops per connection;"
  echo "proof of work is 0 bits (the relay still verifies it). The load generator runs"
  echo "on the same cores as the relay. Latency is from sending a PutDrop to its ack"
  echo "(which the relay sends only after the commit is durable). Relay CPU is the relay"
  echo "process's user + system time (both its threads) over the measured interval."
  echo
  echo "| clients | drops/connection | acked drops/s | p50 latency | p99 latency | relay peak RSS | primitive bound | achieved / bound | relay CPU per drop | primitive CPU per drop | primitive / relay CPU |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for cfg in "${CONFIGS[@]}"; do
    read -r clients k <<<"$cfg"
    L="$WORK/load_${clients}_${k}"
    rate=$(val drops_per_s "$L")
    bound=$(val "bound_c${clients}_k${k}" "$P")
    ratio=$(awk -v a="$rate" -v b="$bound" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    relay_cpu=$(val relay_cpu_us_per_drop "$L")
    prim_cpu=$(val "primitive_cpu_per_drop_c${clients}_k${k}" "$P")
    eff=$(awk -v a="$prim_cpu" -v b="$relay_cpu" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    echo "| $clients | $k | $rate | $(val latency_p50_ms "$L") ms | $(val latency_p99_ms "$L") ms |" \
         "$(val relay_peak_rss_mib "$L") MiB | $bound | $ratio | $relay_cpu µs | $prim_cpu µs | $eff |"
  done
  echo
  echo "## Under a flood of unauthenticated connections"
  echo
  echo "16 client threads, 1 drop per connection (a handshake per drop), calm and with"
  echo "$FLOOD more threads that only connect and send a message 1: junk (48 random bytes;"
  echo "the relay pays one X25519 before it fails to authenticate) or a valid one, replayed"
  echo "(the relay pays the whole handshake, three X25519, and sends message 2; the flood"
  echo "closes without a request). The relay's cryptography runs on its \`--workers\`"
  echo "threads; sockets and shared state on its one network thread; commits on its"
  echo "committer thread. The bound: X25519 on one thread, measured in each run before the"
  echo "relay starts. The load generator shares the cores with the relay."
  echo
  echo "| workers | flood | X25519/s (one thread) | handshakes/s (real clients) | acked drops/s | flood message 1/s | relay CPU cores used |"
  echo "|---|---|---|---|---|---|---|"
  for w in 1 "$WORKERS_N"; do
    for kind in calm junk valid; do
      F="$WORK/flood_${w}_${kind}"
      echo "| $w | $kind | $(val x25519_per_s "$F") | $(val handshakes_per_s "$F") | $(val drops_per_s "$F") |" \
           "$(val flood_message1_per_s "$F") | $(val relay_cpu_cores_used "$F") |"
    done
  done
  echo
  echo "## The source's client: a $CLIENT_MIB MiB attachment (loopback relay, proof of work 0)"
  echo
  echo "\`cairn submit --attach F --keep-metadata F\` (a file sent as it is: streamed from"
  echo "disk) against \`age -r A -r B -o /dev/null F\` on the same file in the same run:"
  echo "the bounding primitive is age's own encryption of the file to the same two"
  echo "recipients. Wall and CPU time and peak RSS of each process (wait4)."
  echo
  grep -v '^ratio\|^drops\|^file\|^link\|^bytes\|^bandwidth' "$WORK/client"
  echo
  echo "Ratio cairn / age (wall): $(awk -F': ' '/^ratio/ {print $2}' "$WORK/client"); $(grep '^drops' "$WORK/client")."
  echo
  echo "## The same with drops of $BIG_DROP bytes"
  echo
  echo "The same file and the same comparison, with a key bundle whose drops are $BIG_DROP"
  echo "bytes instead of the default 32 KiB: every drop costs an ephemeral X25519 and one"
  echo "per analyst whatever its size, so fewer, larger drops cost less CPU per byte (and"
  echo "round a small submission up to a larger size; the drop size is the key bundle's, chosen by the organisation)."
  echo
  grep -v '^ratio\|^drops\|^file\|^link\|^bytes\|^bandwidth' "$WORK/client_big"
  echo
  echo "Ratio cairn / age (wall): $(awk -F': ' '/^ratio/ {print $2}' "$WORK/client_big"); $(grep '^drops' "$WORK/client_big")."
  echo
  echo "## The same through a slow, distant link"
  echo
  echo "$DELAY_MIB MiB through a loopback proxy that holds every byte 500 ms in each"
  echo "direction (a 1 s round trip, as through Tor) and passes $DELAY_RATE MiB/s each way."
  echo "The bound is the bandwidth-limited time: the bytes the client sent through the"
  echo "proxy divided by the rate."
  echo
  grep -v '^ratio\|^drops\|^file\|^link\|^bytes\|^bandwidth' "$WORK/client_delay"
  echo
  grep '^bytes\|^bandwidth' "$WORK/client_delay" | sed 's/^/- /'
  echo
  echo "## The station's import"
  echo
  echo "$IMPORT_DROPS text drops (32 KiB, two analysts) exported by a relay store and imported"
  echo "into a vault in one process. The bound: the cores of this machine, each opening"
  echo "drops at the rate of open_drop with the vault's keys measured on one thread in the"
  echo "same run."
  echo
  cat "$WORK/import"
  echo
  echo "## Many connections"
  echo
  echo "A real relay (\`--max-connections\` above N, long timeouts) holding $CONNECTIONS TCP"
  echo "connections that send nothing, then $CONNECTIONS that completed the handshake; in"
  echo "each phase a \`cairn submit\` of a text and a 200 KB file (seven drops) is acknowledged."
  echo
  grep "^|" "$WORK/connections"
  echo
  if [[ -f docs/BENCHMARKS.notes.md ]]; then cat docs/BENCHMARKS.notes.md; fi
} >"$OUT"

echo "wrote $OUT"
