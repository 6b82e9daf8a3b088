#!/usr/bin/env bash
# The whole Cairn flow on one machine, on loopback, printing each step:
# the analyst station creates the organisation, a relay comes up on 127.0.0.1,
# two sources submit (Korean text with a photo from a phone that carries its
# GPS position and serial number; Russian text), the client removes them
# before sending, the relay exports a bundle for the USB stick, the analyst
# imports and reads it (exiftool shows the photo carries neither), and the
# relay purges what the analyst's receipt names.
# The demo runs on plain loopback: the sources pass --direct (a real source
# leaves it out and goes through Tor; see README.md, "Reaching the relay").
#
#   scripts/demo.sh [--hybrid]
#
# --hybrid: the organisation chooses post-quantum messaging keys (ML-KEM-768 +
# X25519, age's mlkem768x25519 recipients): the drops, and the reply to the
# Korean source (sealed to her codename's hybrid key), stay secret after a
# quantum computer.
set -euo pipefail
cd "$(dirname "$0")/.."
hybrid=()
case ${1:-} in
  --hybrid) hybrid=(--hybrid) ;;
  "") ;;
  *) echo "usage: scripts/demo.sh [--hybrid]" >&2; exit 2 ;;
esac
./scripts/bootstrap.sh
./scripts/build.sh

bin=build/release
ANALYST=$bin/analyst/cairn-analyst
RELAY=$bin/relay/cairn-relay
CAIRN=$bin/client/cairn

work=$(mktemp -d -t cairn-demo-XXXXXX)
relay_pid=""
cleanup() {
  if [[ -n $relay_pid ]] && kill -0 "$relay_pid" 2>/dev/null; then kill -TERM "$relay_pid"; wait "$relay_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s#$work#\$DEMO#g; s#$bin/[a-z]*/##g" >&2; "$@"; }

# The vault passphrase comes from a file descriptor here; a person types it.
pass="correct horse battery staple demo"
station() { run "$ANALYST" --vault "$work/station/vault" --passphrase-fd 3 "$@" 3<<<"$pass"; }
usb="$work/usb"
mkdir -p "$work/station" "$usb" "$work/sources"

echo "This demo runs on plain loopback (127.0.0.1): the sources use --direct, without Tor."
echo "A real source leaves --direct out, and cairn goes through Tor (with bridges where Tor is blocked)."

