#!/usr/bin/env bash
# The kill -9 battery (not in CI; docs/RELIABILITY.md holds its figures): a
# real `cairn-relay serve` on 127.0.0.1 under concurrent submissions, SIGKILLed
# at random moments and restarted, CYCLES times or until MAX_SECONDS have
# passed, whichever comes first. After each restart: integrity_check is ok,
# every acknowledged drop is stored, the relay acknowledges a new drop.
#
#   scripts/crash-battery.sh [CYCLES] [MAX_SECONDS] [MODE] [battery options…]
#     CYCLES       default 1000
#     MAX_SECONDS  default 3600
#     MODE         plain (default): the store in $TMPDIR
#                  ext4:  the store on a small loop-mounted ext4 with 1 KiB
#                         blocks, filled to ENOSPC by another file during the load
#                  tmpfs: the same on a small tmpfs (size=…)
#                  (add --fill drops to let the relay's own drops fill it
#                  instead, nothing deleted, restarts on a full disk)
#     battery options: passed on (tests/relay/crash_battery.cpp), e.g.
#                  --seed N, --threads N, --min-free-bytes B, --relay PATH
#
# ext4 and tmpfs need root (mount, losetup; Debian: mount, e2fsprogs) and make
# a file system of FS_MIB MiB (default 64). The build must exist:
#   cmake --preset release && cmake --build --preset release
set -euo pipefail
cd "$(dirname "$0")/.."

cycles=${1:-1000}
max_seconds=${2:-3600}
mode=${3:-plain}
fs_mib=${FS_MIB:-64}
shift $(( $# < 3 ? $# : 3 ))
battery=${CAIRN_BUILD_DIR:-build/release}/tests/cairn_crash_battery
if [[ ! -x $battery ]]; then
  echo "crash-battery: $battery is missing; build first: cmake --build --preset release" >&2
  exit 1
fi

echo "# machine: $(uname -srm); $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'));" \
     "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# command: ${FS_MIB:+FS_MIB=$FS_MIB }scripts/crash-battery.sh $cycles $max_seconds $mode $*"

# The battery stops itself after MAX_SECONDS; the timeout is only a backstop.
run() { timeout --signal=KILL $(( max_seconds + 600 )) nice "$battery" --cycles "$cycles" --max-seconds "$max_seconds" "$@"; }

case $mode in
  plain)
    run "$@"
    ;;
  ext4 | tmpfs)
    if [[ $(id -u) -ne 0 ]]; then
      echo "crash-battery: mode $mode mounts a file system: run it as root" >&2
      exit 1
    fi
    work=$(mktemp -d)
    mnt=$work/mnt
    mkdir "$mnt"
    cleanup() { umount "$mnt" 2>/dev/null || true; rm -rf "$work"; }
    trap cleanup EXIT
    if [[ $mode == ext4 ]]; then
      truncate -s "${fs_mib}M" "$work/fs.img"
      # 1 KiB blocks: smaller than a memory page, as in the SIGBUS report;
      # -m 0: no blocks reserved for root, so "full" is full for the relay too.
      mkfs.ext4 -q -b 1024 -m 0 "$work/fs.img"
      mount -o loop "$work/fs.img" "$mnt"
    else
      mount -t tmpfs -o "size=${fs_mib}m,mode=0700" tmpfs "$mnt"
    fi
    echo "# store file system: $(findmnt -n -o FSTYPE,SIZE,OPTIONS "$mnt")"
    # A small disk cannot keep the relay's default 64 MiB free; 2 MiB unless told otherwise.
    margin=(--min-free-bytes 2097152)
    for a in "$@"; do [[ $a == --min-free-bytes ]] && margin=(); done
    run --store-dir "$mnt" --fill file "${margin[@]}" "$@"
    ;;
  *)
    echo "crash-battery: unknown mode $mode (plain, ext4, tmpfs)" >&2
    exit 2
    ;;
esac
