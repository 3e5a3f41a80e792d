"""French search: what the ``poitiers_search`` plugin sends to Solr and reads back.

Pure functions (index fields, query parameters, escaping) are tested without CKAN; the few
functions that talk to Solr take its URL and a timeout and never raise on a Solr that is down
or runs CKAN's stock schema: search then stays CKAN's plain search.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import urllib3

from ckanext.poitiers import lists

log = logging.getLogger(__name__)

POITIERS, STOCK = "poitiers", "stock"

# schema fields holding several vocabulary codes (docs/schema-fields.md): multi-valued in Solr
MULTI_VALUED = ("theme", "poitiers_theme", "communes", "data_schema")

# Solr fields searched, with their weights: title > keywords > vocabulary labels > description.
# All are of type text_fr, so that edismax stays term-centric (a word may match in any field).
QUERY_FIELDS = "title^8 keywords_fr^5 labels_fr^4 notes^2 text^1"
# a dataset whose title (or a keyword) holds the words next to each other ranks first
PHRASE_FIELDS = "title^10 keywords_fr^5"
PHRASE_SLOP = "1"
MINIMUM_MATCH = "2<-1 5<80%"

# Solr refuses a query of more than 1,024 clauses; each word of a free-text query is looked for
# in five fields with its civic synonyms (« bus »: eight of them), so that a text of some 20 to 40
# words pasted in the box can pass it (CKAN's stock search: about 200 words). Such a search is
# asked again with its first words only (see too_many_clauses)
TOO_MANY_CLAUSES = ("maxClauseCount", "too many nested clauses", "too many boolean clauses")


def too_many_clauses(error: Exception) -> bool:
    """Solr refused the query for its size (not for its syntax)."""
    text = str(error)
    return any(marker.lower() in text.lower() for marker in TOO_MANY_CLAUSES)


# parameters our searches send that CKAN's list of Solr parameters lacks: phrase boost, and
# q.op, because edismax (unlike CKAN's default dismax) makes every word required when
# q.op=AND, which CKAN sets, instead of applying CKAN's minimum-match rule (mm)
EXTRA_SOLR_PARAMETERS = ("pf", "ps", "q.op")

# a commune named in a free-text query ("défibrillateur Ligugé") ranks the datasets covering it
# first (multiplied by this), without hiding the same data of the other communes
COMMUNE_BOOST = 2.5
# words that do not make a query on their own once a commune name is taken out ("à Lusignan")
_FUNCTION_WORDS = frozenset([
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "pour", "sur",
    "dans", "par", "vers", "entre", "chez"])
_PLAIN_QUERY = re.compile(r"^[\w\s'’\-]+$", re.UNICODE)

_SOLR_SPECIAL = re.compile(r'([\\+\-&|!(){}\[\]^"~*?:/])')
_WORD = re.compile(r"\w+", flags=re.UNICODE)
_ELISION = re.compile(r"\b(?:l|m|t|qu|n|s|j|d|c|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------
as_list = lists.strings  # a multi-valued field as non-empty strings (see lists.py)


Labeller = Callable[[str, str], "str | None"]


def index_fields(pkg_dict: dict[str, Any], kind: str, label: Labeller) -> dict[str, Any]:
    """The Solr fields this plugin adds to or changes in CKAN's index document.

    With our schema: vocabulary fields become lists (multi-valued Solr fields) and their labels
    ("Chauvigny" for 86070) go to ``labels_fr``. With the stock schema, whose catch-all dynamic
    field is single-valued, lists are joined with spaces (as CKAN does for list extras) so that
    indexing never fails.
    """
    updates: dict[str, Any] = {}
    labels: list[str] = []
    for field in MULTI_VALUED:
        if field not in pkg_dict:
            continue
        values = as_list(pkg_dict[field])
        if kind == POITIERS:
            updates[field] = values
            for code in values:
                text = label(field, code)
                if text and text not in labels:
                    labels.append(text)
        elif isinstance(pkg_dict[field], (list, tuple, set)):
            updates[field] = " ".join(values)
    if kind == POITIERS:
        updates["labels_fr"] = labels
    return updates


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------
def is_plain_text(q: Any) -> bool:
    """A free-text query (CKAN treats a query with a colon as fielded Solr syntax)."""
    return isinstance(q, str) and bool(q.strip()) and ":" not in q and q.strip() not in (
        "*", "*:*", '""', "''")


CommuneIndex = dict[tuple[str, ...], str]


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def commune_index(entries: Iterable[dict[str, Any]], label: Callable[[Any], str]) -> CommuneIndex:
    """Folded word sequences of commune names and aliases → INSEE (or SIREN) code.

    ``entries`` are the vocabulary entries of ``communes`` (value, label, aliases); ``label``
    gives the French text of a label. The label of a grouping ("Grand Poitiers (les 40
    communes)") is left out: its aliases name it.
    """
    index: CommuneIndex = {}
    for entry in entries:
        code = str(entry.get("value") or "")
        if not code:
            continue
        names = list(entry.get("aliases") or [])
        if entry.get("kind", "commune") == "commune":
            names.insert(0, label(entry.get("label") or ""))
        for name in names:
            words = tuple(_words(name))
            if words:
                index.setdefault(words, code)
    return index


def split_communes(q: str, index: CommuneIndex) -> tuple[str, list[str]]:
    """The query without the commune names it holds, and their codes.

    "marches de Lusignan" → ("marches de", ["86139"]); longest names first ("Grand Poitiers"
    before "Poitiers"). A query that is only a commune name, or a commune name and function
    words ("à Chauvigny"), or that uses Solr syntax, is returned as it is, with no code.
    """
    if not index or not _PLAIN_QUERY.match(q):
        return q, []
    tokens = _WORD.findall(q)
    folded = [fold(t) for t in tokens]
    longest = max(len(k) for k in index)
    rest: list[str] = []
    codes: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            code = index.get(tuple(folded[i:i + size]))
            if code:
                if code not in codes:
                    codes.append(code)
                i += size
                break
        else:
            rest.append(tokens[i])
            i += 1
    if not codes or all(fold(w) in _FUNCTION_WORDS for w in rest):
        return q, []
    return " ".join(rest), codes


def commune_boost(codes: list[str]) -> str:
    """An edismax ``boost`` function: datasets covering one of ``codes`` score more."""
    tests = ",".join(f"termfreq(communes,'{c}')" for c in codes if c.isalnum())
    return f"if(or({tests}),{COMMUNE_BOOST},1)"


def search_params(data_dict: dict[str, Any],
                  communes: CommuneIndex | None = None) -> dict[str, Any]:
    """French relevance for a free-text dataset search, unless the caller chose its own.

    With ``communes``, a commune named among other words stops being a required word and
    boosts the datasets covering it instead ("défibrillateur Ligugé": the defibrillators of
    Ligugé first, then those of the other communes).
    """
    if not is_plain_text(data_dict.get("q")):
        return data_dict
    if data_dict.get("defType") not in (None, "", "dismax", "edismax") or data_dict.get("qf"):
        return data_dict
    rest, codes = split_communes(data_dict["q"], communes or {})
    if codes and not data_dict.get("boost"):
        data_dict["q"] = rest
        data_dict["boost"] = commune_boost(codes)
    data_dict["defType"] = "edismax"
    data_dict["qf"] = QUERY_FIELDS
    data_dict.setdefault("pf", PHRASE_FIELDS)
    data_dict.setdefault("ps", PHRASE_SLOP)
    data_dict.setdefault("tie", "0.1")
    data_dict.setdefault("mm", MINIMUM_MATCH)
    # q.op applies to the filters too: CKAN's page writes them « organization:"x" tags:"y"
    # +dataset_type:dataset », each one required under CKAN's q.op=AND, all but the last
    # optional under OR (the filters of the search page were ignored). Each filter is marked
    # required; one this cannot rewrite safely keeps CKAN's AND (every word then required)
    filters = {key: _required_filters(data_dict[key]) for key in ("fq", "fq_list")
               if data_dict.get(key)}
    if all(value is not None for value in filters.values()):
        data_dict.update(filters)
        data_dict["q.op"] = "OR"  # mm decides, as with CKAN's dismax
    return data_dict


_BOOLEAN_WORDS = frozenset(["AND", "OR", "NOT", "&&", "||"])


def _clauses(text: str) -> list[str] | None:
    """The top-level clauses of a Lucene query (``organization:"a b" +tags:(x y)`` → two), or
    None when it is not a plain list of clauses (boolean words, local parameters, unbalanced
    quotes or brackets, a field with a space after its colon) or holds a bare ``state:``."""
    clauses: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start, depth, quoted = i, 0, False
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if quoted:
                quoted = c != '"'
            elif c == '"':
                quoted = True
            elif c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth < 0:
                    return None
            elif c.isspace() and not depth:
                break
            i += 1
        clause = text[start:i]
        # a bare « state: » clause stays as written: CKAN adds its own state filter only when
        # the filters hold no « +state » (a « + » here would let « state:deleted » replace it)
        if quoted or depth or clause in _BOOLEAN_WORDS or clause in ("+", "-") or \
                clause.startswith(("!", "{!", "state:")) or clause.endswith(":"):
            return None
        clauses.append(clause)
    return clauses


def _required_filters(fq: Any) -> Any:
    """A search's filters (``fq`` text or ``fq_list``) with each top-level clause required,
    as CKAN's q.op=AND reads them: « organization:"x" +dataset_type:dataset » →
    « +organization:"x" +dataset_type:dataset ». None when a filter is not a plain list of
    clauses (see _clauses)."""
    if isinstance(fq, list):
        out = [_required_filters(f) for f in fq]
        return None if any(f is None for f in out) else out
    if not isinstance(fq, str):
        return None
    clauses = _clauses(fq)
    if clauses is None:
        return None
    return " ".join(c if c[0] in "+-" else "+" + c for c in clauses)


def solr_escape(text: str) -> str:
    return _SOLR_SPECIAL.sub(r"\\\1", text)


def fold(text: str) -> str:
    """Lower case without accents, as the text_fr analysis sees words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def prefix_words(text: str, max_words: int = 6) -> list[str]:
    """The words of an autocomplete prefix, elisions removed ("l'éner" → "éner")."""
    return _WORD.findall(_ELISION.sub(" ", text))[:max_words]


