#!/usr/bin/env bash
# Installs the three Debian packages (cpack's cairn, cairn-relay and
# cairn-analyst) on a fresh Debian 12 root made by `debootstrap --variant=minbase
# bookworm`, with `apt-get install ./….deb` as an administrator would, and runs
# the demo's flow with the installed programs only: the station creates the
# organisation, the relay is initialised, the key bundle published, the relay
# serves on 127.0.0.1, a source submits (--direct: the root has no Tor
# network), the relay exports, the station imports, lists and shows.
# Needs root, debootstrap and the Debian mirror; not part of CI (a few minutes).
#
#   (cd build/release && cpack)                          # → build/release/packages/*.deb
#   sudo ./scripts/package-check.sh [--keep] [DEB_DIR] [ROOT]
#        (defaults: build/release/packages, /var/tmp/cairn-package-check)
set -euo pipefail

keep=0
if [[ ${1:-} == --keep ]]; then keep=1; shift; fi
repo=$(cd "$(dirname "$0")/.." && pwd)
debs=${1:-$repo/build/release/packages}
root=${2:-/var/tmp/cairn-package-check}
mirror=${CAIRN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf 'package-check: %s\n' "$*"; }
# shellcheck source=scripts/lib/chroot.sh
. "$repo/scripts/lib/chroot.sh"

