"""Writes of the personal data store (kho dữ liệu điện tử; NĐ 45/2020; gh-5 item 9).

* ``store_upload`` / ``store_add_upload``: a file the citizen uploads is
  validated by the engine's ``upload_store`` (types, size, content, zip
  bombs, virus scan) and copied from the ``TemporaryUpload`` into the
  store's own path.
* ``store_add_issued_result``: the engine puts an electronic result into
  the citizen's store (idempotent per result document).
* ``store_delete``: the citizen deletes what they uploaded; issued results
  cannot be deleted (``StoreRefused``).
* ``store_item_to_upload``: a fresh, re-validated ``TemporaryUpload`` copy of
  a stored document, for the filing wizard to attach like any upload
  (NĐ 45/2020: reuse of stored documents; the DossierDocument is then
  marked ``reused``).

Files are written before the row and removed after commit when a row is
deleted, so a rollback never leaves a row without its file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import structlog

from motcua.accounts.models import User
from motcua.dossiers.constants import PUBLIC_DOCUMENT_KINDS
from motcua.dossiers.models import DossierDocument, TemporaryUpload
from motcua.dossiers.uploads import CHUNK_SIZE, UploadRejected, upload_store

from .constants import Source
from .models import StoredDocument

logger = structlog.stdlib.get_logger(__name__)


class StoreRefused(ValidationError):
    """The store refused the action; ``messages[0]`` says why, in Vietnamese."""


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def _copy_into_store(item: StoredDocument, content: File[bytes], name_hint: str) -> None:
    """Save ``content`` under the store's path with a random name and ``name_hint``'s extension."""
    extension = os.path.splitext(name_hint)[1].lower()
    item.file.save(f"{uuid.uuid4().hex}{extension}", content, save=False)


def _delete_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def store_add_upload(
    *,
    user: User,
    upload_id: uuid.UUID,
    kind: str,
    name: str = "",
    issuer: str = "",
    number: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> StoredDocument:
    """Move the user's temporary upload ``upload_id`` into their store.

    Locks the upload; refuses one already used and one uploaded by someone
    else (``UploadRejected``, as ``upload_attach`` does). The file is copied
    under ``datastore/`` keeping nothing of the user's name but the
    extension; the temporary copy is deleted after commit. ``full_clean``
    checks the metadata (``ValidationError`` keyed by field).
    """
    with transaction.atomic():
        upload = TemporaryUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None or upload.uploaded_by_id != user.pk:
            raise UploadRejected(
                _("Không tìm thấy tệp tải lên %(id)s của bạn.") % {"id": upload_id},
                code="upload_rejected",
            )
        if upload.attached_at is not None:
            raise UploadRejected(
                _("Tệp “%(name)s” đã được dùng; vui lòng tải lên lại.")
                % {"name": upload.original_name},
                code="upload_rejected",
            )
        item = StoredDocument(
            owner=user,
            source=Source.UPLOADED,
            kind=_text(kind),
            name=_text(name) or _text(kind) or upload.original_name,
            issuer=_text(issuer),
            number=_text(number),
            issued_on=issued_on,
            valid_until=valid_until,
            original_name=upload.original_name,
            size=upload.size,
            media_type=upload.media_type,
            sha256=upload.sha256,
        )
        item.full_clean(exclude=["file"])
        temporary_name = str(upload.file.name)
        with upload.file.open("rb") as content:
            _copy_into_store(item, content, temporary_name)
        stored_name = str(item.file.name)
        try:
            item.save(force_insert=True)
        except Exception:
            default_storage.delete(stored_name)
            raise
        upload.attached_at = timezone.now()
        upload.file.name = ""
        upload.save(update_fields=["attached_at", "file"])
        _delete_after_commit(temporary_name)
    return item


def store_upload(
    *,
    user: User,
    file: UploadedFile[bytes],
    kind: str,
    name: str = "",
    issuer: str = "",
    number: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> StoredDocument:
    """Validate ``file`` with the engine's ``upload_store`` and keep it in the user's store.

    Raises ``UploadRejected`` (the file) or ``ValidationError`` (the metadata).
    The metadata is checked first, so a bad date does not cost an upload.
    """
    StoredDocument(
        owner=user,
        source=Source.UPLOADED,
        kind=_text(kind),
        name=_text(name) or _text(kind) or "tệp",
        issuer=_text(issuer),
        number=_text(number),
        issued_on=issued_on,
        valid_until=valid_until,
        original_name="tệp",
        size=0,
        media_type="application/octet-stream",
        sha256="0" * 64,
    ).full_clean(exclude=["file", "owner"], validate_unique=False)
    upload = upload_store(file=file, user=user)
    return store_add_upload(
        user=user,
        upload_id=upload.pk,
        kind=kind,
        name=name,
        issuer=issuer,
        number=number,
        issued_on=issued_on,
        valid_until=valid_until,
    )


def store_add_issued_result(
    *,
    user: User,
    document: DossierDocument,
    kind: str = "",
    issuer: str = "",
    number: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> StoredDocument:
    """Put the electronic result ``document`` into ``user``'s store (NĐ 45/2020).

    Idempotent: a second call for the same user and document returns the
    stored copy (the engine may retry). The issuer defaults to the dossier's
    competent agency, the type to the document's name, the issue date to
    today (Huế time). The file is copied, so the store keeps it even if the
    dossier's copy is archived elsewhere; it cannot be deleted by the citizen.
    """
    if document.kind not in PUBLIC_DOCUMENT_KINDS:
        # A draft of the result is internal to the agency (gh-6 item 6).
        raise ValueError(f"document {document.pk} is a {document.kind}, not for the citizen")
    existing = StoredDocument.objects.filter(owner=user, dossier_document=document).first()
    if existing is not None:
        return existing
    dossier = document.dossier
    item = StoredDocument(
        owner=user,
        source=Source.ISSUED,
        kind=_text(kind) or document.name,
        name=document.name,
        issuer=_text(issuer) or dossier.competent_agency.name,
        number=_text(number),
        issued_on=issued_on or timezone.localdate(),
        valid_until=valid_until,
        original_name=document.original_name,
        size=document.size,
        media_type=document.media_type,
        sha256=document.sha256,
        dossier_document=document,
    )
    item.full_clean(exclude=["file"], validate_unique=False)
    with document.file.open("rb") as content:
        _copy_into_store(item, content, str(document.file.name))
    stored_name = str(item.file.name)
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:
        # Another call stored it first: keep theirs, drop our copy.
        default_storage.delete(stored_name)
        return StoredDocument.objects.get(owner=user, dossier_document=document)
    return item


def store_delete(*, user: User, item_id: uuid.UUID) -> None:
    """Delete the user's uploaded document ``item_id``; the file goes after commit.

    Refused (``StoreRefused``) for an issued result — it is the agency's
    record of what it issued to the citizen — and for anything not the user's.
    """
    with transaction.atomic():
        item = StoredDocument.objects.select_for_update().filter(pk=item_id, owner=user).first()
        if item is None:
            raise StoreRefused(
                _("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."), code="store_missing"
            )
        if item.source == Source.ISSUED:
            raise StoreRefused(
                _(
                    "“%(name)s” là kết quả do %(issuer)s cấp nên không xóa được khỏi kho dữ liệu;"
                    " bạn chỉ xóa được giấy tờ do bạn tải lên."
                )
                % {"name": item.name, "issuer": item.issuer or _("cơ quan nhà nước")},
                code="store_issued",
            )
        name = str(item.file.name)
        item.delete()
        _delete_after_commit(name)
    logger.info("datastore_deleted", action="store_delete")


def store_item_to_upload(*, user: User, item: StoredDocument) -> TemporaryUpload:
    """A fresh ``TemporaryUpload`` of ``user`` holding a copy of ``item``, validated again.

    For reuse in a new dossier: the wizard attaches it like any upload. The
    copy goes through ``upload_store`` (today's size limit, types, content,
    virus scan), so a file the installation would refuse today is refused
    here too (``UploadRejected`` naming it). Refused when ``item`` is not
    the user's, or when its content no longer matches the SHA-256 recorded
    when it was stored (``StoreRefused``).
    """
    if item.owner_id != user.pk:
        raise StoreRefused(
            _("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."), code="store_missing"
        )
    with item.file.open("rb") as content:
        digest = hashlib.sha256()
        while chunk := content.read(CHUNK_SIZE):
            digest.update(chunk)
        if digest.hexdigest() != item.sha256:
            logger.error("datastore_digest_mismatch", action="store_item_to_upload")
            raise StoreRefused(
                _(
                    "Tệp “%(name)s” trong kho dữ liệu không còn nguyên vẹn nên không dùng lại"
                    " được; vui lòng tải lên bản khác."
                )
                % {"name": item.original_name},
                code="store_corrupt",
            )
        content.seek(0)
        copy = UploadedFile(
            file=content,
            name=item.original_name,
            content_type=item.media_type,
            size=item.size,
        )
        return upload_store(file=copy, user=user)