def autocomplete_query(words: list[str], field: str) -> str:
    return "{}:({})".format(field, " AND ".join(solr_escape(w.lower()) for w in words))


def keyword_matches(keywords: Iterable[str], words: list[str], limit: int) -> list[str]:
    """Keywords of which every typed word begins a word ("vel" → "vélo", "pistes cyclables")."""
    wanted = [fold(w) for w in words]
    out = []
    for keyword in keywords:
        parts = _words(keyword)
        if all(any(p.startswith(w) for p in parts) for w in wanted):
            out.append(keyword)
        if len(out) >= limit:
            break
    return out


def spelling_query(q: str) -> str:
    """What the spellchecker reads: the words of the query, elisions and accents removed."""
    return fold(" ".join(prefix_words(q, max_words=12)))


_ACCENTED = {"a": "aàâä", "c": "cç", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü",
             "y": "yÿ"}


def accent_pattern(word: str) -> str:
    """A regular expression matching ``word`` with or without French accents."""
    return "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in word)


def _plain_words(text: str) -> set[str]:
    """The words of ``text`` without accents (lower case), the ones accents may be missing on."""
    return {w.lower() for w in _WORD.findall(text) if w.isascii() and w.isalpha()}


def _reaccent(text: str, counts: dict[str, int]) -> str:
    """``text`` with each word replaced by its most used accented form in ``counts``; case,
    elisions and punctuation kept (« Qualite de l'aire » → « Qualité de l'aire »)."""
    def one(match: re.Match) -> str:
        word = match.group()
        if not (word.isascii() and word.isalpha()):
            return word
        best = best_accented(word.lower(), counts)
        if best == word.lower():
            return word
        if word.isupper() and len(word) > 1:
            return best.upper()
        return best[:1].upper() + best[1:] if word[:1].isupper() else best
    return _WORD.sub(one, text)


