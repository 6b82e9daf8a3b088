# shellcheck shell=bash disable=SC2154  # root, keep, mirror: set by the script that sources this
# A throwaway Debian 12 root for the scripts that try cairn as a fresh
# machine would (scripts/fresh-machine.sh, scripts/package-check.sh).
# Sourced, never run. The script sets `root` (the folder), `keep` (1: leave
# the root after exit) and `mirror`, and defines `say`.

chroot_mounted=()

die() { printf 'cairn: error: %s\n' "$*" >&2; exit 1; }

# Goes on only as root, with debootstrap, and with no file at the root's
# place (the cleanup removes the root: it must be the script's own). $1 says
# why it must be fresh.
chroot_preflight() {
  [[ $(id -u) -eq 0 ]] || die "this script needs root (debootstrap, chroot and mounts)"
  command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
  [[ ! -e $root ]] || die "$root exists; remove it or name another folder ($1)"
}

# Unmounts what chroot_mount mounted, then removes the root unless keep=1.
chroot_cleanup() {
  local i
  for ((i = ${#chroot_mounted[@]} - 1; i >= 0; i--)); do umount -l "${chroot_mounted[i]}" 2>/dev/null || true; done
  if ((keep == 0)); then rm -rf --one-file-system "$root"; else say "kept $root"; fi
}

# From here on, leaving the script (also by Ctrl-C) cleans up. Call it only
# once the root is known to be the script's own (a fresh folder).
chroot_begin() {
  trap chroot_cleanup EXIT
  trap "exit 130" INT TERM  # so that the EXIT trap unmounts and removes the root
}

# debootstrap --variant=minbase [OPTIONS…] bookworm into the root; its log is
# shown only if it fails.
chroot_debootstrap() {
  say "debootstrap --variant=minbase ${*:+$* }bookworm $root"
  local start=$SECONDS
  debootstrap --variant=minbase "$@" bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
    { tail -20 "$root.debootstrap.log"; die "debootstrap failed"; }
  rm -f "$root.debootstrap.log"
  say "root made in $((SECONDS - start)) s"
}

# Mounts proc, sys, dev and dev/pts in the root (unmounted on exit).
chroot_mount() {
  local fs
  for fs in proc sys dev dev/pts; do
    mkdir -p "$root/$fs"
    case $fs in
      proc) mount -t proc proc "$root/proc" ;;
      sys) mount -t sysfs sysfs "$root/sys" ;;
      dev) mount --bind /dev "$root/dev" ;;
      dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
    esac
    chroot_mounted+=("$root/$fs")
  done
}

# Runs a command inside the root with a clean environment and no terminal;
# VAR=value words before the command are added to the environment (env(1)).
chroot_run() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    "$@" </dev/null
}
