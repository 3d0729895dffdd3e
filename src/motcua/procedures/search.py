"""Procedure search: one function over SQLite FTS5 or PostgreSQL full-text (gh-3 item 10).

Citizens type "dang ky khai sinh", "ĐĂNG KÍ KHAI SINH", "khai sinh dang ky",
"khai si" or "1.001193" and expect "Đăng ký khai sinh". The text is therefore
normalised in Python, identically for the index and for the query:

* ``exact`` form: NFC, case-folded, the tone mark moved to one canonical
  vowel (old "hòa/thủy/qúy" and new "hoà/thuỷ/quý" placements agree);
* ``folded`` form: no diacritics at all, đ → d (``motcua.core.text.fold``;
  FTS5's ``remove_diacritics`` leaves đ alone), and the final y after a
  consonant spelled i (kí/ký, lí/lý, quí/quý, mĩ/mỹ are both in use).

Every row of ``ProcedureSearchEntry`` holds both forms of one published or
retired version. Words citizens put around what they want ("thủ tục …",
"… ở đâu", "… cần giấy tờ gì") are dropped from the ends of the query, and
common abbreviations (CCCD, GPXD, QSDĐ…) expanded. A query matches when every
word occurs in the folded document (name, keywords, field, result, variants,
code), the last word as a prefix ("khai si"). Matching runs in the database
engine (an FTS5 table on SQLite, a stored ``tsvector`` with a GIN index on
PostgreSQL); the ranking is the same portable SQL on both, best first:

0. the exact-diacritic phrase in the name;
1. the folded phrase in the name;
2. every word in the name;
3. the phrase as typed, fillers included, elsewhere (a keyword: "làm sổ đỏ");
4. the phrase without the fillers elsewhere;
5. every word in the name only when the last one is taken as a prefix
   ("báo tử" must not rank "đối tượng bảo trợ" first);
6. words scattered over keywords, field and other text;

ties by the folded name in byte order on both engines ("Đăng ký" sorts with
"Dang ky", not after "Z").

A query of digits and dots (at least three digits) searches national codes:
the code, its start or one of its parts ("1.001193", "1.0011", "001193").
When no version has every word, the search falls back to suggestions: one
page of the versions with most of the words (at least half of them, three
suffice), e.g. for "đăng ký khai sinh cho con gái". With more than three
words, only versions where two neighbouring words of the query stand side by
side are considered: one common word alone ("giấy", "đăng ký") would make
every procedure a candidate. Only the first twelve words of a query count.

One query per search (the page and its total); one more for the fallback and
for a page past the end, so never more than three.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import Case, Expression, RawSQL
from django.db.models.functions import Collate, StrIndex
from django.db.models.lookups import GreaterThan
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.organisations.selectors import today

from .constants import OnlineMode, VersionStatus
from .models import ProcedureOffering, ProcedureVersion
from .selectors import version_valid_on_q

FTS_TABLE = "procedures_search_fts"  # SQLite only; created by migration 0003
TS_CONFIG = "motcua_vi"  # PostgreSQL text search configuration (simple + unaccent)
REINDEX_BATCH = 2000
MAX_WORDS = 12  # of a query: bounds the ranking SQL; no procedure name needs more to be found
INDEXED_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


class ProcedureSearchEntry(models.Model):
    """The search index row of a published (or retired) procedure version.

    Maintained only by ``procedure_search_reindex``. Defined here, next to the
    only code that reads and writes it; ``models.py`` imports it so the app
    registry always knows it. On SQLite each row has a
    twin in the FTS5 table ``procedures_search_fts`` (rowid = version id); on
    PostgreSQL the table also has a generated ``search_vector`` column with a
    GIN index (both created by migration 0003, outside Django's model state).
    """

    version = models.OneToOneField(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        help_text=_("Phiên bản thủ tục được đánh chỉ mục."),
    )
    code = models.CharField(
        _("mã thủ tục"), max_length=40, help_text=_("Mã TTHC, để tìm theo mã (cả mã một phần).")
    )
    name_exact = models.TextField(
        _("tên (giữ dấu)"),
        help_text=_("Tên thủ tục viết thường, giữ dấu, dấu thanh đặt thống nhất."),
    )
    name_folded = models.TextField(_("tên (bỏ dấu)"), help_text=_("Tên thủ tục không dấu."))
    document_folded = models.TextField(
        _("nội dung tìm kiếm"),
        help_text=_("Tên, từ khóa, lĩnh vực, kết quả, trường hợp và mã, không dấu."),
    )
    levels = models.CharField(
        _("cấp thực hiện"),
        max_length=40,
        help_text=_("Các cấp thực hiện dạng “|1|3|” để lọc trên mọi cơ sở dữ liệu."),
    )

    class Meta:
        app_label = "procedures"
        verbose_name = _("chỉ mục tìm kiếm thủ tục")
        verbose_name_plural = _("chỉ mục tìm kiếm thủ tục")

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class SearchPage:
    total: int
    results: list[ProcedureVersion]  # current published versions, with procedure+field selected


# --- Text normalisation -----------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_CODE = re.compile(r"\d[\d.]*|\.\d[\d.]*")
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_INITIALS = frozenset(  # Vietnamese initial consonants
    {"b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh"}
    | {"p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"}
)

# Abbreviations citizens type, expanded in queries and in documents alike.
ABBREVIATIONS: dict[str, str] = {
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "gcn": "giấy chứng nhận",
    "gpxd": "giấy phép xây dựng",
    "gplx": "giấy phép lái xe",
    "qsdd": "quyền sử dụng đất",
    "dkkd": "đăng ký kinh doanh",
    "hkd": "hộ kinh doanh",
    "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội",
    "ubnd": "ủy ban nhân dân",
    "tthc": "thủ tục hành chính",
}

# Words around what a citizen wants ("thủ tục …", "làm …", "… ở đâu", "… cần giấy tờ gì"),
# stripped from the start and the end of a query only, never from its middle ("giấy phép
# xây dựng nhà ở riêng lẻ" keeps its "ở"). A filler typed without diacritics matches its
# folded form; typed with diacritics it must match exactly ("căn cước" is not "cần").
_LEADING_FILLERS = [
    "tôi muốn",
    "tôi cần",
    "muốn",
    "cần",
    "xin",
    "làm thế nào để",
    "làm sao để",
    "làm thế nào",
    "làm sao",
    "cách",
    "hướng dẫn",
    "thủ tục hành chính",
    "thủ tục",
    "quy trình",
    "làm",
    "nộp",
    "hồ sơ",
    "đi",
    "để",
]
_TRAILING_FILLERS = [
    "cần giấy tờ gì",
    "cần những giấy tờ gì",
    "cần những gì",
    "gồm những gì",
    "cần gì",
    "như thế nào",
    "thế nào",
    "ở đâu",
    "tại đâu",
    "mất bao lâu",
    "bao lâu",
    "hết bao nhiêu tiền",
    "bao nhiêu tiền",
    "bao nhiêu",
    "online",
    "trực tuyến",
    "gì",
]


def _tone_position(syllable: str) -> int | None:
    """Index of the vowel carrying the tone in a toneless lower-case syllable.

    Any deterministic rule makes "hòa" and "hoà" agree; this one is the "new"
    placement: the vowel with a quality mark (ơ in ươ), else the only vowel,
    else the last vowel before a final consonant, else the second of oa/oe/uy
    and the middle of three, else the first (ai, ao, ia, ua…). The u of qu and
    the i of gi followed by a vowel belong to the consonant (quý, giá).
    """
    n = len(syllable)
    start = 0
    while start < n and syllable[start] not in _VOWELS:
        start += 1
    if start == n:
        return None
    if (
        start > 0
        and syllable[start - 1 : start + 1] in ("qu", "gi")
        and start + 1 < n
        and syllable[start + 1] in _VOWELS
    ):
        start += 1
    end = start
    while end < n and syllable[end] in _VOWELS:
        end += 1
    marked = [i for i in range(start, end) if syllable[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    cluster = syllable[start:end]
    if len(cluster) == 1:
        return start
    if end < n:
        return end - 1
    if cluster in ("oa", "oe", "uy") or len(cluster) == 3:
        return start + 1
    return start


def canonical_tone(word: str) -> str:
    """``word`` (NFC, lower case) with its tone mark on the canonical vowel."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    position = _tone_position(base)
    if position is None:
        return word
    return unicodedata.normalize("NFC", base[: position + 1] + tones[0] + base[position + 1 :])


def spelling(folded: str) -> str:
    """One spelling for the i/y variants: a final y right after an initial consonant is i.

    "ký"/"kí", "lý"/"lí", "mỹ"/"mĩ", "quy"/"qui" are both in official use; a y
    after a vowel (thủy, tuy, hay) is part of the rhyme and stays.
    """
    if len(folded) > 1 and folded[-1] == "y" and folded[:-1] in _INITIALS:
        return folded[:-1] + "i"
    return folded


@dataclass(frozen=True)
class _Word:
    exact: str  # NFC, lower case, canonical tone
    folded: str  # no diacritics, đ → d, i/y spelling normalised
    raw_folded: str  # no diacritics, spelling as typed


def _words(text: str, *, expand: bool = True) -> list[_Word]:
    words: list[_Word] = []
    for token in _WORD.findall(unicodedata.normalize("NFC", text).casefold()):
        folded = fold(token)
        if expand and folded in ABBREVIATIONS:
            words.extend(_words(ABBREVIATIONS[folded], expand=False))
            continue
        words.append(_Word(canonical_tone(token), spelling(folded), folded))
    return words


def _fillers(phrases: list[str]) -> list[list[_Word]]:
    return sorted((_words(p, expand=False) for p in phrases), key=len, reverse=True)


_LEADING = _fillers(_LEADING_FILLERS)
_TRAILING = _fillers(_TRAILING_FILLERS)


# Single filler words whose folded form is no other common word ("lam" may be "lâm",
# "can" "căn", "di" "di chuyển"): only these are stripped when typed without diacritics.
_UNAMBIGUOUS_FOLDED = frozenset({"xin", "nop", "muon", "online"})


def _same_words(typed: list[_Word], filler: list[_Word]) -> bool:
    if all(w.exact == w.raw_folded for w in typed):  # typed without diacritics
        if len(filler) == 1 and filler[0].raw_folded not in _UNAMBIGUOUS_FOLDED:
            return False
        return [w.raw_folded for w in typed] == [w.raw_folded for w in filler]
    return [w.exact for w in typed] == [w.exact for w in filler]


def _strip(words: list[_Word], fillers: list[list[_Word]], *, leading: bool) -> list[_Word]:
    changed = True
    while changed:
        changed = False
        for filler in fillers:
            k = len(filler)
            part = words[:k] if leading else words[-k:]
            if k < len(words) and _same_words(part, filler):
                words = words[k:] if leading else words[:-k]
                changed = True
                break
    return words


def _strip_fillers(words: list[_Word]) -> list[_Word]:
    return _strip(_strip(words, _LEADING, leading=True), _TRAILING, leading=False)


def _padded(tokens: Iterable[str]) -> str:
    """Space-separated with a space at both ends, so " word " matches whole words only."""
    return " " + " ".join(tokens) + " "


def index_text(text: str) -> tuple[str, str]:
    """The (exact, folded) padded forms of ``text`` as stored in the index."""
    words = _words(text, expand=False)
    return _padded(w.exact for w in words), _padded(w.folded for w in words)


def _document(text: str) -> str:
    """Folded words of ``text`` followed by the expansion of any abbreviation in it."""
    words = _words(text, expand=False)
    extra = [w for w in words if w.raw_folded in ABBREVIATIONS]
    folded = [w.folded for w in words]
    for w in extra:
        folded.extend(x.folded for x in _words(ABBREVIATIONS[w.raw_folded], expand=False))
    return " ".join(folded)


# --- Indexing ---------------------------------------------------------------------


def _entry(version: ProcedureVersion) -> ProcedureSearchEntry:
    code = version.procedure.national_code
    exact, folded = index_text(version.name)
    parts = [
        version.name,
        version.keywords,
        version.field.name,
        version.result_type,
        version.competent_authority,
        *(variant.name for variant in version.variants.all()),
        code,
    ]
    levels = sorted({int(level) for level in version.levels or []})
    return ProcedureSearchEntry(
        version_id=version.pk,
        code=code,
        name_exact=exact,
        name_folded=folded,
        document_folded=_padded(_document(p) for p in parts if p),
        levels=("|" + "|".join(map(str, levels)) + "|") if levels else "",
    )


# The SQL below is built from module constants and placeholders only (ruff S608/S611):
# every value the user typed travels as a query parameter.


def _delete_entries(ids: Sequence[int] | None) -> None:
    """Delete the index rows (and FTS5 rows) of ``ids``, or all of them."""
    sqlite = connection.vendor == "sqlite"
    if ids is None:
        ProcedureSearchEntry.objects.all().delete()
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        ProcedureSearchEntry.objects.filter(version_id__in=chunk).delete()
        if sqlite:
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608


def _insert_entries(entries: Sequence[ProcedureSearchEntry]) -> None:
    ProcedureSearchEntry.objects.bulk_create(entries, batch_size=500)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, name, document) VALUES (%s, %s, %s)",  # noqa: S608
                [(e.pk, e.name_folded, e.document_folded) for e in entries],
            )


