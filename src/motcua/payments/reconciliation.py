"""Reconcile VietQR transfers against a bank statement file (CSV) (gh-6 item 10).

A fee collector downloads the day's statement of the agency's account from the
bank's internet banking and hands it to :func:`reconcile_bank_statement`. Each
credit line is matched to a pending VietQR payment of the agency by the dossier
code (the transfer content the QR asks for, emvco/vietqr plugin) or the payment
reference found in the line's description, **and** the exact amount; a match is
recorded paid through :func:`payment_reconcile_transfer`, with the line's bank
transaction reference as the payment's ``provider_reference``.

Idempotent: a line whose bank reference is already on a paid VietQR payment is
reported "already reconciled", so the same statement (or overlapping statements)
reconciles once. A line without a reference column gets a stable synthetic one
(``SK-`` + a hash of its date, amount and description).

The CSV: UTF-8 with or without BOM, comma, semicolon or tab separated; the header
row may follow a few preamble rows (account name, period…). Recognised headers
(case, diacritics and spacing ignored): date — "Ngày giao dịch", "Ngày GD",
"Date", "Transaction date"; amount — "Số tiền", "Số tiền ghi có", "Ghi có",
"Amount", "Credit"; description — "Nội dung", "Diễn giải", "Mô tả",
"Description", "Content"; reference — "Số tham chiếu", "Mã giao dịch",
"Số bút toán", "Reference", "Transaction reference". Amounts are whole đồng:
"1.250.000", "1,250,000", "1250000", "1.250.000,00"; a negative amount, or a
line with an empty credit column, is a debit and is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.text import fold
from motcua.organisations.models import Agency, StaffMembership, valid_on_q

from .constants import PaymentStatus
from .models import Payment
from .services import COLLECTOR_ROLES, payment_reconcile_transfer

if TYPE_CHECKING:
    from motcua.accounts.models import User

VIETQR = "vietqr"

_HEADERS: dict[str, tuple[str, ...]] = {
    "date": (
        "ngay giao dich",
        "ngay gd",
        "ngay",
        "ngay hach toan",
        "ngay hieu luc",
        "date",
        "transaction date",
        "posting date",
        "value date",
        "txn date",
    ),
    "amount": (
        "so tien",
        "so tien ghi co",
        "ghi co",
        "so tien (vnd)",
        "so tien ghi co (vnd)",
        "amount",
        "credit",
        "credit amount",
        "amount (vnd)",
    ),
    "description": (
        "noi dung",
        "noi dung giao dich",
        "dien giai",
        "mo ta",
        "noi dung chi tiet",
        "description",
        "content",
        "details",
        "transaction details",
        "narrative",
        "remarks",
    ),
    "reference": (
        "so tham chieu",
        "ma giao dich",
        "so giao dich",
        "ma tham chieu",
        "so but toan",
        "so ct",
        "reference",
        "transaction reference",
        "reference number",
        "ref",
        "ref no",
        "transaction id",
    ),
}
_DECIMALS = re.compile(r"[.,](\d{1,2})$")
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+|\d+")


class LineOutcome(models.TextChoices):
    MATCHED = "matched", gettext_lazy("Đã đối soát")
    ALREADY = "already", gettext_lazy("Đã đối soát trước đây")
    AMOUNT_MISMATCH = "amount_mismatch", gettext_lazy("Số tiền không khớp")
    NOT_PENDING = "not_pending", gettext_lazy("Khoản thu không còn chờ thanh toán")
    UNKNOWN = "unknown", gettext_lazy("Không tìm thấy mã hồ sơ")
    UNREADABLE = "unreadable", gettext_lazy("Không đọc được dòng sao kê")
    DEBIT = "debit", gettext_lazy("Giao dịch ghi nợ (bỏ qua)")


UNMATCHED = frozenset(
    {
        LineOutcome.AMOUNT_MISMATCH,
        LineOutcome.NOT_PENDING,
        LineOutcome.UNKNOWN,
        LineOutcome.UNREADABLE,
    }
)


@dataclass(frozen=True)
class StatementLine:
    row: int  # 1-based row number in the file, for the collector to find it
    date: dt.date | None
    amount: int | None  # None when unreadable; negative for a debit
    description: str
    reference: str


@dataclass(frozen=True)
class LineResult:
    line: StatementLine
    outcome: LineOutcome
    payment_reference: str = ""
    dossier_code: str = ""
    message: str = ""


@dataclass
class ReconciliationReport:
    agency: Agency
    results: list[LineResult] = field(default_factory=list)

    def of(self, *outcomes: LineOutcome) -> list[LineResult]:
        return [r for r in self.results if r.outcome in outcomes]

    @property
    def matched(self) -> list[LineResult]:
        return self.of(LineOutcome.MATCHED)

    @property
    def already(self) -> list[LineResult]:
        return self.of(LineOutcome.ALREADY)

    @property
    def unmatched(self) -> list[LineResult]:
        return self.of(*UNMATCHED)

    def as_text(self) -> str:
        out = [
            _(
                "Đối soát sao kê cho {agency}: {matched} khớp, {already} đã đối soát trước,"
                " {unmatched} chưa khớp."
            ).format(
                agency=self.agency.name,
                matched=len(self.matched),
                already=len(self.already),
                unmatched=len(self.unmatched),
            )
        ]
        for result in self.results:
            if result.outcome == LineOutcome.DEBIT:
                continue
            amount = "?" if result.line.amount is None else _vnd(result.line.amount)
            what = result.dossier_code or result.payment_reference or "—"
            text = _("Dòng {row}: {outcome} — {amount} đồng, {what}, mã GD {ref}").format(
                row=result.line.row,
                outcome=result.outcome.label,
                amount=amount,
                what=what,
                ref=result.line.reference or "—",
            )
            if result.message:
                text += f" ({result.message})"
            out.append(text)
        return "\n".join(out)


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def parse_amount(text: str) -> int | None:
    """Whole đồng from a statement cell: "1.250.000", "1,250,000.00", "-50000"; else None."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    value = re.sub(r"(?i)(vnd|đ|d)$", "", value)
    sign = 1
    if value.startswith(("-", "+")):
        sign = -1 if value[0] == "-" else 1
        value = value[1:]
    elif value.startswith("(") and value.endswith(")"):  # accounting negative
        sign, value = -1, value[1:-1]
    decimals = _DECIMALS.search(value)
    if decimals is not None and not _GROUPED.fullmatch(value):
        if int(decimals.group(1)) != 0:
            return None  # VND has no minor unit
        if value[decimals.start()] in value[: decimals.start()]:
            return None  # "1.250.00": the decimal mark cannot also group thousands
        value = value[: decimals.start()]
    if not value or not _GROUPED.fullmatch(value):
        return None
    return sign * int(re.sub(r"[.,]", "", value))


