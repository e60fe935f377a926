#!/usr/bin/env bash
# Bring the catalogues up to date with the texts in the code: pybabel extract (with
# babel.cfg) and pybabel update. New texts arrive with an empty msgstr and changed ones
# as fuzzy with the old Dutch; translate them, then `pytest tests/test_i18n.py` says
# whether any text still lacks Dutch. The app compiles the catalogues itself at start.
#   bash scripts/i18n.sh          update facilitator/translations/*/LC_MESSAGES/messages.po
#   bash scripts/i18n.sh --check  write nothing; exit 1 if an update would change them
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
SOURCE=facilitator/translations
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# No source locations and sorted by msgid: a .po changes only where texts change, so two
# branches that add texts rarely touch the same lines.
"$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
  --no-wrap --project facilitator -o "$work/messages.pot" .
target=$SOURCE
if [ "${1:-}" = "--check" ]; then
  cp -r "$SOURCE" "$work/translations"
  target=$work/translations
fi
"$PYBABEL" -q update --no-wrap --ignore-obsolete -i "$work/messages.pot" -d "$target"
# The template's creation time is not kept: it would change every .po on every run.
sed -i '/^"POT-Creation-Date:/d' "$target"/*/LC_MESSAGES/messages.po
if [ "$target" != "$SOURCE" ] && ! diff -r -q "$SOURCE" "$target" >/dev/null; then
  echo "The catalogues are not up to date with the code: run bash scripts/i18n.sh" >&2
  exit 1
fi