def procedure_search_reindex(*, version_ids: Iterable[int] | None = None) -> int:
    """Rebuild the search index rows of ``version_ids`` (every version when None).

    Published and retired versions are indexed (search filters by validity
    date at query time, so retiring a version needs no reindex); drafts and
    versions that no longer exist lose their row. Returns the number of rows
    written. Call it after publishing a version, after a catalogue import and
    after renaming a procedure field (its name is searchable). Runs in one
    transaction, in batches of ``REINDEX_BATCH`` versions (two queries each,
    plus the inserts); on SQLite it also maintains the FTS5 table.
    """
    versions = (
        ProcedureVersion.objects.filter(status__in=INDEXED_STATUSES)
        .select_related("procedure", "field")
        .prefetch_related("variants")
        .order_by("pk")
    )
    ids = None if version_ids is None else sorted(set(version_ids))
    written = 0
    with transaction.atomic():
        _delete_entries(ids)
        if ids is None:
            chunks = _chunks(versions.iterator(chunk_size=REINDEX_BATCH), REINDEX_BATCH)
        else:
            chunks = (
                list(versions.filter(pk__in=ids[start : start + REINDEX_BATCH]))
                for start in range(0, len(ids), REINDEX_BATCH)
            )
        for chunk in chunks:
            entries = [_entry(version) for version in chunk]
            _insert_entries(entries)
            written += len(entries)
    return written