def apply_corrections(q: str, corrections: dict[str, str]) -> str:
    """The query as typed, its misspelt words (as the spellchecker read them: folded) replaced
    by their corrections; elisions, case and the other words kept (« qualite de l'aire » with
    aire → air gives « qualite de l'air », not « qualite de air »)."""
    return _WORD.sub(lambda m: corrections.get(fold(m.group()), m.group()), q)


def accents_from_texts(text: str, texts) -> tuple[str, list[str]]:
    """Put the accents back on the words of ``text`` from the way ``texts`` write them
    (« elections » → « élections » when the datasets found say « élections »), without asking
    Solr. Returns the text and the words no text contains (for :func:`restore_accents`)."""
    plain = _plain_words(text)
    counts: dict[str, int] = {}
    lengths = {len(w) for w in plain}  # folding keeps the length of a French word
    for chunk in texts:
        for token in _WORD.findall((chunk or "").lower()):
            if len(token) in lengths and fold(token) in plain:
                counts[token] = counts.get(token, 0) + 1
    seen = {fold(token) for token in counts}
    # « a », « ou », « l »: too short to look up alone (« à » or « a » is the sentence's choice)
    return _reaccent(text, counts), sorted(w for w in plain if w not in seen and len(w) > 2)


def best_accented(word: str, counts: dict[str, int]) -> str:
    """The written form of ``word`` most used in the dictionary (accents included)."""
    accented = {w: n for w, n in counts.items() if w != word and fold(w) == word}
    if not accented:
        return word
    return max(sorted(accented), key=lambda w: accented[w])


