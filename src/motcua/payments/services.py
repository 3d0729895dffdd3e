"""Writes for payments: start, gateway callbacks, counter and transfer collection, cancel, refund.

Every state change locks the payment row (``select_for_update``; a no-op on
SQLite, where the database serialises writers), appends a ``PaymentRecord``
and keeps ``DossierFee.paid_at`` in step with the paid payments.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import structlog

from motcua.dossiers.models import Dossier, DossierFee
from motcua.organisations.constants import Role
from motcua.organisations.models import StaffMembership, valid_on_q
from motcua.procedures.constants import FeeCollection

from . import vnpay
from .base import StartResult
from .constants import MessageDirection, PaymentRecordKind, PaymentStatus
from .models import GatewayMessage, Payment, PaymentLine, PaymentRecord
from .registry import ProviderUnavailable, provider_get
from .selectors import DraftFees, fee_rules_due_for_draft

if TYPE_CHECKING:
    from motcua.accounts.models import User

log = structlog.stdlib.get_logger(__name__)

# Who may take money and record refunds for a receiving agency (domain.md §5.6):
# the fee collector, and the one-stop officer who often collects at the counter.
COLLECTOR_ROLES = frozenset({Role.FEE_COLLECTOR, Role.RECEPTION_OFFICER})
# Fees a citizen may pay through the system (exempt and free lines are never due).
PAYABLE_COLLECTIONS = frozenset({FeeCollection.UPFRONT, FeeCollection.ON_RETURN})
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def _reference_new() -> str:
    """A non-guessable payment reference, also the gateway order id (vnp_TxnRef ≤ 100 chars)."""
    day = timezone.localdate().strftime("%y%m%d")
    while True:
        ref = "MC" + day + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        if not Payment.objects.filter(reference=ref).exists():
            return ref


def _record(
    payment: Payment,
    kind: PaymentRecordKind,
    *,
    actor: User | None = None,
    amount: int | None = None,
    reason: str = "",
    bank_account: str = "",
    provider_reference: str = "",
    data: dict[str, object] | None = None,
) -> PaymentRecord:
    return PaymentRecord.objects.create(
        payment=payment,
        kind=kind,
        at=timezone.now(),
        actor=actor,
        amount=amount,
        reason=reason,
        bank_account=bank_account,
        provider_reference=provider_reference,
        data=data or {},
    )


def _require_collector(*, user: User, dossier: Dossier | None) -> None:
    """The user collects fees for the agency that received the dossier, today."""
    if dossier is None:
        raise ValidationError(
            _("Giao dịch chưa gắn với hồ sơ nào; hãy nộp hồ sơ trước khi thu tiền tại quầy.")
        )
    day = timezone.localdate()
    allowed = StaffMembership.objects.filter(
        valid_on_q(day),
        valid_on_q(day, "agency__"),
        user=user,
        agency_id=dossier.received_by_id,
        role__in=COLLECTOR_ROLES,
    ).exists()
    if not user.is_active or not allowed:
        raise PermissionDenied(
            _("Chỉ cán bộ thu phí, lệ phí của cơ quan tiếp nhận hồ sơ mới được thực hiện việc này.")
        )


def _fees_set_paid(payment: Payment, *, paid: bool) -> None:
    """Keep ``DossierFee.paid_at`` equal to the instant its covering payment was paid."""
    fee_ids = [fid for fid in payment.lines.values_list("fee_id", flat=True) if fid is not None]
    if fee_ids:
        DossierFee.objects.filter(pk__in=fee_ids).update(paid_at=payment.paid_at if paid else None)


def _mark_paid(
    payment: Payment,
    *,
    by: User | None,
    provider_reference: str,
    raw: Mapping[str, str] | None = None,
    note: str = "",
) -> None:
    payment.status = PaymentStatus.PAID
    payment.paid_at = timezone.now()
    payment.closed_at = None
    payment.provider_reference = provider_reference[:100]
    if raw is not None:
        payment.raw = dict(raw)
    payment.save(update_fields=["status", "paid_at", "closed_at", "provider_reference", "raw"])
    _fees_set_paid(payment, paid=True)
    _record(
        payment,
        PaymentRecordKind.PAID,
        actor=by,
        amount=payment.amount,
        provider_reference=provider_reference[:100],
        reason=note,
    )
    log.info("payment_paid", action="payment_paid", payment=payment.reference)


# --- start ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    payment: Payment
    result: StartResult


def _open_payments(fee_ids: Iterable[int]) -> list[Payment]:
    return list(
        Payment.objects.filter(
            lines__fee_id__in=list(fee_ids),
            status__in=[PaymentStatus.PENDING, PaymentStatus.PAID],
        ).distinct()
    )


def payment_start(
    *,
    subject: Dossier | DraftFees,
    provider: str,
    return_url: str,
    by: User | None,
    client_ip: str = "",
    fee_ids: list[int] | None = None,
    next_url: str = "",
    replace_pending: bool = False,
) -> Started:
    """Open a payment for a dossier's unpaid fees (or a draft's upfront fees) with ``provider``.

    ``fee_ids`` chooses the dossier's fee lines (default: every unpaid upfront
    line). A line already paid, or covered by a pending payment, is refused —
    unless ``replace_pending``, which cancels those pending payments first (the
    citizen changed their mind about how to pay). ``return_url`` is the
    absolute URL of the return page the gateway sends the browser back to.

    Locks the fee lines, so two tabs cannot open two payments for one fee.
    Returns the payment and what to show: a redirect URL (gateway), a QR
    payload (bank transfer) or nothing (counter).
    """
    plugin = provider_get(provider)
    now = timezone.now()
    with transaction.atomic():
        lines: list[PaymentLine] = []
        dossier: Dossier | None = None
        draft_ref = ""
        if isinstance(subject, Dossier):
            dossier = subject
            fees = DossierFee.objects.select_for_update().filter(
                dossier=dossier, collection__in=PAYABLE_COLLECTIONS, amount__gt=0
            )
            if fee_ids is None:
                fees = fees.filter(collection=FeeCollection.UPFRONT, paid_at__isnull=True)
            else:
                fees = fees.filter(pk__in=fee_ids)
            chosen = list(fees.order_by("id"))
            if fee_ids is not None and len(chosen) != len(set(fee_ids)):
                raise ValidationError(
                    {"fee_ids": _("Có khoản thu không thuộc hồ sơ hoặc không phải nộp.")}
                )
            if any(fee.paid_at is not None for fee in chosen):
                raise ValidationError({"fee_ids": _("Có khoản thu đã được nộp.")})
            for open_payment in _open_payments(fee.pk for fee in chosen):
                if open_payment.status == PaymentStatus.PENDING and replace_pending:
                    _cancel_locked(
                        payment=Payment.objects.select_for_update().get(pk=open_payment.pk),
                        by=by,
                        reason=_("Người nộp chọn hình thức thanh toán khác."),
                    )
                else:
                    raise ValidationError(
                        {
                            "fee_ids": _(
                                "Khoản thu đang có giao dịch {reference} chưa kết thúc; hãy hủy"
                                " giao dịch đó trước khi chọn cách thanh toán khác."
                            ).format(reference=open_payment.reference)
                        }
                    )
            lines = [
                PaymentLine(fee=fee, kind=fee.kind, name=fee.name, amount=fee.amount or 0)
                for fee in chosen
            ]
        else:
            draft_ref = subject.draft_ref
            if replace_pending:
                for open_payment in Payment.objects.select_for_update().filter(
                    draft_ref=draft_ref, dossier__isnull=True, status=PaymentStatus.PENDING
                ):
                    _cancel_locked(
                        payment=open_payment,
                        by=by,
                        reason=_("Người nộp chọn hình thức thanh toán khác."),
                    )
            lines = [
                PaymentLine(fee_rule=rule, kind=rule.kind, name=rule.name, amount=rule.amount or 0)
                for rule in fee_rules_due_for_draft(subject)
            ]
        if not lines:
            raise ValidationError(_("Không có khoản phí, lệ phí nào cần thanh toán."))
        payment = Payment(
            reference=_reference_new(),
            dossier=dossier,
            draft_ref=draft_ref,
            provider=plugin.key,
            amount=sum(line.amount for line in lines),
            created_at=now,
            created_by=by if by is not None and by.is_authenticated else None,
            next_url=next_url[:500],
        )
        payment.full_clean(exclude=["dossier", "created_by"])
        payment.save(force_insert=True)
        for line in lines:
            line.payment = payment
        PaymentLine.objects.bulk_create(lines)
        _record(payment, PaymentRecordKind.STARTED, actor=payment.created_by, amount=payment.amount)
        result = plugin.start(payment=payment, return_url=return_url, client_ip=client_ip)
    log.info(
        "payment_started", action="payment_started", payment=payment.reference, provider=provider
    )
    return Started(payment=payment, result=result)


# --- online gateway callbacks ---------------------------------------------------------------


def _log_message(
    *, provider: str, kind: str, params: Mapping[str, str], payment: Payment | None, code: str
) -> None:
    GatewayMessage.objects.create(
        provider=provider,
        direction=MessageDirection.INBOUND,
        kind=kind,
        payment=payment,
        at=timezone.now(),
        params=dict(params),
        result_code=code,
    )


def _ipn_may_settle(payment: Payment, *, succeeded: bool) -> bool:
    """Pending payments settle; a cancelled one only if the bank took the money anyway."""
    if payment.status == PaymentStatus.PENDING:
        return True
    return payment.status == PaymentStatus.CANCELLED and succeeded


def payment_handle_ipn(*, provider: str, params: Mapping[str, str]) -> tuple[str, str]:
    """The gateway's server-to-server notification; returns ``(RspCode, Message)``.

    Checks, in the gateway's order: signature (97), order (01), amount (04),
    already settled (02); then records paid or failed (00). Idempotent: the
    payment row is locked, so a notification replayed concurrently sees the
    first one's result and gets 02 without a second record. A successful
    notification for a payment the citizen had cancelled still marks it paid
    — the bank took the money — and says so in the record, so the collector
    can refund a double payment.
    """
    try:
        plugin = provider_get(provider)
    except ProviderUnavailable:
        _log_message(provider=provider, kind="ipn", params=params, payment=None, code="99")
        return vnpay.RSP_UNKNOWN, vnpay.RSP_MESSAGES[vnpay.RSP_UNKNOWN]
    check = plugin.check_callback(params)
    code = vnpay.RSP_UNKNOWN
    payment: Payment | None = None
    try:
        with transaction.atomic():
            if not check.valid:
                code = vnpay.RSP_INVALID_SIGNATURE
            else:
                payment = (
                    Payment.objects.select_for_update()
                    .filter(reference=check.reference, provider=plugin.key)
                    .first()
                )
                if payment is None:
                    code = vnpay.RSP_ORDER_NOT_FOUND
                elif check.amount != payment.amount:
                    code = vnpay.RSP_INVALID_AMOUNT
                elif not _ipn_may_settle(payment, succeeded=check.succeeded):
                    code = vnpay.RSP_ALREADY_CONFIRMED
                elif check.succeeded:
                    note = ""
                    if payment.status == PaymentStatus.CANCELLED:
                        note = _("Cổng thanh toán báo đã thu tiền sau khi giao dịch bị hủy.")
                    _mark_paid(
                        payment,
                        by=None,
                        provider_reference=check.provider_reference,
                        raw=params,
                        note=note,
                    )
                    code = vnpay.RSP_CONFIRMED
                else:
                    payment.status = PaymentStatus.FAILED
                    payment.closed_at = timezone.now()
                    payment.raw = dict(params)
                    payment.save(update_fields=["status", "closed_at", "raw"])
                    _record(
                        payment,
                        PaymentRecordKind.FAILED,
                        data={"response_code": params.get("vnp_ResponseCode", "")},
                    )
                    code = vnpay.RSP_CONFIRMED
            _log_message(provider=provider, kind="ipn", params=params, payment=payment, code=code)
    except Exception:
        log.exception("payment_ipn_failed", action="payment_ipn", provider=provider)
        return vnpay.RSP_UNKNOWN, vnpay.RSP_MESSAGES[vnpay.RSP_UNKNOWN]
    return code, vnpay.RSP_MESSAGES[code]


def payment_handle_return(*, provider: str, params: Mapping[str, str]) -> Payment | None:
    """The browser came back from the gateway: verify and return the payment to show.

    The return never changes the payment: only the server-to-server
    notification is authoritative (the browser's query string can be replayed
    or edited). ``None`` when the signature is wrong or the order is unknown.
    """
    try:
        plugin = provider_get(provider)
    except ProviderUnavailable:
        return None
    check = plugin.check_callback(params)
    payment = None
    if check.valid:
        payment = (
            Payment.objects.select_related("dossier")
            .filter(reference=check.reference, provider=plugin.key)
            .first()
        )
    _log_message(
        provider=provider,
        kind="return",
        params=params,
        payment=payment,
        code="ok" if payment is not None else "refused",
    )
    return payment


# --- fee collector ---------------------------------------------------------------------------


def payment_record_counter(
    *, dossier: Dossier, by: User, receipt_number: str, fee_ids: list[int] | None = None
) -> Payment:
    """A fee collector took the money at the counter and issued receipt ``receipt_number``.

    Settles the citizen's pending counter payment for those fees if there is
    one, otherwise opens and settles a new one (a citizen who just walked in).
    ``fee_ids`` defaults to the dossier's unpaid upfront lines; on-return lines
    are named explicitly when the result is handed over.
    """
    _require_collector(user=by, dossier=dossier)
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise ValidationError({"receipt_number": _("Nhập số biên lai đã cấp cho người nộp.")})
    with transaction.atomic():
        fees = DossierFee.objects.select_for_update().filter(
            dossier=dossier, collection__in=PAYABLE_COLLECTIONS, amount__gt=0, paid_at__isnull=True
        )
        if fee_ids is None:
            fees = fees.filter(collection=FeeCollection.UPFRONT)
        else:
            fees = fees.filter(pk__in=fee_ids)
        chosen = list(fees.order_by("id"))
        if not chosen or (fee_ids is not None and len(chosen) != len(set(fee_ids))):
            raise ValidationError({"fee_ids": _("Không có khoản thu chưa nộp nào được chọn.")})
        chosen_ids = {fee.pk for fee in chosen}
        payment: Payment | None = None
        for open_payment in _open_payments(chosen_ids):
            covered = set(open_payment.lines.values_list("fee_id", flat=True))
            if open_payment.provider == "counter" and covered == chosen_ids:
                payment = Payment.objects.select_for_update().get(pk=open_payment.pk)
            else:
                _cancel_locked(
                    payment=Payment.objects.select_for_update().get(pk=open_payment.pk),
                    by=by,
                    reason=_("Người nộp đã nộp tiền tại quầy."),
                )
        if payment is None:
            payment = Payment.objects.create(
                reference=_reference_new(),
                dossier=dossier,
                provider="counter",
                amount=sum(fee.amount or 0 for fee in chosen),
                created_at=timezone.now(),
                created_by=by,
            )
            PaymentLine.objects.bulk_create(
                PaymentLine(
                    payment=payment, fee=fee, kind=fee.kind, name=fee.name, amount=fee.amount or 0
                )
                for fee in chosen
            )
            _record(payment, PaymentRecordKind.STARTED, actor=by, amount=payment.amount)
        _mark_paid(payment, by=by, provider_reference=receipt_number)
    return payment


def payment_reconcile_transfer(
    *, reference: str, by: User, bank_reference: str, amount: int
) -> Payment:
    """A fee collector found the VietQR transfer on the bank statement.

    ``amount`` is what the statement shows; it must equal the payment's amount
    (a short or excess transfer is settled by hand, not silently accepted).
    """
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise ValidationError({"bank_reference": _("Nhập mã giao dịch trên sao kê ngân hàng.")})
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .filter(reference=reference, provider="vietqr")
            .first()
        )
        if payment is None:
            raise ValidationError({"reference": _("Không tìm thấy giao dịch chuyển khoản này.")})
        _require_collector(user=by, dossier=payment.dossier)
        if payment.status != PaymentStatus.PENDING:
            raise ValidationError(
                {
                    "reference": _(
                        "Giao dịch đang ở trạng thái “{status}”, không thể đối soát."
                    ).format(status=PaymentStatus(payment.status).label)
                }
            )
        if amount != payment.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "Số tiền trên sao kê ({got} đồng) khác số tiền phải nộp ({expected} đồng)."
                    ).format(
                        got=f"{amount:,}".replace(",", "."),
                        expected=f"{payment.amount:,}".replace(",", "."),
                    )
                }
            )
        _mark_paid(payment, by=by, provider_reference=bank_reference)
    return payment


# --- cancel and refund -----------------------------------------------------------------------


def _cancel_locked(*, payment: Payment, by: User | None, reason: str) -> None:
    payment.status = PaymentStatus.CANCELLED
    payment.closed_at = timezone.now()
    payment.save(update_fields=["status", "closed_at"])
    _record(payment, PaymentRecordKind.CANCELLED, actor=by, reason=reason)


def payment_cancel(*, payment_id: int, by: User, reason: str) -> Payment:
    """Cancel a pending payment, with a reason (domain.md §4.3).

    The citizen who started it, or a fee collector of the receiving agency,
    may cancel. Paid payments are refunded instead (:func:`payment_refund`).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do hủy giao dịch.")})
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .get(pk=payment_id)
        )
        if payment.created_by_id != by.pk:
            _require_collector(user=by, dossier=payment.dossier)
        if payment.status != PaymentStatus.PENDING:
            raise ValidationError(
                _("Chỉ hủy được giao dịch đang chờ thanh toán; giao dịch này “{status}”.").format(
                    status=PaymentStatus(payment.status).label
                )
            )
        _cancel_locked(payment=payment, by=by, reason=reason)
    return payment


