"""Demo queue of the Huế centres (gh-7): one ticket service per counter, so `make demo` has a queue.

Each active counter of a centre gets a service named after it, with the
counter's fields and a one-letter prefix from its number (counter 1 → A,
counter 2 → B…). The city centre interleaves one priority ticket after every
three normal ones; the commune centres call priority tickets first. The demo
reception officer and returner of each centre may open counters.
Idempotent: reloading changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from motcua.organisations.models import Agency, Counter

from .constants import CallPolicy
from .services import queue_policy_set, ticket_service_upsert


def load_demo_queue(*, centres: Iterable[Agency], interleaved: Iterable[Agency] = ()) -> int:
    """Create or update the ticket services of ``centres``; returns how many there are."""
    interleaved_ids = {c.pk for c in interleaved}
    count = 0
    for centre in centres:
        counters = Counter.objects.filter(agency=centre, is_active=True).prefetch_related("fields")
        for counter in counters.order_by("number"):
            if not 1 <= counter.number <= 26:
                continue
            ticket_service_upsert(
                center_id=centre.pk,
                prefix=chr(ord("A") + counter.number - 1),
                name=counter.name.removeprefix("Quầy ").strip(),
                position=counter.number,
                field_ids=[f.pk for f in counter.fields.all()],
                counter_ids=[counter.pk],
            )
            count += 1
        policy = (
            CallPolicy.INTERLEAVE if centre.pk in interleaved_ids else CallPolicy.PRIORITY_FIRST
        )
        queue_policy_set(center_id=centre.pk, policy=policy, interleave_every=3)
    return count