# ---------------------------------------------------------------------------------------------
# Solr
# ---------------------------------------------------------------------------------------------
_kinds: dict[str, str] = {}
_kinds_lock = threading.Lock()
SPELLING_DICTIONARIES = ("near", "default")
ACCENT_ROWS = 10  # datasets read for the accents of a suggestion


class SolrError(Exception):
    """Solr did not answer, or answered an error status."""


class SolrAnswer:
    """Status and body of one answer of Solr."""

    __slots__ = ("status_code", "content")

    def __init__(self, status_code: int, content: bytes):
        self.status_code, self.content = status_code, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)  # ValueError when garbled

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise SolrError(f"Solr answered {self.status_code}: {self.text[:200]}")


_pool: tuple[int, urllib3.PoolManager] | None = None
_pool_lock = threading.Lock()


def _connections() -> urllib3.PoolManager:
    """Kept-alive connections to Solr, shared by the threads of this process (a new pool in a
    forked worker: sockets are not shared across processes)."""
    global _pool
    pid = os.getpid()
    if _pool is None or _pool[0] != pid:
        with _pool_lock:
            if _pool is None or _pool[0] != pid:
                # no proxy or .netrc looked up: Solr is a service of the portal; no retry: a
                # Solr that does not answer is reported at once (search stays CKAN's)
                _pool = (pid, urllib3.PoolManager(num_pools=4, maxsize=8, retries=False))
    return _pool[1]


def configured_auth(config: Any) -> tuple[str, str] | None:
    """The Solr credentials of CKAN's configuration (``solr_user``, ``solr_password``), if any."""
    user, password = config.get("solr_user"), config.get("solr_password")
    return (user, password) if user and password else None


def solr_get(url: str, *, params: Iterable[tuple[str, str]] | dict[str, str], timeout: float,
             auth: tuple | None = None) -> SolrAnswer:
    """GET on Solr through a kept-alive connection. A search that finds nothing asks Solr two
    or three more things; through urllib3 directly, one question to the spell handler takes
    0.6 ms where a requests session takes 1.0 ms (most of it Python, not Solr)."""
    headers = urllib3.make_headers(basic_auth=f"{auth[0]}:{auth[1]}") if auth else None
    fields = list(params.items()) if isinstance(params, dict) else list(params)
    try:
        resp = _connections().request("GET", url, fields=fields, headers=headers,
                                      timeout=timeout, redirect=False)
    except urllib3.exceptions.HTTPError as exc:
        raise SolrError(str(exc)) from exc
    return SolrAnswer(resp.status, resp.data)