def _chunks(items: Iterable[ProcedureVersion], size: int) -> Iterator[list[ProcedureVersion]]:
    chunk: list[ProcedureVersion] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- Searching --------------------------------------------------------------------


@dataclass(frozen=True)
class _Query:
    words: list[_Word]  # what is searched: fillers stripped, abbreviations expanded
    typed: list[_Word]  # the same with the fillers ("làm sổ đỏ" is a keyword as typed)

    @property
    def last_forms(self) -> list[str]:
        """The last word as a prefix: normalised and as typed ("quy" may be "quyền")."""
        last = self.words[-1]
        return list(dict.fromkeys([last.folded, last.raw_folded]))

    def match_expression(self) -> str:
        """Every word, the last one as a prefix, in the engine's query syntax."""
        head = [w.folded for w in self.words[:-1]]
        last = self.last_forms
        if connection.vendor == "sqlite":
            alternatives = " OR ".join(f'"{t}"*' for t in last)
            return " AND ".join([*(f'"{t}"' for t in head), f"({alternatives})"])
        alternatives = " | ".join(f"{t}:*" for t in last)
        return " & ".join([*head, f"({alternatives})"])

    def any_expression(self) -> str:
        """Any of the words (the fallback), in the engine's query syntax."""
        head = list(dict.fromkeys(w.folded for w in self.words[:-1]))
        last = self.last_forms
        if connection.vendor == "sqlite":
            return " OR ".join([*(f'"{t}"' for t in head), *(f'"{t}"*' for t in last)])
        return " | ".join([*head, *(f"{t}:*" for t in last)])

    def pairs_expression(self) -> str:
        """Two neighbouring words side by side, any pair (the last word as a prefix)."""
        folded = [w.folded for w in self.words]
        pairs = [f"{a} {b}" for a, b in pairwise(folded[:-1])]
        ends = [f"{folded[-2]} {t}" for t in self.last_forms]
        if connection.vendor == "sqlite":
            return " OR ".join([*(f'"{p}"' for p in pairs), *(f'"{p}"*' for p in ends)])
        phrases = [p.replace(" ", " <-> ") for p in pairs]
        phrases += [p.replace(" ", " <-> ") + ":*" for p in ends]
        return " | ".join(f"({p})" for p in phrases)

    def word_conditions(self, column: str, *, whole: bool = False) -> list[Q]:
        """One condition per word: it occurs in ``column`` (the last one as a prefix)."""
        if column == "document_folded" and not whole and connection.vendor == "postgresql":
            # The same test on the document's tsvector: a binary search, not a scan.
            last = " | ".join(f"{t}:*" for t in self.last_forms)
            return [Q(_VectorMatch(w.folded)) for w in self.words[:-1]] + [
                Q(_VectorMatch(f"({last})"))
            ]
        conditions = [_contains(column, f" {w.folded} ") for w in self.words[:-1]]
        end = " " if whole else ""
        conditions.append(_any(_contains(column, f" {t}{end}") for t in self.last_forms))
        return conditions

    def phrase_in(self, column: str, words: list[_Word] | None = None) -> Q:
        """The folded phrase in ``column``, its last word as a prefix."""
        words = words or self.words
        head = "".join(f" {w.folded}" for w in words[:-1])
        last = list(dict.fromkeys([words[-1].folded, words[-1].raw_folded]))
        return _any(_contains(column, f"{head} {t}") for t in last)

    def rank(self) -> Case:
        """The relevance tier, 0 best (module docstring)."""
        exact = "".join(f" {w.exact}" for w in self.words)
        tiers = [
            _contains("name_exact", exact),
            self.phrase_in("name_folded"),
            Q(*self.word_conditions("name_folded", whole=True)),
            self.phrase_in("document_folded", self.typed),
            self.phrase_in("document_folded"),
            Q(*self.word_conditions("name_folded")),
        ]
        return Case(
            *(When(condition, then=Value(tier)) for tier, condition in enumerate(tiers)),
            default=Value(len(tiers)),
            output_field=models.IntegerField(),
        )


