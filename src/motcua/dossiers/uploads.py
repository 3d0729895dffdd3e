"""Two-stage uploads of dossier components (gh-4 item 2, gh-5 item 4; domain.md §5.7).

Stage 1, ``upload_store``: validate the file (the installation's size limit,
an allow-list of types checked by extension *and* by content, office
documents that would unpack absurdly — zip bombs —, a virus scan by clamd
when configured) and keep it under a random name as a ``TemporaryUpload``.
Stage 2, ``upload_attach``: move it into a dossier as a ``DossierDocument``,
checking the limits of the catalogue (a component's file types and maximum
size, else the procedure version's default maximum). A rejected file raises
``UploadRejected`` with a precise Vietnamese message naming the file; the
caller keeps everything else the user sent.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

import structlog

from motcua.accounts.models import User
from motcua.procedures.models import ComponentSpec
from motcua.procedures.validation import upload_limit_mb

from .constants import DocumentKind
from .models import Dossier, DossierDocument, TemporaryUpload
from .scanning import ScannerUnavailable, upload_scanner

logger = structlog.stdlib.get_logger(__name__)

CHUNK_SIZE = 64 * 1024
# Office documents are small zip central directories; a bigger "mimetype"
# member (ODT) or an absurd entry count is not an office document.
_MAX_ZIP_ENTRIES = 10_000
_MAX_MIMETYPE_BYTES = 200
# Zip bombs: text-heavy office XML packs about 5–20 times; more than 100 times
# is a crafted archive (OWASP file-upload guidance). Below 1 MB unpacked the
# ratio is not checked: such a file is harmless whatever it packs.
MAX_UNPACK_RATIO = 100
_RATIO_FLOOR_BYTES = 1024 * 1024
_ARCHIVE_KINDS = frozenset({"docx", "xlsx", "odt"})
MEGABYTE = 1024 * 1024


class UploadRejected(ValidationError):
    """The file was refused; ``messages[0]`` is the Vietnamese reason naming it."""


class UploadScanUnavailable(UploadRejected):
    """Refused because the configured virus scanner gave no verdict: try again later.

    Not the user's fault; the API answers 503 with Retry-After for it.
    """


@dataclass(frozen=True)
class FileType:
    key: str
    label: str  # how the type is named to the user
    media_type: str
    extension: str  # normalised, with the dot


PDF = FileType("pdf", "PDF", "application/pdf", ".pdf")
JPEG = FileType("jpeg", "JPEG", "image/jpeg", ".jpg")
PNG = FileType("png", "PNG", "image/png", ".png")
TIFF = FileType("tiff", "TIFF", "image/tiff", ".tiff")
DOCX = FileType(
    "docx",
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
)
XLSX = FileType(
    "xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
ODT = FileType("odt", "ODT", "application/vnd.oasis.opendocument.text", ".odt")

# The allow-list (TT 01/2023 Art 8: scanned copies are PDF or images; forms
# filled in offline come as office documents). Keys are lower-case extensions.
ALLOWED_EXTENSIONS: dict[str, FileType] = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".odt": ODT,
}


def _content_label(kind: str) -> str:
    """How a detected content kind is described in a mismatch message."""
    labels = {
        "pdf": _("tài liệu PDF"),
        "jpeg": _("ảnh JPEG"),
        "png": _("ảnh PNG"),
        "tiff": _("ảnh TIFF"),
        "docx": _("văn bản Word (DOCX)"),
        "xlsx": _("bảng tính Excel (XLSX)"),
        "odt": _("văn bản OpenDocument (ODT)"),
        "zip": _("tệp nén ZIP"),
        "executable": _("tệp chương trình"),
        "html": _("trang web HTML"),
        "gif": _("ảnh GIF"),
    }
    return labels[kind]


def _sniff_zip(stream: IO[bytes]) -> str:
    """Tell an office document from another zip by its entry names, without extracting.

    OOXML packages have ``[Content_Types].xml`` and their main part
    (``word/document.xml``, ``xl/workbook.xml``); ODF packages start with a
    small ``mimetype`` entry naming their type.
    """
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                return "zip"
            names = {info.filename for info in infos}
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
                return "zip"
            mimetype = next((i for i in infos if i.filename == "mimetype"), None)
            if mimetype is not None and mimetype.file_size <= _MAX_MIMETYPE_BYTES:
                declared = archive.read(mimetype).strip().decode("ascii", "replace")
                if declared == ODT.media_type:
                    return "odt"
            return "zip"
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return "broken_zip"


def _sniff(head: bytes, stream: IO[bytes]) -> str:
    """The content kind from the first bytes (magic numbers) and, for zips, the entry names."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"II*\x00", b"MM\x00*")):  # little- and big-endian TIFF
        return "tiff"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(stream)
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        return "executable"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return "unknown"


