#!/usr/bin/env bash
# Reproduces the SIGBUS of a relay started on a full ext4 with 1 KiB blocks
# (issue 8; docs/RELIABILITY.md, db/wal_index.h). Needs root (loop mounts)
# and the release build. Not in CI.
#
#   scripts/shm-sigbus-repro.sh [RELAY_BINARY] [-- serve options…]
#
# Part 1, the mechanism, without SQLite: grow a file the way SQLite grows its
# WAL index (one byte at the end of each 4 KiB page), map it, fill the disk
# with another file, write the mapping. On ext4 with 1 KiB blocks: SIGBUS;
# with 4 KiB blocks, on tmpfs, or after fallocate: none.
# Part 2, the relay: a store with no -shm (as after a clean stop; SQLite also
# truncates it when the first connection opens the store), 4 to 40 KiB free,
# then `serve`. Before the free-space margin a relay died of SIGBUS with
# nothing in its log at about 8 KiB free; with it, it refuses to start.
set -euo pipefail
cd "$(dirname "$0")/.."
relay=${1:-build/release/relay/cairn-relay}
shift || true
[[ ${1:-} == -- ]] && shift
battery=build/release/tests/cairn_crash_battery
[[ $(id -u) -eq 0 ]] || { echo "shm-sigbus-repro: needs root (mount -o loop)" >&2; exit 1; }
[[ -x $battery && -x $relay ]] || { echo "shm-sigbus-repro: build first" >&2; exit 1; }
work=$(mktemp -d)
mnt=$work/mnt
mkdir "$mnt"
trap 'umount "$mnt" 2>/dev/null || true; rm -rf "$work"' EXIT

# Fills the file system of $1 to ENOSPC with $1/filler, then gives back $2 KiB.
fill_leaving() {
  python3 - "$1/filler" "$2" <<'PY'
import os, sys
path, keep = sys.argv[1], int(sys.argv[2]) * 1024
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
size = 65536
while size >= 512:
    try:
        os.write(fd, b"x" * size)
    except OSError:
        size //= 2
os.fsync(fd)
os.ftruncate(fd, max(0, os.fstat(fd).st_size - keep))
os.fsync(fd)
PY
  sync
  sleep 6  # one journal commit: blocks freed by the truncate become free
}

mechanism() {  # $1: what to do before filling the disk: plain | fallocate
  python3 - "$mnt" "$1" <<'PY'
import mmap, os, sys
d, how = sys.argv[1], sys.argv[2]
fd = os.open(os.path.join(d, "store.db-shm"), os.O_RDWR | os.O_CREAT, 0o600)
for page in range(8):                       # one 32 KiB region, as unixShmMap grows it
    os.pwrite(fd, b"\0", page * 4096 + 4095)
if how == "fallocate":
    os.posix_fallocate(fd, 0, 32768)
os.fsync(fd)
print(f"  -shm 32768 bytes, {os.fstat(fd).st_blocks * 512} allocated;", end=" ", flush=True)
ff = os.open(os.path.join(d, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
size = 65536
while size >= 512:
    try:
        os.write(ff, b"x" * size)
    except OSError:
        size //= 2
os.fsync(ff)
m = mmap.mmap(fd, 32768)
m[:] = b"\1" * 32768                        # what walIndexRecover does to the region
m.flush()
print("the disk is full and the whole region was written: no SIGBUS", flush=True)
PY
}

echo "== part 1: the mechanism"
for fs in "ext4 -b 1024" "ext4 -b 4096" tmpfs; do
  for how in plain fallocate; do
    if [[ $fs == tmpfs ]]; then
      [[ $how == fallocate ]] && continue
      mount -t tmpfs -o size=8m tmpfs "$mnt"
    else
      rm -f "$work/fs.img"
      truncate -s 8M "$work/fs.img"
      mkfs.ext4 -q ${fs#ext4 } -m 0 "$work/fs.img"
      mount -o loop "$work/fs.img" "$mnt"
    fi
    echo -n "$fs, $how:"
    rc=0
    mechanism "$how" 2>/dev/null || rc=$?
    (( rc == 0 )) || echo " killed with exit status $rc$( (( rc == 135 )) && echo ' (SIGBUS)')"
    umount "$mnt"
  done
done

echo "== part 2: $relay serve ${*:-} on a 64 MiB ext4 with 1 KiB blocks"
for free_kib in 4 8 12 40; do
  rm -f "$work/fs.img"
  truncate -s 64M "$work/fs.img"
  mkfs.ext4 -q -b 1024 -m 0 "$work/fs.img"
  mount -o loop "$work/fs.img" "$mnt"
  # A store with a few drops, stopped cleanly (no -shm), made by this build's relay.
  "$battery" --cycles 1 --store-dir "$mnt" --min-free-bytes 1048576 >/dev/null 2>&1
  dir=$(ls -d "$mnt"/cairn-battery-*)
  fill_leaving "$mnt" "$free_kib"
  avail=$(df -B1K --output=avail "$mnt" | tail -1 | tr -d ' ')
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  set +e
  "$relay" --dir "$dir" serve --listen 127.0.0.1 --port "$port" "$@" 2>"$work/log" &
  pid=$!
  sleep 3
  if kill -0 $pid 2>/dev/null; then
    kill $pid; wait $pid; state="started (listening)"
  else
    wait $pid; rc=$?
    state="exited with status $rc"
    (( rc > 128 )) && state="died of signal $((rc - 128))$( (( rc == 135 )) && echo ' (SIGBUS)')"
  fi
  set -e
  echo "$avail KiB free: the relay $state; its log: $(head -c 160 "$work/log" | tr '\n' ' ')"
  umount "$mnt"
done