chroot_preflight "the root must be fresh"
shopt -s nullglob
packages=("$debs"/cairn_*.deb "$debs"/cairn-relay_*.deb "$debs"/cairn-analyst_*.deb)
((${#packages[@]} == 3)) || die "expected the three packages in $debs (found ${#packages[@]}); run cpack in the build tree first"

chroot_begin
chroot_debootstrap

cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# No service starts inside the root (tor's postinst would try).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
chroot_mount

mkdir -p "$root/opt/debs"
cp "${packages[@]}" "$root/opt/debs/"
inside() { chroot_run DEBIAN_FRONTEND=noninteractive "$@"; }

say "apt-get install ./cairn_….deb ./cairn-relay_….deb ./cairn-analyst_….deb"
start=$SECONDS
inside apt-get update -qq
inside bash -c 'cd /opt/debs && apt-get install -y -q ./cairn_*.deb ./cairn-relay_*.deb ./cairn-analyst_*.deb' \
  >"$root/opt/install.log" 2>&1 || { tail -30 "$root/opt/install.log"; die "apt-get install failed"; }
say "installed in $((SECONDS - start)) s: $(inside dpkg-query -W -f='${Package} ${Version}  ' cairn cairn-relay cairn-analyst)"
grep -E '^(The following NEW packages|Recommended packages)' -A3 "$root/opt/install.log" | sed 's/^/package-check:   /' || true
for f in /usr/bin/cairn /usr/bin/cairn-relay /usr/bin/cairn-analyst /lib/systemd/system/cairn-relay.service \
  /usr/share/man/man1/cairn.1.gz /usr/share/doc/cairn-relay/copyright; do
  [[ -e $root$f ]] || die "$f is not installed"
done
say "tor, obfs4proxy, snowflake-client (Recommends): $(inside dpkg-query -W -f='${Package} ' tor obfs4proxy snowflake-client 2>/dev/null || echo 'not all installed')"

# The flow, as an unprivileged user, with the installed programs only.
cat >"$root/opt/flow.sh" <<'FLOW'
#!/bin/bash
set -euo pipefail
trap 'echo "package-check: the flow failed at line $LINENO" >&2' ERR
cd "$(mktemp -d)"
run() { printf '$ %s\n' "$*" >&2; "$@"; }
pass="correct horse battery staple package check"
station() { run cairn-analyst --vault station/vault --passphrase-fd 3 "$@" 3<<<"$pass"; }
mkdir -p station usb
org=$(station init --name kim | tail -n 1)
relay_keys=$(run cairn-relay --dir relay init --organisation-key "$org" --quota-bytes 8388608 | head -n 1)
station relay add relay-1 "$relay_keys"
station keys bundle --out usb/key-bundle.cairn --pow-bits 12
run cairn-relay --dir relay publish usb/key-bundle.cairn
cairn-relay --dir relay serve --listen 127.0.0.1 --port 0 2>relay.log &
relay_pid=$!
trap 'kill -TERM $relay_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on port" relay.log 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' relay.log)
[[ -n $port ]] || { cat relay.log; echo "the relay did not start"; exit 1; }
address=$(station keys address --relay relay-1 --host 127.0.0.1 --port "$port" | tail -n 1)
printf 'Я работал прорабом на стройке во Владивостоке.\n' >testimony.txt
run cairn submit --direct --to "$address" --text testimony.txt
run cairn-relay --dir relay export --out usb/export.tar
station import usb/export.tar --receipt usb/receipt.cairn
station list
id=$(cairn-analyst --vault station/vault --passphrase-fd 3 list 3<<<"$pass" 2>/dev/null | awk '$3 == "text" {print $1; exit}')
station show "$id" | tee shown.txt
grep -q 'Владивостоке' shown.txt
run cairn-relay --dir relay purge --receipt usb/receipt.cairn
kill -TERM "$relay_pid"; wait "$relay_pid"; trap - EXIT
echo "relay stopped cleanly"
FLOW
chmod 755 "$root/opt/flow.sh"
say "the demo flow with the installed programs, as user nobody"
start=$SECONDS
if ! inside setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp TMPDIR=/tmp /opt/flow.sh 2>&1 | sed 's/^/  /'; then
  say "FAILURE: the flow failed"
  exit 1
fi
say "flow passed in $((SECONDS - start)) s"

# The operator's setup as docs/OPERATING.md gives it (as root: the store key in
# /etc/credstore), then the unit's own ExecStart line with the key where
# LoadCredential= puts it. No systemd runs in the root: this checks the
# commands and the relay's side of the credential, not the sandbox.
cat >"$root/opt/service.sh" <<'SERVICE'
#!/bin/bash
set -euo pipefail
trap 'echo "package-check: the service setup failed at line $LINENO" >&2' ERR
run() { printf '$ %s\n' "$*" >&2; "$@"; }
cd "$(mktemp -d)"
pass="correct horse battery staple package check"
station() { cairn-analyst --vault station/vault --passphrase-fd 3 "$@" 3<<<"$pass"; }
mkdir station
org=$(station init --name kim 2>/dev/null | tail -n 1)
run install -d -m 0700 /etc/credstore
keys=$(run cairn-relay --dir /var/lib/cairn-relay --key-file /etc/credstore/cairn-store-key init --organisation-key "$org" --quota-bytes 8388608 | head -n 1)
station relay add relay-1 "$keys" >/dev/null 2>&1
station keys bundle --out key-bundle.cairn --pow-bits 12 >/dev/null 2>&1
run cairn-relay --dir /var/lib/cairn-relay --key-file /etc/credstore/cairn-store-key publish key-bundle.cairn
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/cairn-relay.service)
credential=$(sed -n 's/^LoadCredential=\([^:]*\):\(.*\)/\1 \2/p' /lib/systemd/system/cairn-relay.service)
read -r name source <<<"$credential"
creds=/run/credentials/cairn-relay.service
install -d -m 0700 "$creds"
install -m 0400 "$source" "$creds/$name"
echo "\$ CREDENTIALS_DIRECTORY=$creds $exec_start" >&2
CREDENTIALS_DIRECTORY=$creds $exec_start 2>relay.log &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on port" relay.log 2>/dev/null && break; sleep 0.1; done
grep "listening on port" relay.log || { cat relay.log; exit 1; }
port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' relay.log)
address=$(station keys address --relay relay-1 --host 127.0.0.1 --port "$port" 2>/dev/null | tail -n 1)
echo 'testimony through the service command' >t.txt
run cairn submit --direct --to "$address" --text t.txt 2>&1 | grep -v 'warning: --direct'
kill -TERM "$pid"; wait "$pid"; trap - EXIT
cat relay.log
run cairn-relay --dir /var/lib/cairn-relay --key-file /etc/credstore/cairn-store-key status
SERVICE
chmod 755 "$root/opt/service.sh"
say "the documented relay setup and the unit's ExecStart with the store key as a credential, as root"
if ! inside /opt/service.sh 2>&1 | sed 's/^/  /'; then
  say "FAILURE: the service setup failed"
  exit 1
fi
say "SUCCESS: the three packages install with apt-get and work on a fresh Debian 12 root"
