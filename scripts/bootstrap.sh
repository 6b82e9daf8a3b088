#!/usr/bin/env bash
# Installs, from Debian's packages, exactly what Cairn needs to build, test and
# run its demo, and nothing that is already there. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsodium-dev
  libboost-dev libboost-system-dev
  # message catalogs: msgfmt/xgettext at build and test time, read with Boost.Locale
  gettext libboost-locale-dev
  # the guided mode is tested in a real terminal
  tmux
  protobuf-compiler libprotobuf-dev
  libsqlcipher-dev sqlcipher
  libssl-dev
  libgtest-dev googletest
  libcli11-dev
  libarchive-dev
  libqrencode-dev
  zlib1g-dev
  libssl-dev
  tor obfs4proxy snowflake-client
  age
  microsocks
  strace
  zbar-tools
  dosfstools fusefat fuse
  # cleaning attachments (clean/): the libraries, and the independent tools
  # the tests and the demo judge the result with
  libexiv2-dev libqpdf-dev libxml2-dev qpdf
  libimage-exiftool-perl mat2 python3-pil
  # Debian packages (cpack): man pages from --help, dpkg-shlibdeps (dpkg-dev,
  # file), lintian; the relay's unit is checked with systemd-analyze (from
  # systemd, needed only as a tool: nothing is started) and man(1)
  help2man dpkg-dev file lintian systemd man-db
  # ML-KEM: valgrind's memcheck proves it constant time (its client-request
  # header is also needed to build crypto/); an independent implementation from
  # the npm registry (@noble/post-quantum, tests only) cross-checks it
  valgrind nodejs
)
# npm comes with Node.js from some sources (NodeSource) and as its own Debian
# package from others: ask for the package only when no npm command exists.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "cairn: bootstrap: all build dependencies are installed"
  exit 0
fi

echo "cairn: bootstrap: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "cairn: error: these Debian packages are missing and this user cannot install them (not root, no sudo):" >&2
    echo "  ${missing[*]}" >&2
    echo "cairn: hint: run this script as root, or install sudo, or ask an administrator to run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "cairn: bootstrap: done"