def _contains(column: str, needle: str) -> Q:
    # strpos/instr rather than LIKE: no wildcard escaping and faster on both engines.
    return Q(GreaterThan(StrIndex(column, Value(needle)), 0))


def _any(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _parse(query: str) -> tuple[_Query | None, str | None]:
    """(words, code): a query of digits and dots with at least 3 digits is a national code."""
    text = unicodedata.normalize("NFC", query).strip()
    if _CODE.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 3:
        return None, text
    typed = _words(text)[:MAX_WORDS]
    words = _strip_fillers(typed)
    return (_Query(words, typed) if words else None), None


class _VectorMatch(Expression):
    """PostgreSQL: the index row's ``search_vector`` matches a ``to_tsquery`` expression.

    The column is outside Django's model state (migration 0003), so it is named
    here, after the alias Django gives the index table in this very query: the
    search nests itself (the page's ids are a subquery) and Django renames the
    inner tables U0, U1….
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, expression: str) -> None:
        super().__init__()
        self.expression = expression

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[str, ...]]:
        table = compiler.quote_name(next(iter(compiler.query.alias_map)))
        sql = f"{table}.search_vector @@ to_tsquery(%s::regconfig, %s)"
        return sql, (TS_CONFIG, self.expression)


def _text_match(expression: str) -> Q:
    """Index rows whose text matches ``expression`` (the engine's query syntax)."""
    if connection.vendor == "sqlite":
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, (expression,)))  # noqa: S611
    return Q(_VectorMatch(expression))


