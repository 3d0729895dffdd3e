"""The public postal operator's API (VNPost-style), usually reached through the LGSP.

Settings: ``MOTCUA_VNPOST_URL`` (base URL), ``MOTCUA_VNPOST_TOKEN`` (bearer
token), ``MOTCUA_VNPOST_CUSTOMER_CODE`` (the agency's contract code),
``MOTCUA_VNPOST_TIMEOUT`` (seconds). Select it with ``MOTCUA_POSTAL_PROVIDER=vnpost``.

The contract (JSON over HTTPS, UTF-8; every request carries
``Authorization: Bearer <token>``). An LGSP adapter maps the operator's own
API onto it.

Create an order::

    POST <url>/orders
    {"customer_code": "HUE0001", "reference": "<dossier code>",
     "sender":    {"name": "…", "address": "…", "phone": "…"},
     "recipient": {"name": "…", "address": "…", "phone": "…"}}
    → 200/201 {"waybill": "EB123456789VN"}

Track an order::

    GET <url>/orders/<waybill>/events
    → 200 {"events": [{"status": "picked_up", "at": "2026-03-11T08:15:00+07:00",
                       "place": "Bưu cục Huế", "note": "…"}, …]}

``status`` is one of created, picked_up, in_transit, delivered, failed,
returned; ``at`` is ISO 8601 with an offset. Any other answer (status code,
body, timeout, refused connection) raises ``PostalError`` with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from motcua.postal.base import PostalError, PostalProvider, ShipmentOrder, TrackedEvent
from motcua.postal.constants import ShipmentStatus
from motcua.postal.registry import postal_providers


@dataclass(frozen=True)
class VnpostOptions:
    url: str
    token: str
    customer_code: str
    timeout: int

    @classmethod
    def from_settings(cls) -> VnpostOptions:
        return cls(
            url=settings.MOTCUA_VNPOST_URL.rstrip("/"),
            token=settings.MOTCUA_VNPOST_TOKEN,
            customer_code=settings.MOTCUA_VNPOST_CUSTOMER_CODE,
            timeout=settings.MOTCUA_VNPOST_TIMEOUT,
        )

    def problems(self) -> list[str]:
        problems = []
        parts = urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            problems.append("MOTCUA_VNPOST_URL must be an http(s) URL for the 'vnpost' provider")
        if not self.token:
            problems.append("MOTCUA_VNPOST_TOKEN is required by the 'vnpost' provider")
        if not self.customer_code:
            problems.append("MOTCUA_VNPOST_CUSTOMER_CODE is required by the 'vnpost' provider")
        return problems


def _call(options: VnpostOptions, method: str, path: str, payload: Any = None) -> Any:
    problems = options.problems()
    if problems:
        raise PostalError("; ".join(problems))
    data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked in problems())
        options.url + path,
        data=data,
        method=method,
        headers={
            "Authorization": f"Bearer {options.token}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=options.timeout) as response:  # noqa: S310
            body = response.read(1_000_000)
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode("utf-8", "replace")
        raise PostalError(f"HTTP {error.code} from the postal operator: {detail}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PostalError(f"postal operator unreachable: {reason}") from error
    try:
        return json.loads(body)
    except ValueError as error:
        raise PostalError("the postal operator answered with invalid JSON") from error


def _party(party: Any) -> dict[str, str]:
    return {"name": party.name, "address": party.address, "phone": party.phone}


@postal_providers.register("vnpost")
class VnpostProvider(PostalProvider):
    def check(self) -> list[str]:
        return VnpostOptions.from_settings().problems()

    def create(self, order: ShipmentOrder) -> str:
        options = VnpostOptions.from_settings()
        answer = _call(
            options,
            "POST",
            "/orders",
            {
                "customer_code": options.customer_code,
                "reference": order.reference,
                "sender": _party(order.sender),
                "recipient": _party(order.recipient),
            },
        )
        waybill = answer.get("waybill") if isinstance(answer, dict) else None
        if not isinstance(waybill, str) or not waybill.strip() or len(waybill) > 40:
            raise PostalError(f"the postal operator returned no usable waybill: {answer!r}")
        return waybill.strip()

    def track(self, waybill: str) -> list[TrackedEvent]:
        options = VnpostOptions.from_settings()
        answer = _call(options, "GET", f"/orders/{quote(waybill, safe='')}/events")
        items = answer.get("events") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise PostalError(f"the postal operator returned no event list: {answer!r}")
        events = []
        for item in items:
            try:
                status = ShipmentStatus(item["status"])
                at = dt.datetime.fromisoformat(item["at"])
            except (KeyError, TypeError, ValueError) as error:
                raise PostalError(f"unreadable tracking event: {item!r}") from error
            if at.tzinfo is None:
                raise PostalError(f"tracking event time without offset: {item!r}")
            events.append(
                TrackedEvent(
                    status=status,
                    at=at,
                    place=str(item.get("place") or "")[:200],
                    note=str(item.get("note") or "")[:500],
                    raw=item,
                )
            )
        return events
