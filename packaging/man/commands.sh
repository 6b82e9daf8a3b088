#!/usr/bin/env bash
# Writes a help2man include file: the fixed text of packaging/man/PROGRAM.h2m,
# then a COMMANDS section with every subcommand's --help (nested ones too),
# so the man page documents each command as the program itself does.
#   commands.sh PROGRAM_PATH H2M_IN H2M_OUT
set -euo pipefail
program=$1 in=$2 out=$3
name=$(basename "$program")

# The subcommand names listed under "Subcommands:" in a --help text.
subcommands() { sed -n '/^Subcommands:/,/^$/{/^  [a-z]/{s/^  \([a-z0-9-]*\).*/\1/;p}}'; }
# roff-safe verbatim text: backslashes, and lines starting with . or '.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" -e 's#'"$program"'#'"$name"'#g'; }

section() {
  local path=("$@") help
  help=$("$program" "${path[@]}" --help)
  printf '.SS "%s %s"\n.nf\n' "$name" "${path[*]}"
  roff <<<"$help"
  printf '.fi\n'
  local sub
  for sub in $(subcommands <<<"$help"); do section "${path[@]}" "$sub"; done
}

{
  cat "$in"
  printf '\n[COMMANDS]\n'
  for sub in $("$program" --help | subcommands); do section "$sub"; done
} >"$out.tmp"
mv "$out.tmp" "$out"