def _filtered(
    *,
    on: dt.date,
    field_code: str | None,
    agency_code: str | None,
    level: int | None,
    audience: str | None,
    online_only: bool,
) -> QuerySet[ProcedureSearchEntry]:
    entries = ProcedureSearchEntry.objects.filter(version_valid_on_q(on, prefix="version__"))
    if field_code:
        entries = entries.filter(version__field__code=field_code)
    if audience:
        entries = entries.filter(version__audience=audience)
    if level is not None:
        entries = entries.filter(levels__contains=f"|{int(level)}|")
    if online_only:
        entries = entries.exclude(version__online_mode=OnlineMode.NONE)
    if agency_code:
        offerings = ProcedureOffering.objects.filter(
            procedure_id=OuterRef("version__procedure_id"),
            agency__code=agency_code,
            is_active=True,
        )
        if online_only:
            offerings = offerings.filter(online_open=True)
        entries = entries.filter(Exists(offerings))
    return entries


def _by_name() -> Collate | str:
    # Byte order on both engines: PostgreSQL's locale collations skip spaces.
    return Collate("name_folded", "C") if connection.vendor == "postgresql" else "name_folded"


def _page(
    matches: QuerySet[ProcedureSearchEntry],
    *,
    ranking: Mapping[str, Any],
    order: Sequence[str | Collate],
    limit: int,
    offset: int,
    counted: bool = True,
) -> SearchPage:
    """The page of ``matches`` in ``order`` and their total, in one query.

    The page's ids are ranked in a subquery that reads only the index row, so
    sorting thousands of matches never carries the wide version rows; the
    outer query loads those 20 versions with procedure and field and gets the
    total from an uncorrelated scalar subquery (evaluated once). A page past
    the end has no row to carry the total: one more query counts.

    ``counted=False`` (the fallback's suggestions): only the first ``limit``
    matches exist, the total is their number and there is no count at all.
    """
    ordering = [*order, "version_id"]
    missing = {k: v for k, v in ranking.items() if k not in matches.query.annotations}
    ranked = matches.annotate(**missing).order_by(*ordering).values("pk")
    rows = ProcedureSearchEntry.objects.select_related("version__procedure", "version__field")
    if not counted:
        found = list(rows.filter(pk__in=ranked[:limit]).annotate(**ranking).order_by(*ordering))
        return SearchPage(total=len(found), results=[row.version for row in found][offset:])
    total = matches.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    found = list(
        rows.filter(pk__in=ranked[offset : offset + limit])
        .annotate(**ranking, total=Subquery(total.values("n"), output_field=models.IntegerField()))
        .order_by(*ordering)
    )
    # No row: either nothing matched (offset 0) or the page is past the end.
    count = found[0].total if found else (matches.count() if offset else 0)  # type: ignore[attr-defined]  # annotation
    return SearchPage(total=count, results=[row.version for row in found])


