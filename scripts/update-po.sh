#!/usr/bin/env bash
# Makes po/cairn.pot from the sources with xgettext and merges it into each
# translation (po/ko.po, po/ru.po); new messages then show as untranslated,
# which the catalog test refuses until they are translated.
#   scripts/update-po.sh          update the template and the translations
#   scripts/update-po.sh --check  fail if the template is not up to date
set -euo pipefail
cd "$(dirname "$0")/.."

# Every file that may call tr(), trf() or N_() (i18n/catalog.h).
mapfile -t sources < <(find analyst client common crypto clean i18n wire -name '*.cpp' -o -name '*.h' | LC_ALL=C sort)

make_pot() {
  xgettext --from-code=UTF-8 --language=C++ --keyword= --keyword=tr --keyword=trf --keyword=N_ \
    --flag=trf:1:c-format --add-comments=TRANSLATORS: --package-name=cairn \
    --msgid-bugs-address=translators@cairn.invalid --add-location=file -o "$1" "${sources[@]}"
}

if [[ "${1:-}" == --check ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  make_pot "$tmp/cairn.pot"
  # The same msgids both ways: nothing missing from the template, nothing stale in it.
  if ! msgcmp --use-untranslated po/cairn.pot "$tmp/cairn.pot" || ! msgcmp --use-untranslated "$tmp/cairn.pot" po/cairn.pot; then
    echo "cairn: po/cairn.pot is out of date: run scripts/update-po.sh and translate the new messages" >&2
    exit 1
  fi
  exit 0
fi

make_pot po/cairn.pot
for po in po/ko.po po/ru.po; do
  if [[ -f "$po" ]]; then
    msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" po/cairn.pot
    msgattrib --no-obsolete --output-file="$po" "$po"  # a message gone from the sources goes from the catalog
  fi
done