def _parse_date(text: str) -> dt.date | None:
    value = text.strip().split(" ")[0]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _columns(header: list[str]) -> dict[str, int] | None:
    folded = [" ".join(fold(cell).replace("_", " ").split()) for cell in header]
    found: dict[str, int] = {}
    for name, aliases in _HEADERS.items():
        for i, cell in enumerate(folded):
            if cell in aliases and i not in found.values():
                found[name] = i
                break
    if "amount" in found and "description" in found:
        return found
    return None


def _read_text(csv_file: IO[bytes] | IO[str] | str | PathLike[str]) -> str:
    if isinstance(csv_file, str | PathLike):
        data: bytes | str = Path(csv_file).read_bytes()
    else:
        data = csv_file.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                _("Tệp sao kê phải là CSV mã hóa UTF-8; hãy xuất lại từ ngân hàng.")
            ) from error
    return data.removeprefix("\ufeff")


def parse_statement(csv_file: IO[bytes] | IO[str] | str | PathLike[str]) -> list[StatementLine]:
    """The lines of a bank statement CSV (see the module docstring for what is recognised)."""
    text = _read_text(csv_file)
    # The header row decides the separator: preambles mix them, so csv.Sniffer guesses wrong.
    rows: list[list[str]] = []
    columns: dict[str, int] | None = None
    header = 0
    for delimiter in (",", ";", "\t"):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        header, columns = next(
            ((i, found) for i, row in enumerate(rows) if (found := _columns(row))), (0, None)
        )
        if columns is not None:
            break
    if columns is None:
        raise ValidationError(
            _(
                "Không tìm thấy dòng tiêu đề của sao kê (cần ít nhất các cột “Số tiền” và"
                " “Nội dung”)."
            )
        )
    lines: list[StatementLine] = []
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row, columns: dict[str, int] = columns) -> str:
            i = columns.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        raw_amount = cell("amount")
        lines.append(
            StatementLine(
                row=number,
                date=_parse_date(cell("date")),
                # An empty credit cell is a debit line of a two-column statement.
                amount=parse_amount(raw_amount) if raw_amount else 0,
                description=" ".join(cell("description").split()),
                reference=cell("reference")[:100],
            )
        )
    return lines


def _key(text: str) -> str:
    """Upper-case letters and digits only: bank apps drop or change "." and "-" in contents."""
    return re.sub(r"[^0-9A-Z]", "", fold(text).upper())


