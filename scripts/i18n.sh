#!/usr/bin/env bash
# Extract our strings into i18n/ckanext-poitiers.pot, merge them into the fr and en catalogues,
# and compile the catalogues that ship in the wheel. Translate new fr strings, then run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${POITIERS_VENV:-$ROOT/.venv-${CKAN_VERSION:-2.12}}"
BABEL="$VENV/bin/pybabel"
DOMAIN=ckanext-poitiers
cd "$ROOT"
"$BABEL" -q extract -F babel.cfg -k N_ --no-location --sort-output --omit-header \
  --project ckanext-poitiers -o "i18n/$DOMAIN.pot" .
for lang in fr en; do
  po="i18n/$lang/LC_MESSAGES/$DOMAIN.po"
  if [ -f "$po" ]; then
    "$BABEL" -q update -D "$DOMAIN" -i "i18n/$DOMAIN.pot" -d i18n -l "$lang" --no-fuzzy-matching --ignore-obsolete
  else
    "$BABEL" -q init -D "$DOMAIN" -i "i18n/$DOMAIN.pot" -d i18n -l "$lang"
  fi
done
"$BABEL" -q compile -D "$DOMAIN" -d i18n --statistics
