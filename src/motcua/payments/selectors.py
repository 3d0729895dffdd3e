"""Reads for payments: what blocks submission, what a dossier's payments are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.dossiers.models import Dossier, DossierFee
from motcua.procedures.constants import FeeCollection
from motcua.procedures.models import FeeRule

from .constants import PaymentStatus
from .models import Payment, PaymentLine
from .registry import payment_providers

if TYPE_CHECKING:
    from motcua.accounts.models import User


@dataclass(frozen=True)
class DraftFees:
    """A portal draft before it becomes a dossier: its variant and a stable draft reference."""

    variant_id: int
    draft_ref: str


@dataclass(frozen=True)
class FeeDue:
    kind: str
    name: str
    amount: int
    fee_id: int | None = None  # a dossier's pinned line
    fee_rule_id: int | None = None  # a draft's rule


def _settling_providers() -> list[str]:
    """Providers whose pending payment is a commitment to pay (counter, transfer)."""
    return [plugin.key for plugin in payment_providers.plugins() if plugin.settles_later]


def _covering(**line_filter: object) -> Q:
    """Lines of a payment that is paid, or pending with a provider a collector settles later."""
    return Q(**line_filter) & (
        Q(payment__status=PaymentStatus.PAID)
        | Q(payment__status=PaymentStatus.PENDING, payment__provider__in=_settling_providers())
    )


def fee_rules_due_for_draft(draft: DraftFees) -> list[FeeRule]:
    """A draft's upfront fee rules with an amount that no payment of the draft covers."""
    covered = PaymentLine.objects.filter(
        Q(fee_rule=OuterRef("pk"))
        & Q(payment__draft_ref=draft.draft_ref)
        & Q(payment__status__in=[PaymentStatus.PAID, PaymentStatus.PENDING])
    )
    return list(
        FeeRule.objects.filter(
            variant_id=draft.variant_id, collection=FeeCollection.UPFRONT, amount__gt=0
        )
        .exclude(Exists(covered))
        .order_by("kind", "id")
    )


def fees_blocking_submission(subject: Dossier | DraftFees) -> list[FeeDue]:
    """Upfront fees ("thu trước", domain.md §4.3) that still block handing the dossier in.

    A fee stops blocking when it is paid, or when the citizen chose to pay at
    the counter or by bank transfer (a pending payment with a provider that a
    fee collector settles later). A pending online-gateway payment still
    blocks: the gateway has not said the money arrived. Exempt, free and
    on-return fees never block. Empty list: nothing blocks.
    """
    if isinstance(subject, Dossier):
        covered = PaymentLine.objects.filter(_covering(fee=OuterRef("pk")))
        fees = (
            DossierFee.objects.filter(
                dossier=subject,
                collection=FeeCollection.UPFRONT,
                amount__gt=0,
                paid_at__isnull=True,
            )
            .exclude(Exists(covered))
            .order_by("id")
        )
        return [FeeDue(kind=f.kind, name=f.name, amount=f.amount or 0, fee_id=f.pk) for f in fees]
    covered_rules = PaymentLine.objects.filter(
        _covering(fee_rule=OuterRef("pk"), payment__draft_ref=subject.draft_ref)
    )
    rules = (
        FeeRule.objects.filter(
            variant_id=subject.variant_id, collection=FeeCollection.UPFRONT, amount__gt=0
        )
        .exclude(Exists(covered_rules))
        .order_by("kind", "id")
    )
    return [FeeDue(kind=r.kind, name=r.name, amount=r.amount or 0, fee_rule_id=r.pk) for r in rules]


def payment_list_for_dossier(*, dossier: Dossier) -> QuerySet[Payment]:
    return Payment.objects.filter(dossier=dossier).prefetch_related("lines", "records")


def payment_get_for_user(*, reference: str, user: User) -> Payment | None:
    """A payment the signed-in citizen may see: they started it or are a party of its dossier."""
    if not user.is_authenticated:
        return None
    return (
        Payment.objects.select_related("dossier")
        .prefetch_related("lines")
        .filter(reference=reference)
        .filter(Q(created_by=user) | Q(dossier__parties__user=user))
        .distinct()
        .first()
    )
