"""EMVCo merchant-presented QR payloads, Napas VietQR profile (pure code, no ORM).

A payload is a flat sequence of ID–length–value objects (two-digit id, two-digit
length, value); template objects (38, 62) nest the same encoding. The last
object is the CRC (id 63, length 04): CRC-16/CCITT-FALSE (poly 0x1021, init
0xFFFF, no reflection) over every character before it, *including* "6304".

The VietQR profile for a transfer to a bank account (Napas "QRIBFTTA"):

    00 "01"                      payload format indicator
    01 "12"                      point of initiation: 12 = dynamic (an amount), 11 = static
    38 template                  merchant account information
       00 "A000000727"           Napas GUID
       01 template               beneficiary organisation
          00 acquirer BIN (6 digits, the bank's Napas BIN)
          01 account number
       02 "QRIBFTTA"             service: inter-bank transfer to an account
    53 "704"                     currency (VND, ISO 4217)
    54 amount                    integer đồng (VND has no minor unit)
    58 "VN"                      country
    62 template                  additional data
       01 bill number            our payment reference
       08 purpose                what the bank app puts in the transfer content
    63 CRC
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
# EMVCo: "ans" values of the additional-data template are at most 25 characters.
MAX_ADDITIONAL_LENGTH = 25
_BIN = re.compile(r"^[0-9]{6}$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{1,19}$")
# Characters every Vietnamese bank app accepts in a transfer content.
_ADDITIONAL = re.compile(r"^[0-9A-Za-z .\-]*$")


class PayloadError(ValueError):
    """A payload that is malformed, or a value that cannot be encoded."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE; the check value of ``b"123456789"`` is 0x29B1."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise PayloadError(f"tag {tag!r} must be two digits")
    if not 0 < len(value) <= 99:
        raise PayloadError(f"value of tag {tag} must be 1–99 characters long")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """Append the CRC object to ``body`` (which must not already end with one)."""
    head = body + "6304"
    return head + f"{crc16_ccitt_false(head.encode('ascii')):04X}"


def parse(payload: str) -> dict[str, str]:
    """Split one level of ID–length–value objects; raises on a truncated object."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(payload):
        if i + 4 > len(payload):
            raise PayloadError(f"truncated object at position {i}")
        tag, length_text = payload[i : i + 2], payload[i + 2 : i + 4]
        if not (tag.isdigit() and length_text.isdigit()):
            raise PayloadError(f"malformed object header at position {i}")
        length = int(length_text)
        value = payload[i + 4 : i + 4 + length]
        if len(value) != length:
            raise PayloadError(f"object {tag} is shorter than its length {length}")
        fields[tag] = value
        i += 4 + length
    return fields


def verify_crc(payload: str) -> bool:
    """True when the payload ends with a CRC object that matches its content."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    expected = f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}"
    return payload[-4:].upper() == expected


@dataclass(frozen=True)
class VietQR:
    """The data a VietQR transfer carries."""

    bank_bin: str
    account: str
    amount: int | None = None
    purpose: str = ""
    bill_number: str = ""


def vietqr_payload(qr: VietQR) -> str:
    """The EMVCo payload string for ``qr``; raises :class:`PayloadError` on bad values."""
    if not _BIN.match(qr.bank_bin):
        raise PayloadError("the acquirer BIN must be six digits")
    if not _ACCOUNT.match(qr.account):
        raise PayloadError("the account number must be 1–19 letters or digits")
    if qr.amount is not None and qr.amount <= 0:
        raise PayloadError("the amount must be a positive number of đồng")
    for name, value in (("purpose", qr.purpose), ("bill number", qr.bill_number)):
        if len(value) > MAX_ADDITIONAL_LENGTH or not _ADDITIONAL.match(value):
            raise PayloadError(
                f"the {name} must be at most {MAX_ADDITIONAL_LENGTH} ASCII letters, digits,"
                " spaces, dots or hyphens"
            )
    beneficiary = tlv("00", qr.bank_bin) + tlv("01", qr.account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    body = tlv("00", "01") + tlv("01", "12" if qr.amount else "11") + tlv("38", merchant)
    body += tlv("53", CURRENCY_VND)
    if qr.amount:
        body += tlv("54", str(qr.amount))
    body += tlv("58", COUNTRY_VN)
    additional = ""
    if qr.bill_number:
        additional += tlv("01", qr.bill_number)
    if qr.purpose:
        additional += tlv("08", qr.purpose)
    if additional:
        body += tlv("62", additional)
    return with_crc(body)


def vietqr_parse(payload: str) -> VietQR:
    """Read a VietQR transfer payload back; raises :class:`PayloadError` if it is not one."""
    if not verify_crc(payload):
        raise PayloadError("the CRC does not match the payload")
    root = parse(payload)
    if root.get("00") != "01":
        raise PayloadError("not an EMVCo payload (format indicator)")
    merchant = parse(root.get("38", ""))
    if merchant.get("00") != NAPAS_GUID or merchant.get("02") != SERVICE_TO_ACCOUNT:
        raise PayloadError("not a Napas VietQR transfer to an account")
    if root.get("53") != CURRENCY_VND or root.get("58") != COUNTRY_VN:
        raise PayloadError("not a VND payment in Viet Nam")
    beneficiary = parse(merchant.get("01", ""))
    additional = parse(root.get("62", ""))
    amount = root.get("54", "")
    if amount and not amount.isdigit():
        raise PayloadError("the amount must be a whole number of đồng")
    return VietQR(
        bank_bin=beneficiary.get("00", ""),
        account=beneficiary.get("01", ""),
        amount=int(amount) if amount else None,
        purpose=additional.get("08", ""),
        bill_number=additional.get("01", ""),
    )
