"""The staff workspace (gh-6 items 1–2): queues, counts, lists, the dossier page, actions.

The clock is frozen on Tue 10/03/2026 09:00 in Huế (an ordinary working week);
staff are demo accounts with ``MOTCUA_DEMO`` on, so the second factor is skipped.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import time_machine

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.calendars.selectors import work_calendar_for, working_time_left
from motcua.calendars.workingtime import add_working_time
from motcua.dossiers.constants import Channel, DossierStatus, EventAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import PartyData
from motcua.dossiers.tests.factories import DossierDocumentFactory
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.dossiers.tests.test_transitions import bring
from motcua.organisations.constants import Role
from motcua.workspace.selectors import (
    Filters,
    Queue,
    desk_for,
    queue_counts,
    queue_dossiers,
)

R = Role
S = DossierStatus
NOW = vn(2026, 3, 10, 9)
OTHER_OWNER = PartyData(full_name="Trần Văn Bình", identity_number="046090001111")


def _demo(world: World) -> None:
    users = [*world.staff.values(), *world.other_staff.values()]
    User.objects.filter(pk__in=[u.pk for u in users]).update(is_demo=True)
    for user in users:
        user.is_demo = True


@override_settings(MOTCUA_DEMO=True)
class WorkspaceTests(TestCase):
    world: World
    dossiers: dict[str, Dossier]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        _demo(cls.world)
        with time_machine.travel(NOW, tick=False):
            cls.dossiers = {
                state: bring(cls.world, state)
                for state in ("submitted", "received", "step2", "supplement", "payment", "resolved")
            }
            cls.dossiers["binh"] = cls.world.receive(owner=OTHER_OWNER)
            cls.dossiers["elsewhere"] = cls.world.receive(
                by=cls.world.other_staff[R.RECEPTION_OFFICER], agency=cls.world.other
            )

    def setUp(self) -> None:
        self.traveller = time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def codes(self, user: User, queue: Queue, filters: Filters | None = None) -> set[str]:
        desk = desk_for(user=user)
        return set(
            queue_dossiers(desk=desk, queue=queue, filters=filters).values_list("code", flat=True)
        )

    # --- queues and counts -------------------------------------------------------------

    def test_every_count_equals_the_length_of_its_list(self) -> None:
        filters = [Filters(), Filters(channel=Channel.COUNTER), Filters(q="nguyen thi hoa")]
        for moment in (NOW, NOW + dt.timedelta(days=30)):
            with time_machine.travel(moment, tick=False):
                for user in [*self.world.staff.values(), self.world.other_staff[R.SPECIALIST]]:
                    desk = desk_for(user=user)
                    for f in filters:
                        counts = queue_counts(desk=desk, filters=f)
                        for queue in Queue:
                            with self.subTest(user=user.username, queue=queue, f=f, at=moment):
                                listed = queue_dossiers(desk=desk, queue=queue, filters=f)
                                self.assertEqual(counts[queue], len(list(listed)))

    def test_queues_hold_the_work_of_each_role(self) -> None:
        d = self.dossiers
        w = self.world
        self.assertEqual(
            self.codes(w.staff[R.RECEPTION_OFFICER], Queue.TO_CHECK), {d["submitted"].code}
        )
        self.assertEqual(self.codes(w.staff[R.SPECIALIST], Queue.MY_STEP), {d["step2"].code})
        self.assertEqual(
            self.codes(w.staff[R.RECEPTION_OFFICER], Queue.MY_STEP),
            {d["received"].code, d["binh"].code},
        )
        self.assertEqual(self.codes(w.staff[R.SPECIALIST], Queue.TO_CHECK), set())
        self.assertEqual(self.codes(w.staff[R.CLERK], Queue.SUPPLEMENT), {d["supplement"].code})
        self.assertEqual(self.codes(w.staff[R.CLERK], Queue.PAYMENT), {d["payment"].code})
        self.assertEqual(self.codes(w.staff[R.CLERK], Queue.TO_RETURN), {d["resolved"].code})
        # Another agency's dossier is in nobody's queue here, and theirs holds only it.
        for queue in Queue:
            self.assertNotIn(d["elsewhere"].code, self.codes(w.staff[R.AGENCY_LEADER], queue))
        self.assertEqual(
            self.codes(w.other_staff[R.RECEPTION_OFFICER], Queue.MY_STEP), {d["elsewhere"].code}
        )

    def test_due_soon_and_overdue_follow_working_time(self) -> None:
        leader = self.world.staff[R.AGENCY_LEADER]
        self.assertEqual(self.codes(leader, Queue.OVERDUE), set())
        due = self.dossiers["received"].due_at
        assert due is not None
        # Half a working day before the appointment: due soon, not yet overdue.
        cal = work_calendar_for(agency=self.world.center)
        before = add_working_time(due - dt.timedelta(hours=4), dt.timedelta(0), cal)
        with time_machine.travel(before, tick=False):
            self.assertIn(self.dossiers["received"].code, self.codes(leader, Queue.DUE_SOON))
            self.assertNotIn(self.dossiers["received"].code, self.codes(leader, Queue.OVERDUE))
        with time_machine.travel(due + dt.timedelta(hours=1), tick=False):
            self.assertIn(self.dossiers["received"].code, self.codes(leader, Queue.OVERDUE))
            self.assertNotIn(self.dossiers["received"].code, self.codes(leader, Queue.DUE_SOON))
            # Paused and finished dossiers are never late.
            self.assertNotIn(self.dossiers["supplement"].code, self.codes(leader, Queue.OVERDUE))
            self.assertNotIn(self.dossiers["resolved"].code, self.codes(leader, Queue.OVERDUE))

    def test_search_by_name_without_diacritics_identity_number_and_code(self) -> None:
        reception = self.world.staff[R.RECEPTION_OFFICER]
        binh = self.dossiers["binh"].code
        received = self.dossiers["received"].code
        self.assertEqual(self.codes(reception, Queue.MY_STEP), {binh, received})
        for text in ("tran van binh", "Trần Văn Bình", "VAN BINH", "046090001111", binh[-6:]):
            with self.subTest(text=text):
                self.assertEqual(self.codes(reception, Queue.MY_STEP, Filters(q=text)), {binh})
        # The owner of the other one, found by a name typed without diacritics.
        self.assertEqual(
            self.codes(reception, Queue.MY_STEP, Filters(q="nguyễn thi HOA")), {received}
        )
        # A partial identity number does not match (it is a personal identifier).
        self.assertEqual(self.codes(reception, Queue.MY_STEP, Filters(q="04609000")), set())

    def test_filters_by_channel_procedure_and_agency(self) -> None:
        reception = self.world.staff[R.RECEPTION_OFFICER]
        submitted = self.dossiers["submitted"].code
        self.assertEqual(
            self.codes(reception, Queue.TO_CHECK, Filters(channel=Channel.ONLINE)), {submitted}
        )
        self.assertEqual(
            self.codes(reception, Queue.TO_CHECK, Filters(channel=Channel.COUNTER)), set()
        )
        self.assertEqual(
            self.codes(reception, Queue.TO_CHECK, Filters(procedure=self.world.code)), {submitted}
        )
        self.assertEqual(
            self.codes(reception, Queue.TO_CHECK, Filters(procedure="9.999999")), set()
        )
        self.assertEqual(
            self.codes(reception, Queue.TO_CHECK, Filters(agency=self.world.center.code)),
            {submitted},
        )
        self.assertEqual(
            self.codes(reception, Queue.TO_CHECK, Filters(agency=self.world.other.code)), set()
        )

    # --- pages -----------------------------------------------------------------------------

    def test_home_shows_counts_and_the_list_sorted_by_deadline(self) -> None:
        self.client.force_login(self.world.staff[R.AGENCY_LEADER])
        response = self.client.get(reverse("workspace:queue", args=[Queue.DUE_SOON.value]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Đến hạn trong 1 ngày làm việc")
        rows = list(response.context["page"].object_list)
        dues = [r.due_at for r in rows]
        self.assertEqual(dues, sorted(dues))
        self.assertEqual(len(rows), response.context["count"])

    def test_home_links_only_to_the_tools_the_officials_roles_open(self) -> None:
        links = {
            "reception": reverse("workspace:reception"),
            "return": reverse("workspace:counter-find"),
            "oversight": reverse("workspace:oversight"),
        }
        expected = {
            R.RECEPTION_OFFICER: {"reception", "return"},
            R.SPECIALIST: set(),
            R.AGENCY_LEADER: {"oversight"},
        }
        for role, shown in expected.items():
            with self.subTest(role=role):
                self.client.force_login(self.world.staff[role])
                page = self.client.get(reverse("workspace:home")).content.decode()
                self.assertEqual(
                    {name for name, url in links.items() if f'href="{url}"' in page}, shown
                )

    def test_home_filters_from_the_query_string(self) -> None:
        self.client.force_login(self.world.staff[R.RECEPTION_OFFICER])
        url = reverse("workspace:queue", args=[Queue.TO_CHECK.value])
        self.assertContains(
            self.client.get(url, {"kenh": "", "channel": "2"}), self.dossiers["submitted"].code
        )
        self.assertNotContains(
            self.client.get(url, {"channel": "1"}), self.dossiers["submitted"].code
        )
        self.assertNotContains(
            self.client.get(url, {"q": "tran van binh"}), self.dossiers["submitted"].code
        )

    def test_a_list_page_runs_the_same_number_of_queries_for_1_and_30_dossiers(self) -> None:
        reception = self.world.staff[R.RECEPTION_OFFICER]
        self.client.force_login(reception)
        url = reverse("workspace:queue", args=[Queue.TO_CHECK.value])
        with CaptureQueriesContext(connection) as one:
            response = self.client.get(url)
        self.assertEqual(len(response.context["page"].object_list), 1)
        for _ in range(29):
            self.world.submit_online()
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(url)
        self.assertEqual(len(response.context["page"].object_list), 25)
        self.assertEqual(response.context["count"], 30)

    def test_citizens_get_403_and_anonymous_visitors_sign_in(self) -> None:
        url = reverse("workspace:home")
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(UserFactory())
        self.assertEqual(self.client.get(url).status_code, 403)
        page = reverse("workspace:dossier", args=[self.dossiers["step2"].code])
        self.assertEqual(self.client.get(page).status_code, 403)

    def test_the_dossier_page_shows_the_file_and_only_the_allowed_actions(self) -> None:
        d = self.dossiers["step2"]
        self.client.force_login(self.world.staff[R.SPECIALIST])
        response = self.client.get(reverse("workspace:dossier", args=[d.code]))
        self.assertEqual(response.status_code, 200)
        for text in (
            "Nguyễn Thị Hoa",
            "046190000123",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)",
            "Lịch sử xử lý",
            "Lệ phí cấp bản sao",
            "Thẩm định",
        ):
            self.assertContains(response, text)
        slugs = [f.slug for f in response.context["page"].actions]
        self.assertIn(EventAction.FORWARD.value, slugs)
        self.assertIn(EventAction.REQUEST_SUPPLEMENT.value, slugs)
        self.assertNotIn(EventAction.APPROVE.value, slugs)
        self.assertNotIn(EventAction.ACCEPT.value, slugs)
        self.assertContains(response, reverse("workspace:action", args=[d.code, "forward"]))
        # The deadlines of the dossier and of the step, with the working time left.
        page = response.context["page"]
        self.assertTrue(page.due_left.startswith("còn "), page.due_left)
        self.assertTrue(page.step_due_left.startswith("còn "), page.step_due_left)
        self.assertContains(response, page.step_due_left)
        # The one-stop officer sees the same dossier without the specialist's actions.
        self.client.force_login(self.world.staff[R.RECEPTION_OFFICER])
        response = self.client.get(reverse("workspace:dossier", args=[d.code]))
        self.assertNotIn("forward", [f.slug for f in response.context["page"].actions])

    def test_an_action_posted_moves_the_dossier_on(self) -> None:
        d = self.dossiers["step2"]
        self.client.force_login(self.world.staff[R.SPECIALIST])
        url = reverse("workspace:action", args=[d.code, "forward"])
        response = self.client.post(url, {"note": "Hồ sơ đủ điều kiện"})
        self.assertRedirects(response, reverse("workspace:dossier", args=[d.code]))
        d.refresh_from_db()
        self.assertEqual(d.current_step, self.world.steps[2])
        last = d.events.order_by("-seq").first()
        assert last is not None
        self.assertEqual((last.action, last.note), (EventAction.FORWARD, "Hồ sơ đủ điều kiện"))

    def test_field_errors_show_next_to_fields_and_keep_what_was_typed(self) -> None:
        d = self.dossiers["step2"]
        self.client.force_login(self.world.staff[R.SPECIALIST])
        url = reverse("workspace:action", args=[d.code, "request_supplement"])
        response = self.client.post(url, {"items": "", "reason": "Thiếu bản sao có chứng thực"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Cần nêu ít nhất một nội dung cần bổ sung.", status_code=400)
        self.assertContains(response, "Thiếu bản sao có chứng thực", status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        d.refresh_from_db()
        self.assertEqual(d.status, S.PROCESSING)

    def test_an_action_not_possible_now_says_the_current_status(self) -> None:
        d = self.dossiers["received"]
        self.client.force_login(self.world.staff[R.RECEPTION_OFFICER])
        response = self.client.post(reverse("workspace:action", args=[d.code, "accept"]), {})
        self.assertContains(
            response,
            "Không thể “Tiếp nhận hồ sơ trực tuyến” khi hồ sơ đang ở trạng thái “Được tiếp nhận”.",
            status_code=400,
        )

    def test_an_action_of_another_role_is_refused_with_a_message(self) -> None:
        d = self.dossiers["step2"]
        self.client.force_login(self.world.staff[R.RECEPTION_OFFICER])
        response = self.client.post(
            reverse("workspace:action", args=[d.code, "forward"]), {"note": "Chuyển"}
        )
        self.assertContains(
            response,
            "Bạn không có quyền “Chuyển bước tiếp theo” đối với hồ sơ này.",
            status_code=400,
        )
        d.refresh_from_db()
        self.assertEqual(d.current_step, self.world.steps[1])

    def test_an_unknown_queue_or_action_is_404(self) -> None:
        self.client.force_login(self.world.staff[R.SPECIALIST])
        self.assertEqual(self.client.get("/can-bo/viec/khong-co/").status_code, 404)
        url = reverse("workspace:action", args=[self.dossiers["step2"].code, "bay"])
        self.assertEqual(self.client.post(url, {}).status_code, 404)

    def test_another_agencys_official_gets_404(self) -> None:
        d = self.dossiers["step2"]
        self.client.force_login(self.world.other_staff[R.AGENCY_LEADER])
        self.assertEqual(
            self.client.get(reverse("workspace:dossier", args=[d.code])).status_code, 404
        )
        response = self.client.post(reverse("workspace:action", args=[d.code, "forward"]), {})
        self.assertEqual(response.status_code, 404)

    def test_documents_are_previewed_inline_only_for_staff_who_may_see_them(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-workspace-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        with override_settings(MEDIA_ROOT=media):
            doc = DossierDocumentFactory(dossier=self.dossiers["step2"], name="Tờ khai")
            url = reverse("workspace:document", args=[doc.dossier.code, doc.pk])
            self.client.force_login(self.world.staff[R.SPECIALIST])
            page = self.client.get(reverse("workspace:dossier", args=[doc.dossier.code]))
            self.assertContains(page, f'<iframe class="ws-preview" src="{url}"')
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response["Content-Disposition"].startswith("inline"))
            self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
            self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.7\n%%EOF\n")  # type: ignore[arg-type]
            self.client.force_login(self.world.other_staff[R.SPECIALIST])
            self.assertEqual(self.client.get(url).status_code, 404)
            self.client.force_login(UserFactory())
            self.assertEqual(self.client.get(url).status_code, 403)


class TimeLeftTests(TestCase):
    def test_time_left_in_working_days_and_hours(self) -> None:
        world = make_world()
        cal = work_calendar_for(agency=world.center)
        due = add_working_time(NOW, dt.timedelta(hours=11), cal)
        self.assertEqual(
            working_time_left(due=due, agency=world.center, now=NOW), "còn 1 ngày 3 giờ"
        )
        late = add_working_time(NOW, dt.timedelta(hours=2), cal)
        self.assertEqual(working_time_left(due=NOW, agency=world.center, now=late), "quá 2 giờ")
        self.assertEqual(working_time_left(due=None, agency=world.center, now=NOW), "")