def _archive_problem(stream: IO[bytes], *, name: str, size: int) -> str | None:
    """Why an office document (a zip) must be refused, or None.

    First the sizes the archive declares (nothing is unpacked for a bomb):
    the total against ``MOTCUA_UPLOAD_MAX_UNPACKED_BYTES`` and the ratio to
    the file's size against ``MAX_UNPACK_RATIO``. Then every entry is read
    once and its CRC checked (``testzip``), bounded by those declared sizes,
    which ``zipfile`` never reads past: a corrupt or encrypted package is
    refused here rather than at the officer's desk.
    """
    limit = settings.MOTCUA_UPLOAD_MAX_UNPACKED_BYTES
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > limit:
                return _(
                    "Tệp “%(name)s” khi giải nén có dung lượng %(unpacked)s MB, vượt quá giới"
                    " hạn %(limit)s MB; tệp có thể là tệp nén độc hại (zip bomb)."
                ) % {"name": name, "unpacked": _megabytes(unpacked), "limit": _megabytes(limit)}
            if unpacked > _RATIO_FLOOR_BYTES and unpacked > MAX_UNPACK_RATIO * size:
                return _(
                    "Tệp “%(name)s” khi giải nén lớn gấp %(ratio)s lần tệp gửi lên (tối đa"
                    " %(max)s lần); tệp có thể là tệp nén độc hại (zip bomb)."
                ) % {
                    "name": name,
                    "ratio": number_format(unpacked // size, force_grouping=True),
                    "max": MAX_UNPACK_RATIO,
                }
            if archive.testzip() is not None:
                raise zipfile.BadZipFile
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,
        RuntimeError,  # an encrypted entry
        NotImplementedError,  # an unknown compression method
    ) as error:
        logger.info("upload_archive_unreadable", error=type(error).__name__)
        return _("Tệp “%(name)s” bị hỏng, không đọc được nội dung.") % {"name": name}
    return None


def _chunks(file: UploadedFile[bytes]) -> Iterator[bytes]:
    file.seek(0)
    yield from file.chunks(CHUNK_SIZE)


def _scan(file: UploadedFile[bytes], *, name: str, size: int, sha256: str) -> None:
    """Have the configured scanner check ``file``; refuse it unless it is clean.

    Fail closed: with a scanner configured, a file it could not scan (down,
    timed out, answered an error) is refused with "try again later" and the
    error is logged. Without a scanner the scan is skipped (warned once).
    """
    scanner = upload_scanner()
    if scanner is None:
        return
    try:
        verdict = scanner.scan(_chunks(file))
    except ScannerUnavailable as error:
        # Names may hold personal data: log the digest, not the name.
        logger.error("upload_scan_failed", reason=error.reason, sha256=sha256, size=size)
        if error.too_large:
            raise _reject(
                _(
                    "Tệp “%(name)s” quá lớn để kiểm tra mã độc; vui lòng gửi tệp nhỏ hơn hoặc"
                    " liên hệ bộ phận một cửa."
                )
                % {"name": name}
            ) from error
        raise UploadScanUnavailable(
            _(
                "Chưa kiểm tra được mã độc cho tệp “%(name)s” vì dịch vụ quét mã độc đang tạm"
                " ngừng; tệp chưa được nhận. Vui lòng thử lại sau ít phút."
            )
            % {"name": name},
            code="upload_scan_unavailable",
        ) from error
    if verdict.infected:
        logger.warning("upload_virus_found", signature=verdict.signature, sha256=sha256, size=size)
        raise _reject(
            _("Tệp “%(name)s” chứa mã độc (%(signature)s) nên không được nhận.")
            % {"name": name, "signature": verdict.signature}
        )