def _code_match(code: str) -> Q:
    """Codes containing ``code`` from the start of one of their parts ("1.0011", "001193").

    The parts are words of the indexed document ("1 001193"), so the engine's
    index finds them (the last part as a prefix); ``contains`` confirms the dots.
    """
    parts = [part for part in code.split(".") if part]
    if connection.vendor == "sqlite":
        expression = '"' + " ".join(parts) + '"*'
    else:
        expression = " <-> ".join([*parts[:-1], f"{parts[-1]}:*"])
    return _text_match(expression) & Q(code__contains=code)


def procedure_search(
    *,
    query: str = "",
    on: dt.date | None = None,
    field_code: str | None = None,
    agency_code: str | None = None,
    level: int | None = None,
    audience: str | None = None,
    online_only: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Published procedure versions in force on ``on`` (default today) matching ``query``.

    Without a query (or with only filler words) lists in name order. Filters:
    ``field_code`` (ProcedureField.code), ``agency_code`` (an active offering
    at that agency; with ``online_only`` its online submission must be open),
    ``level`` (1 province, 3 commune…), ``audience``, ``online_only`` (full or
    partial online service). Results carry ``procedure`` and ``field``.
    Relies on ``procedure_search_reindex`` having indexed the versions.
    """
    entries = _filtered(
        on=on or today(),
        field_code=field_code,
        agency_code=agency_code,
        level=level,
        audience=audience,
        online_only=online_only,
    )
    words, code = _parse(query)
    if code is not None:
        relevance = Case(
            When(code=code, then=Value(0)),
            When(code__startswith=code, then=Value(1)),
            default=Value(2),
            output_field=models.IntegerField(),
        )
        return _page(
            entries.filter(_code_match(code)),
            ranking={"relevance": relevance},
            order=["relevance", "code"],
            limit=limit,
            offset=offset,
        )
    if words is None:
        return _page(entries, ranking={}, order=[_by_name()], limit=limit, offset=offset)
    page = _page(
        entries.filter(_text_match(words.match_expression())),
        ranking={"relevance": words.rank()},
        order=["relevance", _by_name()],
        limit=limit,
        offset=offset,
    )
    if page.total or len(words.words) < 2:
        return page
    return _fallback(entries, words, limit=limit, offset=offset)


def _fallback(
    entries: QuerySet[ProcedureSearchEntry], words: _Query, *, limit: int, offset: int
) -> SearchPage:
    """Suggestions: the ``limit`` versions with most of the words (half of them, or three).

    Most words first, then most words in the name. Only one page of them: at
    100,000 procedures, "every procedure sharing three words" is thousands of
    rows nobody pages through, and counting them would double the cost.
    """

    def hits(column: str) -> Any:
        return sum(
            (
                Case(When(condition, then=Value(1)), default=Value(0))
                for condition in words.word_conditions(column)
            ),
            start=Value(0),
        )

    # Half of the words, but three are enough: long questions carry words of their own.
    needed = min(3, max(1, (len(words.words) + 1) // 2))
    # Candidates: with up to three words, any of them; with more, two neighbouring words
    # side by side (any single common word would make every procedure a candidate).
    many = len(words.words) > 3
    candidates = words.pairs_expression() if many else words.any_expression()
    matched = hits("document_folded")
    return _page(
        entries.filter(_text_match(candidates))
        .annotate(matched=matched)
        .filter(matched__gte=needed),
        ranking={"matched": matched, "matched_name": hits("name_folded")},
        order=["-matched", "-matched_name", _by_name()],
        limit=limit,
        offset=offset,
        counted=False,
    )