if ((${#hybrid[@]})); then
  step "1. Air-gapped station: create the organisation vault with two analysts and post-quantum keys"
else
  step "1. Air-gapped station: create the organisation vault with two analysts"
fi
org_key=$(station init --name kim "${hybrid[@]}" | tail -n 1)
station analyst add lee
echo "organisation key: $org_key"
station keys list

step "2. Relay host: initialise the relay, pinned to the organisation key"
relay_keys=$(run "$RELAY" --dir "$work/relay" init --organisation-key "$org_key" --quota-bytes 67108864 | head -n 1)

step "3. Station: certify the relay, write the key bundle to the USB stick"
station relay add demo-relay "$relay_keys"
station keys bundle --out "$usb/key-bundle.cairn" --pow-bits 12

step "4. Relay host: publish the key bundle and start serving on 127.0.0.1"
run "$RELAY" --dir "$work/relay" publish "$usb/key-bundle.cairn"
"$RELAY" --dir "$work/relay" serve --listen 127.0.0.1 --port 0 2>"$work/relay.log" &
relay_pid=$!
for _ in $(seq 100); do grep -q "listening on port" "$work/relay.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$work/relay.log")
[[ -n $port ]] || { cat "$work/relay.log"; echo "the relay did not start"; exit 1; }
echo "relay listening on 127.0.0.1:$port"

step "5. Station: make the drop address sources will use (and a QR code for flyers)"
address=$(station keys address --relay demo-relay --host 127.0.0.1 --port "$port" --qr "$usb/address.png" | tail -n 1)
echo "drop address: $address"

step "6. Source 1: Korean testimony with a photo from a phone (GPS position, serial number)"
cat >"$work/sources/korean.txt" <<'TXT'
저는 2023년부터 러시아 연해주의 건설 현장에서 일했습니다.
월급은 보위부 담당자가 가져가고, 우리는 한 달에 한 번 밖에 쉬지 못했습니다.
동료 한 명이 추락해서 다쳤지만 병원에 가지 못했습니다.
TXT
# A 3 MB photo, then what a phone writes into it: where, which phone, when.
/usr/bin/python3 -c '
import sys
from PIL import Image
size = (2000, 1500)
Image.merge("RGB", [Image.effect_noise(size, 60 + 20 * i) for i in range(3)]).save(sys.argv[1], quality=95)
' "$work/sources/photo.jpg"
exiftool -q -overwrite_original -GPSLatitude=43.1155 -GPSLatitudeRef=N -GPSLongitude=131.8855 -GPSLongitudeRef=E \
  -Make=Samsung -Model=SM-A525F -SerialNumber=R58R41KXYZ -DateTimeOriginal="2026:11:30 14:22:05" "$work/sources/photo.jpg"
run exiftool -GPSPosition -Make -Model -SerialNumber "$work/sources/photo.jpg"
echo "(the source asks for a codename to read replies later; here it goes to a file, a person sees it once on screen)"
run "$CAIRN" submit --direct --to "$address" --text "$work/sources/korean.txt" --attach "$work/sources/photo.jpg" \
  --reply --lang ko --codename-out-fd 4 4>"$work/sources/codename.txt"
echo "codename (Korean): $(tr '\n' ' ' <"$work/sources/codename.txt")"

step "7. Source 2: Russian testimony"
cat >"$work/sources/russian.txt" <<'TXT'
Я работал прорабом на стройке во Владивостоке. Северокорейских рабочих
держали в общежитии без документов, паспорта забирал их надзиратель.
TXT
run "$CAIRN" submit --direct --to "$address" --text "$work/sources/russian.txt"

step "8. Relay host: export every stored drop to a signed bundle for the USB stick"
run "$RELAY" --dir "$work/relay" export --out "$usb/export.tar"
run tar -tvf "$usb/export.tar" | sed -n "1,4p"; echo "…"
# What anyone who copies the stick sees of a drop: its age header names the
# type of each recipient's stanza, one per analyst, and nothing else.
first_drop=$(tar -tf "$usb/export.tar" | awk '/^drops\// && !n {print; n = 1}')
echo "the stanzas of one drop's age header (one per analyst):"
tar -xOf "$usb/export.tar" "$first_drop" >"$work/one-drop.age"
awk '/^--- /{exit} /^-> /{print "  " $2}' "$work/one-drop.age" | sort | uniq -c

step "9. Station: import the bundle (verify, decrypt, reassemble) and read"
station import "$usb/export.tar" --receipt "$usb/receipt.cairn"
station list
# Ids follow the (random) order of drop ids, so find each testimony by its kind.
korean_id=$("$ANALYST" --vault "$work/station/vault" --passphrase-fd 3 list 3<<<"$pass" 2>/dev/null | awk '$3 ~ /^files/ {print $1; exit}')
russian_id=$("$ANALYST" --vault "$work/station/vault" --passphrase-fd 3 list 3<<<"$pass" 2>/dev/null | awk '$3 == "text" {print $1; exit}')
station show "$korean_id"
station show "$russian_id"
station extract "$korean_id" --out "$work/station/extracted"
ls -l "$work/station/extracted"
echo "what exiftool finds in the extracted photo (GPS, camera, serial number):"
run exiftool -a -G1 -GPS:all -Make -Model -SerialNumber "$work/station/extracted/photo.jpg"
if exiftool -a -G1 -GPS:all -SerialNumber "$work/station/extracted/photo.jpg" | grep -q .; then
  echo "the extracted photo still carries a GPS position or a serial number"; exit 1
fi
echo "(nothing: the extracted photo carries neither the GPS position nor the serial number)"
/usr/bin/python3 -c '
import sys
from PIL import Image
a, b = (Image.open(p).convert("RGB").tobytes() for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
' "$work/station/extracted/photo.jpg" "$work/sources/photo.jpg" && echo "and its pixels are exactly those of the original"

step "10. Station: answer the Korean source; the relay publishes the reply batch"
cat >"$work/station/reply.txt" <<'TXT'
증언해 주셔서 감사합니다. 어느 회사에서 일하셨는지 알려 주실 수 있나요?
TXT
station reply "$korean_id" --text "$work/station/reply.txt" --out "$usb/reply-batch.cairn"
echo "the reply's one stanza (the source's codename key: X25519, or mlkem768x25519 with --hybrid):"
grep -a -o -m 1 -- '-> [A-Za-z0-9]*' "$usb/reply-batch.cairn" | cut -d ' ' -f 2
run "$RELAY" --dir "$work/relay" publish "$usb/reply-batch.cairn"

step "11. Source 1: check for replies with the codename (the relay reloads within seconds)"
for _ in $(seq 40); do
  out=$("$CAIRN" check --direct --to "$address" --codename-fd 3 3<"$work/sources/codename.txt" 2>/dev/null || true)
  [[ $out == *"회사"* ]] && break
  sleep 0.25
done
printf '$ cairn check --direct --to %s --codename-fd 3\n' "$address" >&2
"$CAIRN" check --direct --to "$address" --codename-fd 3 3<"$work/sources/codename.txt"

step "12. Relay host: purge exactly the drops the analyst's signed receipt names"
run "$RELAY" --dir "$work/relay" purge --receipt "$usb/receipt.cairn"
run "$RELAY" --dir "$work/relay" status

step "13. Stop the relay (SIGTERM: finish in-flight work, exit 0)"
kill -TERM "$relay_pid"
wait "$relay_pid"
relay_pid=""
echo "relay stopped cleanly"
echo
echo "demo complete."
