"""The postal-provider plugin interface (conventions §7: every vendor behind a registry).

A provider creates the waybill for a shipment and, when the operator offers it,
reports the tracking events. The local provider numbers waybills itself and
officers record the events from the postal hand-over invoice; an operator
plugin calls the operator's API.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


class PostalError(Exception):
    """The operator refused or could not be reached; the text says why."""


@dataclass(frozen=True)
class Party:
    name: str
    address: str
    phone: str


@dataclass(frozen=True)
class ShipmentOrder:
    """What a provider needs to create a waybill."""

    reference: str  # the dossier code
    sender: Party
    recipient: Party


@dataclass(frozen=True)
class TrackedEvent:
    status: str  # a ShipmentStatus value
    at: dt.datetime
    place: str = ""
    note: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class PostalProvider(ABC):
    """Creates waybills and, optionally, reports tracking events."""

    def __init__(self, *, key: str) -> None:
        self.key = key

    @abstractmethod
    def create(self, order: ShipmentOrder) -> str:
        """Create the waybill and return its number (raises ``PostalError``)."""

    def track(self, waybill: str) -> list[TrackedEvent]:
        """Events the operator knows of (none for a provider without tracking)."""
        return []

    def check(self) -> list[str]:
        """Configuration problems, for ``manage.py check`` (empty when ready)."""
        return []