def schema_kind(solr_url: str, timeout: float = 5, auth: tuple | None = None) -> str:
    """'poitiers' when the live schema has our text_fr field type, else 'stock'.

    Remembered per Solr URL for the life of the process; a Solr that does not answer is taken
    as stock for this call and asked again next time.
    """
    base = solr_url.rstrip("/")
    with _kinds_lock:
        if base in _kinds:
            return _kinds[base]
    try:
        resp = solr_get(f"{base}/schema/fieldtypes/text_fr", params={"wt": "json"},
                        timeout=timeout, auth=auth)
    except SolrError as exc:
        log.warning("Solr schema check at %s failed: %s", base, exc)
        return STOCK
    if resp.status_code == 200:
        kind = POITIERS
    elif resp.status_code == 404:
        kind = STOCK
    else:
        log.warning("Solr schema check at %s answered %s", base, resp.status_code)
        return STOCK
    with _kinds_lock:
        _kinds[base] = kind
    return kind


def forget_schema_kinds() -> None:
    with _kinds_lock:
        _kinds.clear()


class SuggestionCache:
    """The corrections of this process's recent searches that found nothing, so that such a
    search asked again (the next page of its correction's results, the same typo by another
    visitor, a reload) does not ask Solr's spellchecker again.

    Keyed by everything a correction depends on: the Solr core, the query as typed and the
    search's filters (site, state and the searcher's permission labels: visitors who may see
    different datasets never share an entry). An entry lives ``seconds`` at most; a dataset
    created, updated or deleted in this process empties the cache. A correction kept from
    before a change made by another process is still safe: its datasets are searched with the
    searcher's own permissions, and a correction that finds nothing is not offered. Only
    searches that found nothing are kept (a « Vouliez-vous dire … » shown beside results is a
    text, not a search); Solr errors are not kept.

    It also keeps, the same while, the searches known to find nothing whose correction found
    datasets (:meth:`keep_empty_search`), each with the version of the index it found nothing
    in: asked again while Solr searches that same index, such a search goes straight to its
    correction (see ``plugins/search.py``).
    """

    def __init__(self, size: int = 1024):
        self.size = size
        self._entries: dict[tuple, tuple[float, Any]] = {}
        self._empty_queries: set[str] = set()  # the queries of kept empty searches
        self._lock = threading.Lock()

    def get(self, key: tuple, now: float) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            if entry[0] <= now:
                del self._entries[key]
                return False, None
            return True, entry[1]

    def put(self, key: tuple, value: Any, expires: float) -> None:
        with self._lock:
            if key not in self._entries and len(self._entries) >= self.size:
                # the oldest entry goes (dicts keep insertion order)
                del self._entries[next(iter(self._entries))]
            self._entries[key] = (expires, value)

    def keep_empty_search(self, key: tuple, q: str, value: Any, expires: float) -> None:
        """:meth:`put` for a search known to find nothing, whose query is ``q``."""
        self.put(key, value, expires)
        with self._lock:
            self._empty_queries.add(q)
            if len(self._empty_queries) > 2 * self.size:  # of entries long gone
                self._empty_queries = {k[1] for k in self._entries if k[0] == EMPTY_SEARCH}

    def may_know_empty(self, q: Any) -> bool:
        """Whether a search of ``q`` may be known to find nothing (false: it is not, and its
        key need not be worked out)."""
        return isinstance(q, str) and q in self._empty_queries

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._empty_queries.clear()

    def __len__(self) -> int:
        return len(self._entries)


suggestions = SuggestionCache()
EMPTY_SEARCH = "found nothing"  # first item of the key of a kept empty search


def cached_spelling_suggestion(solr_url: str, q: str, fq: list[str] | str, *, seconds: float,
                               timeout: float = 5, auth: tuple | None = None, found: int = 0,
                               restore: bool = True) -> str | None:
    """:func:`spelling_suggestion`; for a search that found nothing, kept ``seconds`` in
    :data:`suggestions` (0: not kept)."""
    if seconds <= 0 or found:
        return spelling_suggestion(solr_url, q, fq, timeout=timeout, auth=auth, found=found,
                                   restore=restore)
    key = (solr_url.rstrip("/"), q, tuple(_filters(fq)), restore)
    now = time.monotonic()
    hit, value = suggestions.get(key, now)
    if hit:
        return value
    try:
        value = _spelling_suggestion(solr_url, q, fq, timeout=timeout, auth=auth, found=found,
                                     restore=restore)
    except (SolrError, ValueError) as exc:  # Solr down or garbled: asked again next time
        log.warning("Solr spellcheck failed: %s", exc)
        return None
    suggestions.put(key, value, now + seconds)
    return value


