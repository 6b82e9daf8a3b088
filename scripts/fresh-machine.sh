#!/usr/bin/env bash
# Tries the README's two commands as a new user would on a fresh Debian 12
# machine: a `debootstrap --variant=minbase bookworm` root with git and
# Debian's standard /etc/hosts, a clean clone of this repository's HEAD, a
# clean environment and no terminal. Reports each command's exit code and
# time. Needs root, debootstrap and the Debian mirror; not part of CI.
#
#   sudo ./scripts/fresh-machine.sh [--keep] [ROOT]     (default ROOT: /var/tmp/cairn-fresh)
set -euo pipefail

keep=0
if [[ ${1:-} == --keep ]]; then keep=1; shift; fi
root=${1:-/var/tmp/cairn-fresh}
mirror=${CAIRN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
repo=$(cd "$(dirname "$0")/.." && pwd)

say() { printf 'fresh-machine: %s\n' "$*"; }
# shellcheck source=scripts/lib/chroot.sh
. "$repo/scripts/lib/chroot.sh"

chroot_preflight "the machine must be fresh"

chroot_begin
chroot_debootstrap --include=git,ca-certificates

# Debian's standard hosts file (what netbase/the installer write), and a
# resolver so that apt-get can reach the mirror.
cat >"$root/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
HOSTS
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

chroot_mount

# A clean clone of HEAD (what CI gets), readable by an unprivileged user; the
# shared folder beside it as CI has it.
git clone -q --no-local "$repo" "$root/opt/cairn"
if [[ -d $repo/../shared ]]; then cp -r "$repo/../shared" "$root/opt/shared"; fi
chmod -R a+rX "$root/opt"
say "cloned $(git -C "$repo" rev-parse --short HEAD) into /opt/cairn"

# Runs a command inside the root with a clean environment and no terminal.
inside() { chroot_run "$@"; }

status=0
# 1. Without root and without sudo: the demo must say what to do, not die of
#    `sudo: command not found`.
out=$(inside setpriv --reuid=65534 --regid=65534 --clear-groups bash -c 'cd /opt/cairn && ./scripts/demo.sh' 2>&1) && rc=0 || rc=$?
if ((rc != 0)) && grep -q '^cairn: hint: run this script as root' <<<"$out"; then
  say "demo.sh as a user without sudo: refused with a hint (exit $rc) -- ok"
else
  say "demo.sh as a user without sudo: exit $rc, no hint -- FAILED"; printf '%s\n' "$out" | tail -5; status=1
fi

# 2. The README's two commands, as root, in order.
for cmd in demo test; do
  start=$SECONDS
  inside bash -c "cd /opt/cairn && CI=${CI:-} ./scripts/$cmd.sh" >"$root/opt/$cmd.log" 2>&1 && rc=0 || rc=$?
  took=$((SECONDS - start))
  if ((rc == 0)); then
    say "scripts/$cmd.sh: passed in ${took} s"
  else
    say "scripts/$cmd.sh: FAILED (exit $rc) after ${took} s; last lines:"; tail -30 "$root/opt/$cmd.log"; status=1
  fi
  grep -E 'tests passed|tests failed' "$root/opt/$cmd.log" | tail -1 | sed 's/^/fresh-machine:   /' || true
  cp "$root/opt/$cmd.log" "/var/tmp/cairn-fresh-$cmd.log"
done
say "logs: /var/tmp/cairn-fresh-demo.log /var/tmp/cairn-fresh-test.log"
if ((status == 0)); then say "SUCCESS: both README commands pass on a fresh Debian 12 root"; else say "FAILURE"; fi
exit $status
