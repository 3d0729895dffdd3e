"""Reading signature checks of result documents, verified lazily and cached per file version."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from motcua.dossiers.constants import DocumentKind
from motcua.dossiers.models import DossierDocument

from .models import SignatureCheckResult
from .services import PDF_MEDIA_TYPE, verify_pdf


def document_signature_check(document: DossierDocument) -> SignatureCheckResult | None:
    """The cached check of ``document`` (a PDF result), verifying it the first time; else None.

    Keyed by document id + SHA-256, so a replaced file is checked again.
    """
    if document.kind != DocumentKind.RESULT or document.media_type != PDF_MEDIA_TYPE:
        return None
    cached = SignatureCheckResult.objects.filter(
        document_id=document.pk, sha256=document.sha256
    ).first()
    if cached is not None:
        return cached
    with document.file.open("rb") as handle:
        check = verify_pdf(handle.read())
    row = SignatureCheckResult(
        document_id=document.pk,
        sha256=document.sha256,
        signed=check.signed,
        valid=check.valid,
        intact=check.intact,
        trusted=check.trusted,
        signer=check.signer[:500],
        signed_at=check.signed_at,
        reason=check.reason[:500],
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:  # two requests verified at once: keep the stored one
        return SignatureCheckResult.objects.get(document_id=document.pk, sha256=document.sha256)
    return row


def signature_checks(documents: Iterable[DossierDocument]) -> dict[int, SignatureCheckResult]:
    """Checks of the PDF results among ``documents``, by document id."""
    checks = {}
    for document in documents:
        check = document_signature_check(document)
        if check is not None:
            checks[document.pk] = check
    return checks


def result_signature_summary(*, dossier_id: int) -> dict[str, bool] | None:
    """For the public lookup: whether the result was signed and every signature is valid.

    None when the dossier has no PDF result. No names, no file details.
    """
    documents = list(
        DossierDocument.objects.filter(
            dossier_id=dossier_id, kind=DocumentKind.RESULT, media_type=PDF_MEDIA_TYPE
        )
    )
    if not documents:
        return None
    checks = list(signature_checks(documents).values())
    return {
        "signed": all(c.signed for c in checks),
        "valid": all(c.valid for c in checks),
        "trusted": all(c.trusted for c in checks),
    }
