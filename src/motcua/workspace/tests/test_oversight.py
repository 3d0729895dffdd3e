"""Oversight for heads, leaders and supervisors (gh-6 item 11).

The clock is frozen on Tue 10/03/2026 09:05 in Huế. Dossiers received a week
earlier are overdue, two dossiers received on Wed 04/03 are due within one
working day (one of them at the last step), the rest are in time.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import TestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import time_machine

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.dossiers.tests.test_transitions import PATHS
from motcua.organisations.constants import Role
from motcua.organisations.tests.factories import MembershipFactory
from motcua.workspace.oversight import (
    NONE_KEY,
    By,
    Lateness,
    Watch,
    at_risk_q,
    cell_q,
    lateness_q,
    oversight_dossiers,
    oversight_table,
    watch_for,
)
from motcua.workspace.selectors import Queue, assign_candidates, desk_for, queue_dossiers
from motcua.workspace.tests.test_workspace import _demo

A = EventAction
R = Role
S = DossierStatus
NOW = vn(2026, 3, 10, 9, 5)
WEEK_AGO = vn(2026, 3, 3, 9)  # due Tue 10/03 09:00: overdue
SIX_DAYS_AGO = vn(2026, 3, 4, 9)  # due Wed 11/03 09:00: within one working day


def _bring(world: World, state: str, at: dt.datetime, **receive: object) -> Dossier:
    """A dossier brought to ``state`` through the services, received at ``at``."""
    with time_machine.travel(at, tick=False):
        dossier = world.receive(**receive)
        for action, role, fields in PATHS[state]:
            dossier_act(code=dossier.code, action=action, by=world.staff[role], **fields)
    dossier.refresh_from_db()
    return dossier


@tag("gh-6")
@override_settings(MOTCUA_DEMO=True)
class OversightTests(TestCase):
    world: World
    d: dict[str, Dossier]
    specialist2: User
    supervisor: User

    @classmethod
    def setUpTestData(cls) -> None:
        w = cls.world = make_world()
        cls.specialist2 = MembershipFactory(
            agency=w.center, role=R.SPECIALIST, user__full_name="Lê Văn Cường"
        ).user
        cls.supervisor = MembershipFactory(agency=w.center, role=R.SUPERVISOR).user
        _demo(w)
        User.objects.filter(pk__in=[cls.specialist2.pk, cls.supervisor.pk]).update(is_demo=True)
        head = w.staff[R.DIVISION_HEAD]
        cls.d = {
            "received": _bring(w, "received", NOW - dt.timedelta(minutes=5)),
            "late_step1": _bring(w, "step1", WEEK_AGO),
            "late_step2": _bring(w, "step2", WEEK_AGO),
            "soon_step2": _bring(w, "step2", SIX_DAYS_AGO),
            "soon_last": _bring(w, "step4", SIX_DAYS_AGO),
            "step2": _bring(w, "step2", NOW - dt.timedelta(minutes=5)),
            "step3": _bring(w, "step3", NOW - dt.timedelta(minutes=5)),
            "supplement": _bring(w, "supplement", NOW - dt.timedelta(minutes=5)),
            "resolved": _bring(w, "resolved", NOW - dt.timedelta(minutes=5)),
        }
        with time_machine.travel(NOW - dt.timedelta(minutes=4), tick=False):
            for key, handler in (("late_step2", w.staff[R.SPECIALIST]), ("step2", cls.specialist2)):
                dossier_act(code=cls.d[key].code, action=A.ASSIGN, by=head, handler=handler)
            # Another agency (a ward below the province): processing at its step 1.
            elsewhere = w.receive(by=w.other_staff[R.RECEPTION_OFFICER], agency=w.other)
            dossier_act(
                code=elsewhere.code, action=A.TRANSFER, by=w.other_staff[R.RECEPTION_OFFICER]
            )
        cls.d["elsewhere"] = elsewhere
        for dossier in cls.d.values():
            dossier.refresh_from_db()

    def setUp(self) -> None:
        self.traveller = time_machine.travel(NOW, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def watch(self, user: User) -> Watch:
        watch = watch_for(user=user)
        assert watch is not None
        return watch

    def codes(self, watch: Watch, q: object) -> set[str]:
        return set(oversight_dossiers(watch=watch, q=q).values_list("code", flat=True))  # type: ignore[arg-type]

    def row(self, watch: Watch, by: By, key: int) -> dict[Lateness, int]:
        for row in oversight_table(watch=watch, by=by):
            if row.key == key:
                return row.counts
        raise AssertionError(f"no row {key} in {by}")

    # --- counts and lists ---------------------------------------------------------------

    def test_every_cell_equals_the_length_of_its_list(self) -> None:
        w = self.world
        users = [w.staff[R.DIVISION_HEAD], w.staff[R.AGENCY_LEADER], self.supervisor]
        users.append(w.other_staff[R.DIVISION_HEAD])
        nonempty = 0  # cells with dossiers: an empty world would prove nothing
        for moment in (NOW, NOW + dt.timedelta(days=7)):
            with time_machine.travel(moment, tick=False):
                for user in users:
                    watch = self.watch(user)
                    everything = oversight_dossiers(watch=watch).count()
                    for by in By:
                        table = oversight_table(watch=watch, by=by)
                        self.assertEqual(sum(r.total for r in table), everything)
                        for row in table:
                            for lateness in [*Lateness, None]:
                                with self.subTest(user=user.username, by=by, row=row.label):
                                    listed = oversight_dossiers(
                                        watch=watch, q=cell_q(watch, by, row.key, lateness)
                                    )
                                    expected = (
                                        row.total if lateness is None else row.counts[lateness]
                                    )
                                    self.assertEqual(expected, len(list(listed)))
                                    nonempty += expected > 0
        self.assertGreater(nonempty, 10)

    def test_every_number_on_the_page_links_to_a_list_of_that_length(self) -> None:
        self.client.force_login(self.world.staff[R.DIVISION_HEAD])
        response = self.client.get(reverse("workspace:oversight"))
        self.assertEqual(response.status_code, 200)
        checked = 0
        for table in response.context["tables"]:
            for line in table["rows"]:
                links = [(n, url) for _l, n, url in line["cells"]]
                links.append((line["row"].total, line["total_url"]))
                for n, url in links:
                    listed = self.client.get(url)
                    self.assertEqual(listed.status_code, 200)
                    self.assertEqual(listed.context["count"], n, url)
                    self.assertEqual(len(listed.context["page"].object_list), min(n, 25))
                    checked += 1
                    if n:
                        self.assertContains(response, f'href="{url.replace("&", "&amp;")}"')
        self.assertGreater(checked, 10)

    def test_by_step_with_lateness(self) -> None:
        watch = self.watch(self.world.staff[R.DIVISION_HEAD])
        steps = self.world.steps
        L = Lateness
        self.assertEqual(
            self.row(watch, By.STEP, steps[1].pk), {L.ON_TIME: 1, L.DUE_SOON: 1, L.OVERDUE: 1}
        )
        self.assertEqual(
            self.row(watch, By.STEP, steps[0].pk), {L.ON_TIME: 0, L.DUE_SOON: 0, L.OVERDUE: 1}
        )
        self.assertEqual(
            self.row(watch, By.STEP, NONE_KEY), {L.ON_TIME: 1, L.DUE_SOON: 0, L.OVERDUE: 0}
        )
        self.assertEqual(
            self.codes(watch, cell_q(watch, By.STEP, steps[1].pk, L.OVERDUE)),
            {self.d["late_step2"].code},
        )
        # Paused (awaiting a supplement) and finished dossiers are not counted.
        everything = self.codes(watch, None)
        self.assertNotIn(self.d["supplement"].code, everything)
        self.assertNotIn(self.d["resolved"].code, everything)
        # Steps come in workflow order, the one-stop's (no step yet) first.
        keys = [r.key for r in oversight_table(watch=watch, by=By.STEP)]
        self.assertEqual(keys, [NONE_KEY, *(s.pk for s in steps)])

    def test_by_officer_with_lateness(self) -> None:
        w = self.world
        watch = self.watch(w.staff[R.DIVISION_HEAD])
        L = Lateness
        specialist = w.staff[R.SPECIALIST]
        self.assertEqual(
            self.row(watch, By.OFFICER, specialist.pk), {L.ON_TIME: 0, L.DUE_SOON: 0, L.OVERDUE: 1}
        )
        self.assertEqual(
            self.row(watch, By.OFFICER, self.specialist2.pk),
            {L.ON_TIME: 1, L.DUE_SOON: 0, L.OVERDUE: 0},
        )
        self.assertEqual(
            self.codes(watch, cell_q(watch, By.OFFICER, NONE_KEY, None)),
            {
                self.d[k].code
                for k in ("received", "late_step1", "soon_step2", "soon_last", "step3")
            },
        )
        # The officer with the most overdue dossiers comes first.
        self.assertEqual(oversight_table(watch=watch, by=By.OFFICER)[0].key, specialist.pk)

    def test_the_daily_at_risk_list(self) -> None:
        watch = self.watch(self.world.staff[R.AGENCY_LEADER])
        # Due within one working day; the one at the last step (the clerk's) is not at risk.
        self.assertEqual(self.codes(watch, at_risk_q(watch)), {self.d["soon_step2"].code})
        self.assertEqual(
            self.codes(watch, cell_q(watch, By.STEP, self.world.steps[3].pk, Lateness.DUE_SOON)),
            {self.d["soon_last"].code},
        )
        self.client.force_login(self.world.staff[R.AGENCY_LEADER])
        home = self.client.get(reverse("workspace:oversight"))
        self.assertEqual(home.context["at_risk"], 1)
        response = self.client.get(reverse("workspace:oversight-at-risk"))
        self.assertContains(response, "Hồ sơ có nguy cơ trễ hạn hôm nay")
        self.assertContains(response, self.d["soon_step2"].code)
        self.assertNotContains(response, self.d["soon_last"].code)
        self.assertEqual(response.context["count"], 1)

    def test_due_soon_and_overdue_mean_what_they_mean_on_the_staff_home(self) -> None:
        head = self.world.staff[R.DIVISION_HEAD]
        for moment in (NOW, NOW + dt.timedelta(days=5)):
            with time_machine.travel(moment, tick=False):
                watch = self.watch(head)
                desk = desk_for(user=head)
                for lateness, queue in (
                    (Lateness.DUE_SOON, Queue.DUE_SOON),
                    (Lateness.OVERDUE, Queue.OVERDUE),
                ):
                    with self.subTest(at=moment, lateness=lateness):
                        listed = self.codes(watch, lateness_q(watch, lateness))
                        home = set(
                            queue_dossiers(desk=desk, queue=queue).values_list("code", flat=True)
                        )
                        self.assertEqual(listed, home)
        self.assertEqual(
            self.codes(self.watch(head), lateness_q(self.watch(head), Lateness.OVERDUE)),
            {self.d["late_step1"].code, self.d["late_step2"].code},
        )

    # --- who sees what --------------------------------------------------------------------

    def test_units_and_subtree(self) -> None:
        w = self.world
        elsewhere = self.d["elsewhere"].code
        head = self.watch(w.staff[R.DIVISION_HEAD])
        self.assertNotIn(elsewhere, self.codes(head, None))
        self.assertFalse(head.read_only)
        # The province's supervisor and leader see the ward's dossiers too.
        for user in (self.supervisor, w.staff[R.AGENCY_LEADER]):
            self.assertIn(elsewhere, self.codes(self.watch(user), None))
        # The ward's head sees only the ward's.
        self.assertEqual(self.codes(self.watch(w.other_staff[R.DIVISION_HEAD]), None), {elsewhere})
        self.assertTrue(self.watch(self.supervisor).read_only)
        self.assertIsNone(watch_for(user=w.staff[R.SPECIALIST]))

    def test_the_staff_home_links_to_oversight_only_for_overseers(self) -> None:
        url = reverse("workspace:oversight")
        for user, shown in (
            (self.world.staff[R.DIVISION_HEAD], True),
            (self.supervisor, True),
            (self.world.staff[R.SPECIALIST], False),
        ):
            self.client.force_login(user)
            home = self.client.get(reverse("workspace:home"))
            self.assertEqual(f'href="{url}"' in home.content.decode(), shown, user.username)

    def test_officials_without_an_overseeing_role_get_403(self) -> None:
        url = reverse("workspace:oversight")
        self.assertEqual(self.client.get(url).status_code, 302)
        for user in (self.world.staff[R.SPECIALIST], self.world.staff[R.RECEPTION_OFFICER]):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(
                self.client.get(reverse("workspace:oversight-at-risk")).status_code, 403
            )
        self.client.force_login(UserFactory())
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_a_bad_cell_is_404(self) -> None:
        self.client.force_login(self.world.staff[R.DIVISION_HEAD])
        url = reverse("workspace:oversight-list")
        for query in (
            {},
            {"theo": "buoc"},
            {"theo": "x", "nhom": "1"},
            {"theo": "buoc", "nhom": "a"},
        ):
            self.assertEqual(self.client.get(url, query).status_code, 404, query)
        bad = {"theo": "buoc", "nhom": "1", "muc": "x"}
        self.assertEqual(self.client.get(url, bad).status_code, 404)

    # --- reassigning ----------------------------------------------------------------------

    def test_a_head_reassigns_to_another_officer_of_the_step(self) -> None:
        w = self.world
        head = w.staff[R.DIVISION_HEAD]
        dossier = self.d["late_step2"]
        self.assertEqual(
            {u.pk for u in assign_candidates(dossier=dossier)},
            {w.staff[R.SPECIALIST].pk, self.specialist2.pk},
        )
        self.client.force_login(head)
        listing = reverse("workspace:oversight-list") + f"?theo=buoc&nhom={w.steps[1].pk}"
        page = self.client.get(listing)
        url = reverse("workspace:oversight-reassign", args=[dossier.code])
        self.assertContains(page, url)
        form = self.client.get(url)
        self.assertContains(form, self.specialist2.username)
        self.assertNotContains(form, f'value="{w.staff[R.CLERK].username}"')
        response = self.client.post(
            url, {"handler": self.specialist2.username, "note": "Cân đối việc", "tiep": listing}
        )
        self.assertRedirects(response, listing)
        dossier.refresh_from_db()
        self.assertEqual(dossier.handler, self.specialist2)
        last = dossier.events.order_by("-seq").first()
        assert last is not None
        self.assertEqual(
            (last.action, last.actor, last.to_handler, last.note),
            (A.ASSIGN, head, self.specialist2, "Cân đối việc"),
        )
        # The new handler acts at the step; the former one no longer may.
        with self.assertRaises(PermissionDenied):
            dossier_act(code=dossier.code, action=A.FORWARD, by=w.staff[R.SPECIALIST])
        dossier_act(code=dossier.code, action=A.FORWARD, by=self.specialist2)

    def test_a_wrong_officer_is_refused_next_to_the_field_and_the_note_kept(self) -> None:
        w = self.world
        dossier = self.d["late_step2"]
        self.client.force_login(w.staff[R.AGENCY_LEADER])
        url = reverse("workspace:oversight-reassign", args=[dossier.code])
        response = self.client.post(url, {"handler": w.staff[R.CLERK].username, "note": "Giao gấp"})
        self.assertContains(
            response, "Cán bộ được giao không có vai trò của bước xử lý này.", status_code=400
        )
        self.assertContains(response, "Giao gấp", status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        response = self.client.post(url, {"handler": "", "note": "Giao gấp"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'role="alert"', status_code=400)
        dossier.refresh_from_db()
        self.assertEqual(dossier.handler, w.staff[R.SPECIALIST])

    def test_supervisors_are_read_only(self) -> None:
        w = self.world
        dossier = self.d["late_step2"]
        self.client.force_login(self.supervisor)
        page = self.client.get(
            reverse("workspace:oversight-list") + f"?theo=buoc&nhom={w.steps[1].pk}"
        )
        self.assertContains(page, dossier.code)
        self.assertNotContains(page, "giao-lai")
        url = reverse("workspace:oversight-reassign", args=[dossier.code])
        self.assertEqual(self.client.get(url).status_code, 403)
        post = self.client.post(url, {"handler": self.specialist2.username})
        self.assertEqual(post.status_code, 403)
        dossier.refresh_from_db()
        self.assertEqual(dossier.handler, w.staff[R.SPECIALIST])
        # The engine refuses them too.
        with self.assertRaises(PermissionDenied):
            dossier_act(
                code=dossier.code, action=A.ASSIGN, by=self.supervisor, handler=self.specialist2
            )

    def test_a_leader_reassigns_only_in_their_own_agency(self) -> None:
        w = self.world
        leader = w.staff[R.AGENCY_LEADER]
        elsewhere = self.d["elsewhere"]
        self.client.force_login(leader)
        url = reverse("workspace:oversight-reassign", args=[elsewhere.code])
        self.assertEqual(self.client.post(url, {"handler": "x"}).status_code, 403)
        with self.assertRaises(PermissionDenied):
            dossier_act(
                code=elsewhere.code,
                action=A.ASSIGN,
                by=leader,
                handler=w.other_staff[R.DIVISION_HEAD],
            )
        # Not processing yet (at the one-stop): nothing to reassign.
        received = reverse("workspace:oversight-reassign", args=[self.d["received"].code])
        self.assertEqual(self.client.get(received).status_code, 403)

    # --- queries --------------------------------------------------------------------------

    def test_pages_run_a_fixed_number_of_queries(self) -> None:
        w = self.world
        head = w.staff[R.DIVISION_HEAD]
        self.client.force_login(head)
        urls = [
            reverse("workspace:oversight"),
            reverse("workspace:oversight-list") + f"?theo=buoc&nhom={w.steps[1].pk}",
            reverse("workspace:oversight-list") + f"?theo=can-bo&nhom={NONE_KEY}",
            reverse("workspace:oversight-at-risk"),
        ]
        before = {}
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url).status_code, 200)
            before[url] = len(captured.captured_queries)
        # Thirty more dossiers at step 2, due soon, with new officers and handlers.
        for _ in range(30):
            dossier = _bring(w, "step2", SIX_DAYS_AGO)
            officer = MembershipFactory(agency=w.center, role=R.SPECIALIST).user
            dossier_act(code=dossier.code, action=A.ASSIGN, by=head, handler=officer)
        for url in urls:
            with self.subTest(url=url), self.assertNumQueries(before[url]):
                response = self.client.get(url)
        table = oversight_table(watch=self.watch(head), by=By.OFFICER)
        self.assertGreater(len(table), 30)
        self.assertEqual(len(response.context["page"].object_list), 25)
        self.assertContains(response, "Trang 1/2")
