"""The VNPay payment protocol, version 2.1.0 (pure code, no ORM).

Both directions use the same signature: take every ``vnp_*`` parameter except
``vnp_SecureHash`` / ``vnp_SecureHashType``, drop empty values, sort by name,
join ``name=value`` pairs with ``&`` where the *value is URL-encoded*
(``quote_plus``: a space becomes ``+``; version 2.1.0 signs the encoded query,
2.0.0 signed raw values), and compute HMAC-SHA512 with the merchant's hash
secret; the hex digest travels as ``vnp_SecureHash``.

The amount is sent in đồng × 100 (``vnp_Amount``), the order reference is
``vnp_TxnRef`` (unique per merchant), times are ``yyyyMMddHHmmss`` in
Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

VERSION = "2.1.0"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_FIELDS_EXCLUDED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

# Merchant answers to the IPN (the gateway retries until it gets one of these).
RSP_CONFIRMED = "00"
RSP_ORDER_NOT_FOUND = "01"
RSP_ALREADY_CONFIRMED = "02"
RSP_INVALID_AMOUNT = "04"
RSP_INVALID_SIGNATURE = "97"
RSP_UNKNOWN = "99"
RSP_MESSAGES = {
    RSP_CONFIRMED: "Confirm Success",
    RSP_ORDER_NOT_FOUND: "Order not found",
    RSP_ALREADY_CONFIRMED: "Order already confirmed",
    RSP_INVALID_AMOUNT: "invalid amount",
    RSP_INVALID_SIGNATURE: "Invalid signature",
    RSP_UNKNOWN: "Unknow error",  # sic: the gateway's documented text
}

# Gateway result codes (vnp_ResponseCode) the merchant acts on.
RESPONSE_SUCCESS = "00"
RESPONSE_CANCELLED_BY_CUSTOMER = "24"
TRANSACTION_SUCCESS = "00"


def hash_data(params: Mapping[str, str]) -> str:
    """The canonical string that is signed."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in HASH_FIELDS_EXCLUDED and str(value) != ""
    )
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(
        secret.encode("utf-8"), hash_data(params).encode("utf-8"), hashlib.sha512
    ).hexdigest()


def verify(params: Mapping[str, str], secret: str) -> bool:
    """True when ``vnp_SecureHash`` is the signature of the other ``vnp_*`` parameters."""
    given = params.get("vnp_SecureHash", "")
    if not given or not secret:
        return False
    return hmac.compare_digest(given.lower(), sign(params, secret))


def signed_query(params: Mapping[str, str], secret: str) -> str:
    """The query string of a signed request (the gateway rebuilds the same canonical form)."""
    return hash_data(params) + "&vnp_SecureHash=" + sign(params, secret)


def format_time(at: dt.datetime) -> str:
    return at.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def to_ascii(text: str, *, limit: int = 255) -> str:
    """VNPay wants order information in Vietnamese without diacritics or special characters."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in " .-_:") else " " for c in plain)
    return " ".join(cleaned.split())[:limit]