def upload_name_clean(name: str) -> str:
    """The user's file name made safe to show and keep: NFC, no path, no control characters.

    ``../../etc/passwd.pdf`` and ``C:\\x\\a.pdf`` keep only ``passwd.pdf`` and
    ``a.pdf``. Never used as a storage path (that is a random uuid).
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext)] + ext
    return name or "tệp"


def _megabytes(size: int) -> str:
    return number_format(size / MEGABYTE, decimal_pos=1)


def _megabytes_exact(value: Decimal) -> str:
    """A catalogue limit as written: 5 → “5”, 0.50 → “0,5”, 2.25 → “2,25”."""
    if value == value.to_integral_value():
        return number_format(int(value))
    return number_format(value.normalize())


def _size_over(size: int, limit_mb: Decimal) -> str:
    """``size`` in MB with enough decimals to show it is over the limit (5,01 > 5)."""
    for places in (1, 2, 3):
        shown = round(Decimal(size) / MEGABYTE, places)
        if shown > limit_mb:
            return number_format(shown, decimal_pos=places)
    return number_format(round(Decimal(size) / MEGABYTE, 6).normalize())


def _reject(message: str) -> UploadRejected:
    return UploadRejected(message, code="upload_rejected")


def upload_store(
    *, file: UploadedFile[bytes], user: User | None, max_bytes: int | None = None
) -> TemporaryUpload:
    """Validate ``file`` and keep it as a temporary upload of ``user``.

    Checks, in order: an allowed extension; size > 0 and ≤ ``max_bytes``
    (default ``settings.MOTCUA_UPLOAD_MAX_BYTES``, 20 MB; pass a procedure's
    own limit to override); that the content (magic bytes; for zips the entry
    names) is the type the extension claims; for office documents, that they
    do not unpack absurdly (``_archive_problem``); then the virus scan
    (``_scan``, fail closed). SHA-256 and size are computed in one streaming
    pass; the file is stored under ``uploads/tmp/`` with a random uuid name
    and the normalised extension — never the user's name, which is kept
    cleaned (``upload_name_clean``) for display only. Raises ``UploadRejected``.
    """
    limit = max_bytes if max_bytes is not None else settings.MOTCUA_UPLOAD_MAX_BYTES
    original_name = upload_name_clean(file.name or "")
    extension = os.path.splitext(original_name)[1].lower()
    expected = ALLOWED_EXTENSIONS.get(extension)
    if expected is None:
        allowed = ", ".join(dict.fromkeys(t.label for t in ALLOWED_EXTENSIONS.values()))
        raise _reject(
            _("Tệp “%(name)s” có định dạng không được chấp nhận. Chỉ nhận tệp %(allowed)s.")
            % {"name": original_name, "allowed": allowed}
        )
    # Refuse by the declared size before reading anything.
    if file.size is not None and file.size > limit:
        raise _too_large(original_name, file.size, limit)

    digest = hashlib.sha256()
    size = 0
    head = b""
    file.seek(0)
    for chunk in file.chunks(CHUNK_SIZE):
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        size += len(chunk)
        if size > limit:  # the declared size may lie
            raise _too_large(original_name, size, limit)
        digest.update(chunk)
    if size == 0:
        raise _reject(
            _("Tệp “%(name)s” rỗng (0 byte); vui lòng chọn lại tệp.") % {"name": original_name}
        )

    kind = _sniff(head, file)
    if kind == "broken_zip":
        raise _reject(
            _("Tệp “%(name)s” bị hỏng, không đọc được nội dung.") % {"name": original_name}
        )
    if kind == "unknown":
        raise _reject(
            _("Tệp “%(name)s” không phải là %(type)s (không nhận dạng được nội dung tệp).")
            % {"name": original_name, "type": expected.label}
        )
    if kind != expected.key:
        raise _reject(
            _("Tệp “%(name)s” không phải là %(type)s (nội dung là %(content)s).")
            % {"name": original_name, "type": expected.label, "content": _content_label(kind)}
        )
    sha256 = digest.hexdigest()
    if kind in _ARCHIVE_KINDS:
        problem = _archive_problem(file, name=original_name, size=size)
        if problem is not None:
            raise _reject(problem)
    _scan(file, name=original_name, size=size, sha256=sha256)

    file.seek(0)
    upload = TemporaryUpload(
        original_name=original_name,
        size=size,
        media_type=expected.media_type,
        sha256=sha256,
        uploaded_by=user,
    )
    upload.file.save(f"{uuid.uuid4().hex}{expected.extension}", file, save=False)
    upload.save(force_insert=True)
    return upload


def _too_large(name: str, size: int, limit: int) -> UploadRejected:
    return _reject(
        _("Tệp “%(name)s” có dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB.")
        % {"name": name, "size": _megabytes(size), "limit": _megabytes(limit)}
    )


def upload_attach(
    *,
    upload_id: uuid.UUID,
    dossier: Dossier,
    name: str,
    component: ComponentSpec | None = None,
    user: User | None,
    digitised: bool = False,
    reused: bool = False,
    kind: DocumentKind = DocumentKind.COMPONENT,
) -> DossierDocument:
    """Move a temporary upload into ``dossier`` as a document and mark it attached.

    Locks the upload row, so one upload is attached once even when two
    requests race. Refuses an unknown upload, one already attached, one
    uploaded by someone else, and one outside the catalogue's limits
    (``upload_catalogue_problem``: the component's file types and maximum
    size, else the procedure version's maximum) — all ``UploadRejected``; a
    refused upload stays as it was, so the user can attach it elsewhere or
    send a smaller file. The file is copied under ``dossiers/<year>/<month>/``
    keeping its random name; the temporary copy is deleted after commit (a
    rollback keeps it).
    """
    with transaction.atomic():
        upload = TemporaryUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None:
            raise _reject(_("Không tìm thấy tệp tải lên %(id)s.") % {"id": upload_id})
        if upload.attached_at is not None:
            raise _reject(
                _("Tệp “%(name)s” đã được đính kèm vào hồ sơ; vui lòng tải lên lại.")
                % {"name": upload.original_name}
            )
        if upload.uploaded_by_id != (user.pk if user is not None else None):
            raise _reject(
                _("Tệp “%(name)s” do người khác tải lên; không thể đính kèm.")
                % {"name": upload.original_name}
            )
        problem = upload_catalogue_problem(upload=upload, dossier=dossier, component=component)
        if problem is not None:
            raise _reject(problem)
        document = DossierDocument(
            dossier=dossier,
            component=component,
            name=unicodedata.normalize("NFC", name).strip() or upload.original_name,
            original_name=upload.original_name,
            size=upload.size,
            media_type=upload.media_type,
            sha256=upload.sha256,
            digitised=digitised,
            reused=reused,
            kind=kind,
        )
        temporary_name = str(upload.file.name)
        with upload.file.open("rb") as content:
            document.file.save(os.path.basename(temporary_name), content, save=False)
        document.full_clean()
        document.save(force_insert=True)
        upload.attached_at = timezone.now()
        upload.file.name = ""
        upload.save(update_fields=["attached_at", "file"])
        transaction.on_commit(lambda: default_storage.delete(temporary_name))
    return document


def _type_key(media_type: str) -> str | None:
    return next((t.key for t in ALLOWED_EXTENSIONS.values() if t.media_type == media_type), None)


def upload_catalogue_problem(
    *, upload: TemporaryUpload, dossier: Dossier, component: ComponentSpec | None
) -> str | None:
    """Why the catalogue refuses ``upload`` for ``component`` of ``dossier``, or None.

    The component's ``upload_types`` (empty: every allowed type) and its
    ``upload_max_mb``, else the pinned procedure version's ``upload_max_mb``
    (the version's default also covers documents without a component). The
    installation's ``MOTCUA_UPLOAD_MAX_BYTES`` was already enforced when the
    file was stored. Limits are in MB of 1024 × 1024 bytes.
    """
    types = component.upload_types if component is not None else []
    if component is not None and types and _type_key(upload.media_type) not in types:
        allowed = ", ".join(
            dict.fromkeys(t.label for t in ALLOWED_EXTENSIONS.values() if t.key in types)
        )
        kind = next(
            (t.label for t in ALLOWED_EXTENSIONS.values() if t.media_type == upload.media_type),
            upload.media_type,
        )
        return _(
            "Tệp “%(name)s” là tệp %(type)s; thành phần “%(component)s” chỉ nhận tệp %(allowed)s."
        ) % {
            "name": upload.original_name,
            "type": kind,
            "component": component.name,
            "allowed": allowed,
        }
    limit = upload_limit_mb(version=dossier.procedure_version, component=component)
    if limit is None or upload.size <= int(limit * MEGABYTE):
        return None
    values = {
        "name": upload.original_name,
        "size": _size_over(upload.size, limit),
        "limit": _megabytes_exact(limit),
    }
    if component is not None:
        return _(
            "Tệp “%(name)s” có dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB của"
            " thành phần “%(component)s”."
        ) % {**values, "component": component.name}
    return (
        _(
            "Tệp “%(name)s” có dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB cho mỗi tệp"
            " của thủ tục này."
        )
        % values
    )
