"""Fail when the English catalogue is incomplete: untranslated, fuzzy or obsolete entries.

Run after ``makemessages`` (``make lint`` does both), so a new Vietnamese
string without its English translation fails CI (conventions §11).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "src/motcua/locale/en/LC_MESSAGES/django.po"


def problems(path: Path = CATALOGUE) -> list[str]:
    po = polib.pofile(str(path))
    found = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    found += [f"obsolete: {e.msgid!r}" for e in po.obsolete_entries()]
    return found


if __name__ == "__main__":
    issues = problems()
    for issue in issues:
        print(issue)
    if issues:
        print(f"{CATALOGUE}: {len(issues)} entries need an English translation")
        sys.exit(1)
    print(f"{CATALOGUE.name}: English translation complete")