def payment_refund(*, payment_id: int, by: User, reason: str, bank_account: str) -> Payment:
    """Record that a paid payment was refunded in full (domain.md §4.3, §11.5).

    A refund needs the account the money goes back to and a reason. The fee
    lines become unpaid again. The money itself moves outside motcua (the
    treasury or the gateway's merchant portal); this is the record of it.
    """
    reason = reason.strip()
    bank_account = bank_account.strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Nhập lý do hoàn tiền.")
    if not bank_account:
        errors["bank_account"] = _("Nhập số tài khoản, ngân hàng nhận tiền hoàn.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .get(pk=payment_id)
        )
        _require_collector(user=by, dossier=payment.dossier)
        if payment.status != PaymentStatus.PAID:
            raise ValidationError(
                _("Chỉ hoàn tiền được giao dịch đã thanh toán; giao dịch này “{status}”.").format(
                    status=PaymentStatus(payment.status).label
                )
            )
        payment.status = PaymentStatus.REFUNDED
        payment.closed_at = timezone.now()
        payment.save(update_fields=["status", "closed_at"])
        _fees_set_paid(payment, paid=False)
        _record(
            payment,
            PaymentRecordKind.REFUNDED,
            actor=by,
            amount=payment.amount,
            reason=reason,
            bank_account=bank_account,
        )
    return payment


# --- drafts ----------------------------------------------------------------------------------


def payments_attach_draft(*, draft_ref: str, dossier: Dossier) -> int:
    """Link a submitted draft's payments to its new dossier; returns how many were linked.

    Call it in the same transaction as the submission. Each line paid for a
    fee rule is matched to the dossier's pinned fee line with the same kind,
    name and amount (the dossier pins its lines from those rules), and paid
    lines mark their fee paid.
    """
    with transaction.atomic():
        payments = list(
            Payment.objects.select_for_update().filter(draft_ref=draft_ref, dossier__isnull=True)
        )
        free = list(DossierFee.objects.select_for_update().filter(dossier=dossier).order_by("id"))
        for payment in payments:
            payment.dossier = dossier
            payment.save(update_fields=["dossier"])
            for line in payment.lines.all():
                match = next(
                    (
                        fee
                        for fee in free
                        if (fee.kind, fee.name, fee.amount or 0)
                        == (line.kind, line.name, line.amount)
                    ),
                    None,
                )
                if match is not None:
                    free.remove(match)
                    line.fee = match
                    line.save(update_fields=["fee"])
            if payment.status == PaymentStatus.PAID:
                _fees_set_paid(payment, paid=True)
    return len(payments)