def _bank_reference(line: StatementLine) -> str:
    if line.reference:
        return line.reference
    digest = hashlib.sha256(f"{line.date}|{line.amount}|{line.description}".encode()).hexdigest()
    return "SK-" + digest[:20]


def _require_collector(*, user: User, agency: Agency) -> None:
    day = timezone.localdate()
    allowed = StaffMembership.objects.filter(
        valid_on_q(day), user=user, agency=agency, role__in=COLLECTOR_ROLES
    ).exists()
    if not user.is_active or not allowed:
        raise PermissionDenied(
            _("Chỉ cán bộ thu phí, lệ phí của cơ quan tiếp nhận hồ sơ mới được thực hiện việc này.")
        )


def _find(line: StatementLine, payments: list[Payment]) -> list[Payment]:
    """The agency's VietQR payments named in the line's description (by reference or code)."""
    content = _key(line.description)
    by_reference = [p for p in payments if _key(p.reference) in content]
    if by_reference:
        return by_reference
    return [p for p in payments if p.dossier is not None and _key(p.dossier.code) in content]


def reconcile_bank_statement(
    *, agency: Agency, csv_file: IO[bytes] | IO[str] | str | PathLike[str], by: User
) -> ReconciliationReport:
    """Match the statement's credit lines to pending VietQR payments and record them paid.

    Raises ``PermissionDenied`` unless ``by`` collects fees for ``agency``, and
    ``ValidationError`` for a file that is not a readable statement; each line's
    outcome is in the report. Lines are recorded one by one (each through the
    payments service, in its own transaction): running it again finishes the rest.
    """
    _require_collector(user=by, agency=agency)
    lines = parse_statement(csv_file)
    # A statement covers days, the agency's VietQR payments are few hundred at
    # most; they are read once and matched in Python, so that a content where the
    # bank app turned "000.00.06.H57-260310-0001" into "000 00 06 H57 260310 0001"
    # still matches.
    payments = list(
        Payment.objects.filter(provider=VIETQR, dossier__received_by=agency)
        .select_related("dossier")
        .order_by("created_at", "id")
    )
    report = ReconciliationReport(agency=agency)
    for line in lines:
        report.results.append(_reconcile_line(line, payments=payments, by=by))
    return report


def _reconcile_line(line: StatementLine, *, payments: list[Payment], by: User) -> LineResult:
    if line.amount is None:
        return LineResult(line, LineOutcome.UNREADABLE, message=_("số tiền không hợp lệ"))
    if line.amount <= 0:
        return LineResult(line, LineOutcome.DEBIT)
    bank_reference = _bank_reference(line)
    settled = (PaymentStatus.PAID, PaymentStatus.REFUNDED)
    done = next(
        (p for p in payments if p.status in settled and p.provider_reference == bank_reference),
        None,
    )
    if done is not None:
        return LineResult(
            line,
            LineOutcome.ALREADY,
            payment_reference=done.reference,
            dossier_code=done.dossier.code if done.dossier is not None else "",
        )
    candidates = _find(line, [p for p in payments if p.status != PaymentStatus.FAILED])
    if not candidates:
        return LineResult(line, LineOutcome.UNKNOWN)
    code = candidates[0].dossier.code if candidates[0].dossier is not None else ""
    pending = [p for p in candidates if p.status == PaymentStatus.PENDING]
    exact = [p for p in pending if p.amount == line.amount]
    if not exact:
        if not pending or any(p.amount == line.amount for p in candidates):
            # Every payment named is settled, or one of that amount is: a second transfer.
            return LineResult(
                line,
                LineOutcome.NOT_PENDING,
                dossier_code=code,
                message=_("có thể nộp trùng; kiểm tra và hoàn tiền nếu cần"),
            )
        expected = ", ".join(_vnd(p.amount) for p in pending)
        return LineResult(
            line,
            LineOutcome.AMOUNT_MISMATCH,
            dossier_code=code,
            message=_("phải nộp {expected} đồng").format(expected=expected),
        )
    payment = exact[0]
    try:
        paid = payment_reconcile_transfer(
            reference=payment.reference, by=by, bank_reference=bank_reference, amount=line.amount
        )
    except ValidationError as error:  # changed meanwhile (paid at the counter, cancelled)
        payment.refresh_from_db()
        return LineResult(
            line,
            LineOutcome.NOT_PENDING,
            payment_reference=payment.reference,
            dossier_code=code,
            message="; ".join(error.messages),
        )
    payment.status, payment.provider_reference = paid.status, paid.provider_reference
    return LineResult(
        line, LineOutcome.MATCHED, payment_reference=payment.reference, dossier_code=code
    )
