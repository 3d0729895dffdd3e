"""Reads of the personal data store: only ever the signed-in citizen's own documents."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from motcua.accounts.models import User

from .models import StoredDocument


def store_list(*, user: User, today: dt.date | None = None) -> QuerySet[StoredDocument]:
    """The user's documents, newest first, each annotated ``expired`` (one query).

    A document is expired when its ``valid_until`` is before ``today`` (Huế date).
    """
    today = today or timezone.localdate()
    return StoredDocument.objects.filter(owner=user).annotate(
        expired=Case(
            When(valid_until__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def store_get(*, user: User, item_id: uuid.UUID) -> StoredDocument | None:
    """One of the user's documents, or None (someone else's is None too)."""
    return StoredDocument.objects.filter(owner=user, pk=item_id).first()