# A Solr that refuses its Luke handler (401, 403: admin handlers closed to the portal; 404:
# handler removed) is not asked again for this long; searches are then not kept (see
# docs/search.md), and the refusal is logged once, not at each search that found nothing.
LUKE_REFUSED_SECONDS = 600.0
LUKE_REFUSALS = (401, 403, 404)
_luke_refused: dict[str, float] = {}  # core URL -> until (time.monotonic())


def index_version(solr_url: str, *, timeout: float, auth: tuple | None = None) -> int | None:
    """The version of the index Solr searches now: it changes with every commit that opens a
    new searcher, in whatever process the change was made (Solr's Luke handler, about a
    millisecond). None when Solr does not answer, does not say, or refuses the handler."""
    base = solr_url.rstrip("/")
    now = time.monotonic()
    if _luke_refused.get(base, 0.0) > now:
        return None
    try:
        resp = solr_get(f"{base}/admin/luke", timeout=timeout, auth=auth,
                        params={"show": "index", "numTerms": "0", "wt": "json"})
        if resp.status_code in LUKE_REFUSALS:
            _luke_refused[base] = now + LUKE_REFUSED_SECONDS
            log.warning(
                "Solr refuses %s/admin/luke (HTTP %s): the searches that found nothing are not "
                "kept; asked again in %d s. Open the Luke handler to the portal to keep them.",
                base, resp.status_code, LUKE_REFUSED_SECONDS)
            return None
        resp.raise_for_status()
        return int(resp.json()["index"]["version"])
    except (SolrError, ValueError, KeyError, TypeError) as exc:
        log.warning("Solr did not give its index version: %s", exc)
        return None


def spelling_suggestion(solr_url: str, q: str, fq: list[str] | str, *, timeout: float = 5,
                        auth: tuple | None = None, found: int = 0,
                        restore: bool = True) -> str | None:
    """A corrected query that finds datasets the same searcher may see, or None (also when
    Solr is down or answers garbage)."""
    try:
        return _spelling_suggestion(solr_url, q, fq, timeout=timeout, auth=auth, found=found,
                                    restore=restore)
    except (SolrError, ValueError) as exc:
        log.warning("Solr spellcheck failed: %s", exc)
        return None


def _spelling_suggestion(solr_url: str, q: str, fq: list[str] | str, *, timeout: float,
                         auth: tuple | None, found: int, restore: bool) -> str | None:
    """A corrected query that finds datasets the same searcher may see, or None; raises
    SolrError (or ValueError) when Solr is down or garbled.

    Solr's spellchecker proposes words of the index; its collation step re-runs the corrected
    query with the searcher's own filters (fq: site, state, permission labels) and every word
    required, so a word seen only in private datasets is never proposed, alone or beside public
    words. A correction must find more datasets than the
    search did (``found``): « piscines » is no news to whoever searched « piscine ».
    """
    words = spelling_query(q)
    if len(words) < 3:
        return None
    # the handler's own search is a cheap match-all (rows=0): Solr builds the collations from
    # spellcheck.q and runs each candidate with the parameters below (q replaced)
    params: list[tuple[str, str]] = [
        ("q", "*:*"), ("spellcheck.q", words), ("defType", "edismax"),
        # every word of a correction must be in one dataset the searcher may see: with CKAN's
        # minimum match a word of a private dataset could ride along with public ones
        # q.op=AND: the filters read as CKAN reads them (every clause required); every word
        # of the query is required anyway (mm)
        ("qf", QUERY_FIELDS), ("mm", "100%"), ("q.op", "AND"), ("wt", "json"),
    ]
    fq_list = _filters(fq)
    params += [("fq", f) for f in fq_list]
    # one edit away first (cheap), two edits only when that finds nothing (see solrconfig.xml)
    # and only for a search that found nothing: one that found a few datasets is offered a
    # near word or nothing. A Solr configured before "near" existed answers 404 to it and is
    # asked "default".
    for dictionary in SPELLING_DICTIONARIES:
        try:
            text = _collation(solr_url, params + [("spellcheck.dictionary", dictionary)],
                              q, words, found, timeout=timeout, auth=auth)
        except _NoSuchDictionary:
            continue
        if text:  # else the caller puts the accents back (see accents_from_texts)
            return restore_accents(solr_url, text, fq=fq_list, timeout=timeout,
                                   auth=auth) if restore else text
        if found:
            break
    return None


