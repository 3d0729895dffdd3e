"""Fail when the Vietnamese catalogue for allauth is incomplete or would break a page.

allauth ships no Vietnamese, so motcua keeps its own translation of allauth's
account and MFA strings in ``src/motcua/locale_vendor`` (apart from
``src/motcua/locale``, which ``makemessages -l en --no-obsolete`` rewrites).
This script fails (exit 1) when that catalogue has:

- untranslated, fuzzy or obsolete entries;
- a translation whose placeholders (``%(email)s``, ``%d``, ``{email}``) or HTML
  tags differ from the English, which would raise at render time or break a link;
- text not in Unicode NFC (conventions §5: Vietnamese text is NFC);
- a gap: a string of allauth's account/mfa apps or of its account, mfa and
  layout templates that allauth's own catalogue lists but ours lacks. This is
  what fails after an allauth upgrade adds strings; add each one listed, with its
  ``#:`` reference, msgctxt and plural form, and a Vietnamese translation;
- anything ``msgfmt --check`` refuses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import allauth
import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "src/motcua/locale_vendor/vi/LC_MESSAGES/django.po"
# allauth's English catalogue lists every msgid of the installed version with
# its source file; only the parts motcua installs need Vietnamese (no
# socialaccount, usersessions, headless or idp).
ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale/en/LC_MESSAGES/django.po"
WANTED_SOURCES = (
    "account/",
    "mfa/",
    "core/",
    "templates/account/",
    "templates/mfa/",
    "templates/allauth/",
)

# printf-style conversions as Python's % operator reads them; "%%" is a literal.
_PERCENT = re.compile(
    r"%(?:\((?P<name>\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?(?P<conv>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")

type Key = tuple[str | None, str]


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid)


def _describe(entry: polib.POEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context}"


def markers(
    text: str, *, brace_format: bool
) -> tuple[frozenset[str], tuple[str, ...], Counter[str]]:
    """Named placeholders, positional conversions in order, and HTML tags of ``text``."""
    named: set[str] = set()
    positional: list[str] = []
    for match in _PERCENT.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"]:
            named.add(f"%({match['name']})")
        else:
            positional.append(f"%{match['conv']}")
    if brace_format:
        named.update(f"{{{name}}}" for name in _BRACE.findall(text))
    return frozenset(named), tuple(positional), Counter(_TAG.findall(text))


def marker_problems(entry: polib.POEntry) -> list[str]:
    """Translations whose placeholders or tags differ from the English they translate."""
    brace = "python-brace-format" in entry.flags
    if entry.msgid_plural:
        # Vietnamese has one form (nplurals=1): it stands for every count, so it
        # must carry what the English plural carries.
        pairs = [(entry.msgid_plural, text) for _, text in sorted(entry.msgstr_plural.items())]
    else:
        pairs = [(entry.msgid, entry.msgstr)]
    found = []
    for english, vietnamese in pairs:
        want = markers(english, brace_format=brace)
        got = markers(vietnamese, brace_format=brace)
        labels = ("placeholders", "positional placeholders", "HTML tags")
        for label, expected, actual in zip(labels, want, got, strict=True):
            if expected != actual:
                found.append(
                    f"{label} differ in {_describe(entry)}: "
                    f"English {sorted(expected)}, Vietnamese {sorted(actual)}"
                )
    return found


def wanted(entry: polib.POEntry) -> bool:
    return any(path.startswith(WANTED_SOURCES) for path, _line in entry.occurrences)


def problems(path: Path = CATALOGUE, reference: Path = ALLAUTH_CATALOGUE) -> list[str]:
    po = polib.pofile(str(path))
    found = [f"untranslated: {_describe(e)}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {_describe(e)}" for e in po.fuzzy_entries()]
    found += [f"obsolete: {_describe(e)}" for e in po.obsolete_entries()]
    for entry in po.translated_entries():
        found += marker_problems(entry)
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        if any(unicodedata.normalize("NFC", text) != text for text in texts):
            found.append(f"not NFC: {_describe(entry)}")
    have = {_key(e) for e in po if not e.obsolete}
    for entry in polib.pofile(str(reference)):
        if not entry.obsolete and wanted(entry) and _key(entry) not in have:
            found.append(f"missing: {_describe(entry)} from allauth/{entry.occurrences[0][0]}")
    found += msgfmt_problems(path)
    return found


def msgfmt_problems(path: Path) -> list[str]:
    """What GNU msgfmt refuses (format strings, header, plural forms)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return ["msgfmt not found: install gettext to check that the catalogue compiles"]
    result = subprocess.run(  # noqa: S603 — fixed argv: msgfmt and our own catalogue
        [msgfmt, "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return []
    return [f"msgfmt: {line}" for line in result.stderr.splitlines()] or ["msgfmt failed"]


if __name__ == "__main__":
    issues = problems()
    for issue in issues:
        print(issue)
    if issues:
        print(f"{CATALOGUE}: {len(issues)} problems in the Vietnamese allauth catalogue")
        sys.exit(1)
    print(f"{CATALOGUE.name}: Vietnamese allauth translation complete")
