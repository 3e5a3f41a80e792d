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
# CKAN serves to its JavaScript (/api/i18n/<lang>) only the msgids its .pot files place in a .js
# file: name our JavaScript files (without line numbers) on the msgids they use.
"$VENV/bin/python" - "i18n/$DOMAIN.pot" <<'PY'
import sys
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

path = sys.argv[1]
with open(path, "rb") as f:
    pot = read_po(f)
for filename, _line, msgid, _comments, _context in extract_from_dir(
        ".", method_map=[("ckanext/**/assets/**.js", "javascript")]):
    message = pot.get(msgid if isinstance(msgid, str) else msgid[0])
    if message is not None and (filename, None) not in message.locations:
        message.locations.append((filename, None))
with open(path, "wb") as f:
    write_po(f, pot, omit_header=True, sort_output=True)
PY
for lang in fr en; do
  po="i18n/$lang/LC_MESSAGES/$DOMAIN.po"
  if [ -f "$po" ]; then
    "$BABEL" -q update -D "$DOMAIN" -i "i18n/$DOMAIN.pot" -d i18n -l "$lang" --no-fuzzy-matching --ignore-obsolete
  else
    "$BABEL" -q init -D "$DOMAIN" -i "i18n/$DOMAIN.pot" -d i18n -l "$lang"
  fi
done
"$BABEL" -q compile -D "$DOMAIN" -d i18n --statistics
