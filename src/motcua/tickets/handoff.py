"""Hand-off from the counter screen to the workspace reception (gh-7 item 3).

The counter screen links "Tiếp nhận hồ sơ" to the reception page with
``?ve=<ticket id>``. The reception calls:

- :func:`reception_ticket` on GET: reads ``?ve=`` (remembered in the
  session, so the POSTs of the reception form need not carry it) and
  returns the ticket while it is still at the officer's own counter;
- :func:`reception_ticket_link` after a dossier is received: links it to
  that ticket (``services.ticket_link_dossier``). A batch reception for the
  same citizen links every dossier while the ticket is at the counter.

Anything else (a forged id, another counter's ticket, a finished ticket)
links nothing and is forgotten.
"""

from __future__ import annotations

from django.http import HttpRequest

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier

from . import selectors, services
from .models import Ticket

PARAM = "ve"
SESSION_KEY = "tickets_reception_ticket"


def reception_ticket(request: HttpRequest) -> Ticket | None:
    """The ticket the current reception serves, from ``?ve=`` or the session; None if none."""
    user = request.user
    if not isinstance(user, User):
        return None
    raw = request.GET.get(PARAM)
    if raw is not None:
        request.session.pop(SESSION_KEY, None)
        if raw.isdigit():
            request.session[SESSION_KEY] = int(raw)
    ticket_id = request.session.get(SESSION_KEY)
    if not isinstance(ticket_id, int):
        return None
    ticket = selectors.ticket_for_reception(user=user, ticket_id=ticket_id)
    if ticket is None:
        request.session.pop(SESSION_KEY, None)
    return ticket


def reception_ticket_link(request: HttpRequest, *, dossier: Dossier) -> Ticket | None:
    """Link ``dossier`` (just received) to the reception's ticket, if any; returns the ticket."""
    ticket = reception_ticket(request)
    if ticket is not None:
        services.ticket_link_dossier(ticket=ticket, dossier=dossier)
    return ticket
