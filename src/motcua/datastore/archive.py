"""Streaming a citizen's whole store as one ZIP ("tải về tất cả"; gh-5 item 9).

The archive is written to the response as it is produced (no temporary file,
memory bounded by one chunk): ``zipfile`` writes to a non-seekable sink,
using data descriptors after each entry. Entry names come from the
documents' names, made safe for every operating system and unique within
the archive.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.uploads import CHUNK_SIZE

from .constants import Source
from .models import StoredDocument

# Characters Windows refuses in file names, plus the path separators.
_FORBIDDEN = set('<>:"/\\|?*')
_RESERVED = (
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_MAX_STEM = 120


def safe_name(name: str, extension: str) -> str:
    """``name`` as a file name valid on Windows, macOS and Linux, with ``extension``.

    NFC; no path, control or reserved characters; no leading or trailing
    dots and spaces; not a DOS device name; at most 120 characters before
    the extension.
    """
    name = unicodedata.normalize("NFC", name)
    name = "".join(
        "_" if ch in _FORBIDDEN or unicodedata.category(ch)[0] == "C" else ch for ch in name
    )
    name = " ".join(name.split()).strip(" .")[:_MAX_STEM].strip(" .")
    if not name or name.casefold() in _RESERVED:
        name = f"_{name}" if name else _("giấy tờ")
    return f"{name}{extension.lower()}"


def archive_names(items: Iterable[StoredDocument]) -> list[str]:
    """One unique, safe entry name per item, in order: ``<folder>/<name>.<ext>``.

    Uploaded documents go in one folder, issued results in another. Two
    items with the same name become “Tên.pdf” and “Tên (2).pdf” (compared
    without case, as Windows and macOS do).
    """
    folders = {
        Source.UPLOADED: _("Giấy tờ tải lên"),
        Source.ISSUED: _("Kết quả được cấp"),
    }
    taken: set[str] = set()
    names: list[str] = []
    for item in items:
        extension = os.path.splitext(item.original_name)[1]
        base = safe_name(item.name, "")
        candidate = f"{folders[Source(item.source)]}/{base}{extension.lower()}"
        n = 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{folders[Source(item.source)]}/{base} ({n}){extension.lower()}"
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


class _Sink:
    """A write-only, non-seekable file that hands out what was written since last asked."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._offset = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def zip_stream(items: list[StoredDocument]) -> Iterator[bytes]:
    """The ZIP of ``items``' files, chunk by chunk; entries dated by when each was stored."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        for item, name in zip(items, archive_names(items), strict=True):
            stamp = timezone.localtime(item.created_at)
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = item.size
            with item.file.open("rb") as source, archive.open(info, "w") as entry:
                while chunk := source.read(CHUNK_SIZE):
                    entry.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()