class _NoSuchDictionary(Exception):
    pass


def _collation(solr_url: str, params: list[tuple[str, str]], q: str, words: str, found: int,
               *, timeout: float, auth: tuple | None) -> str | None:
    """The first collation of one spelling dictionary that finds more than ``found``, as the
    query ``q`` typed with its corrections."""
    resp = solr_get(f"{solr_url.rstrip('/')}/spell", params=params, timeout=timeout, auth=auth)
    if resp.status_code in (400, 404) and "dictionar" in resp.text:
        log.warning("Solr has no spelling dictionary %s: see docs/search.md",
                    dict(params).get("spellcheck.dictionary"))
        raise _NoSuchDictionary
    resp.raise_for_status()
    body = resp.json()
    collations = (body.get("spellcheck") or {}).get("collations") or []
    # [ "collation", {"collationQuery": "...", "hits": n, ...}, ... ]
    for i in range(0, len(collations) - 1, 2):
        if collations[i] != "collation":
            continue
        entry = collations[i + 1]
        if isinstance(entry, dict):
            text, hits = entry.get("collationQuery"), entry.get("hits", 0)
        else:
            text, hits = entry, 1
        if text and hits and hits > found and fold(text) != words:
            corrections = {str(k): str(v) for k, v in _pairs(
                entry.get("misspellingsAndCorrections")).items()} if isinstance(entry, dict) else {}
            return apply_corrections(q, corrections) if corrections else text
    return None


def _pairs(value: Any) -> dict:
    """One of Solr's named lists (misspellingsAndCorrections, terms), flat ([key, value, …],
    Solr's default in JSON) or a map."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return dict(zip(value[0::2], value[1::2], strict=False))
    return {}


def _filters(fq) -> list[str]:
    """A search's ``fq`` (one text or a list) as the list of its non-empty filters."""
    return [f for f in ([fq] if isinstance(fq, str) else fq or []) if f and f.strip()]


def restore_accents(solr_url: str, text: str, *, fq: Iterable[str], timeout: float = 5,
                    auth: tuple | None = None) -> str:
    """"elections municipales" → "élections municipales", as the datasets the searcher may see
    write the words (``fq``: the search's own filters: site, state, permission labels).

    Not from the whole index (Solr's term list): the accents of a word written so only in a
    private dataset, a deleted one or another site's would be shown to whoever searches."""
    plain = _plain_words(text)
    if not plain:
        return text
    params: list[tuple[str, str]] = [
        ("q", spelling_query(text)), ("defType", "edismax"), ("qf", QUERY_FIELDS),
        ("mm", "100%"), ("q.op", "AND"), ("rows", str(ACCENT_ROWS)), ("fl", "title,notes,tags"),
        ("wt", "json")]
    params += [("fq", f) for f in _filters(fq)]
    try:  # one request for all the words
        resp = solr_get(f"{solr_url.rstrip('/')}/select", params=params, timeout=timeout,
                        auth=auth)
        resp.raise_for_status()
        docs = resp.json().get("response", {}).get("docs") or []
    except (SolrError, ValueError, AttributeError) as exc:
        log.warning("Solr accents lookup failed: %s", exc)
        return text
    return accents_from_texts(text, dataset_texts(docs))[0]


def dataset_texts(results) -> list[str]:
    """The words of datasets as written: titles, descriptions, keywords (package_search's
    datasets, whole or with ``fl``, or Solr's documents)."""
    out = []
    for pkg in results or []:
        if isinstance(pkg, dict):
            out += [str(pkg.get("title") or ""), str(pkg.get("notes") or "")]
            for tag in pkg.get("tags") or []:
                out.append(str((tag.get("name") if isinstance(tag, dict) else tag) or ""))
    return out
