"""The demo centres have a working queue (gh-7): services per counter, officers, a policy."""

from __future__ import annotations

from django.test import TestCase, tag

from motcua.accounts.models import User
from motcua.demo.loader import load_hue_demo
from motcua.organisations.models import Agency, Counter
from motcua.tickets import selectors, services
from motcua.tickets.constants import CallPolicy
from motcua.tickets.models import QueuePolicy, TicketService


@tag("gh-7")
class DemoQueueTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_hue_demo()

    def test_city_centre_has_a_service_per_counter_and_an_officer_can_call(self) -> None:
        officer = User.objects.get(username="tinh.motcua")
        counter = selectors.counters_for_officer(user=officer).order_by("number").first()
        assert counter is not None
        centre = counter.agency
        self.assertEqual(
            TicketService.objects.filter(center=centre).count(),
            Counter.objects.filter(agency=centre).count(),
        )
        a = TicketService.objects.get(center=centre, prefix="A")
        self.assertEqual(list(a.counters.all()), [counter])
        self.assertTrue(a.fields.exists())
        self.assertEqual(QueuePolicy.objects.get(center=centre).policy, CallPolicy.INTERLEAVE)
        ticket = services.ticket_take(service=a)
        session = services.counter_open(officer=officer, counter=counter)
        self.assertEqual(services.call_next(session=session), ticket)
        # The returner of the centre can hold a second counter (the display shows two).
        second = User.objects.get(username="tinh.trakq")
        services.counter_open(officer=second, counter=Counter.objects.get(agency=centre, number=2))

    def test_reloading_changes_nothing(self) -> None:
        before = list(TicketService.objects.order_by("id").values_list("id", "prefix", "name"))
        load_hue_demo()
        after = list(TicketService.objects.order_by("id").values_list("id", "prefix", "name"))
        self.assertEqual(before, after)
        self.assertTrue(
            Agency.objects.filter(ticket_services__isnull=False).distinct().count() >= 3
        )
