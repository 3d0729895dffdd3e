"""A citizen rates a dossier after the result is returned (gh-5 item 11; domain.md §8.2)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings, tag
from django.urls import reverse

import time_machine

from motcua.accounts.tests.factories import StaffFactory, UserFactory
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.constants import EventAction as A
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import Role as R
from motcua.ratings.constants import RatingChannel, Satisfaction
from motcua.ratings.models import Rating
from motcua.ratings.services import RatingRefused, rating_change, rating_submit

from .helpers import dossier_for

NOW = vn(2026, 3, 10, 9)  # Tue 10/03/2026 09:00, an ordinary working week


@tag("gh-5")
class RatingTests(TestCase):
    def setUp(self) -> None:
        self.clock = self.enterContext(time_machine.travel(NOW, tick=False))
        self.world = make_world()
        self.citizen = UserFactory(full_name="Lê Thị Bình")
        self.dossier = dossier_for(self.world, self.citizen)
        self.url = reverse("portal:dossier-rating", args=[self.dossier.code])
        self.client.force_login(self.citizen)

    def test_it_records_a_rating_from_the_portal_with_the_optional_criteria(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(
            page, "<legend><h2>Bạn có hài lòng với việc giải quyết hồ sơ này không?"
        )
        self.assertContains(page, 'type="radio" name="level" value="very_satisfied"')
        response = self.client.post(
            self.url,
            {"level": "very_satisfied", "c1_time": "2", "c7_attitude": "1", "extra_cost": "no"},
        )
        self.assertRedirects(response, reverse("portal:my-dossier", args=[self.dossier.code]))
        rating = Rating.objects.get(dossier=self.dossier)
        self.assertEqual(rating.level, Satisfaction.VERY_SATISFIED)
        self.assertEqual((rating.c1_time, rating.c7_attitude, rating.c3_contacts), (2, 1, None))
        self.assertIs(rating.extra_cost, False)
        self.assertEqual(rating.rater, self.citizen)
        self.assertEqual(rating.channel, RatingChannel.PORTAL)
        # The rated unit is the competent agency; the rated officer returned the result.
        self.assertEqual(rating.agency, self.dossier.competent_agency)
        self.assertEqual(rating.officer, self.world.staff[R.RECEPTION_OFFICER])
        dossier_page = self.client.get(reverse("portal:my-dossier", args=[self.dossier.code]))
        self.assertContains(dossier_page, "Bạn đã đánh giá: Rất hài lòng.")
        self.assertContains(dossier_page, "Sửa đánh giá")

    def test_it_requires_a_reason_when_not_satisfied_and_keeps_every_answer(self) -> None:
        response = self.client.post(
            self.url, {"level": "not_satisfied", "reason": "  ", "c3_contacts": "0"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Hãy cho biết lý do bạn không hài lòng", count=2, status_code=400
        )  # in the summary and next to the field
        # What the citizen chose is still chosen.
        self.assertContains(
            response, 'value="not_satisfied" id="id_level_2" checked', status_code=400
        )
        self.assertContains(response, 'value="0" id="id_c3_contacts_2" checked', status_code=400)
        self.assertFalse(Rating.objects.exists())
        with self.assertRaises(RatingRefused.__mro__[1]):  # ValidationError keyed "reason"
            rating_submit(user=self.citizen, code=self.dossier.code, level="not_satisfied")

    def test_a_missing_level_is_named_and_the_typed_reason_stays(self) -> None:
        response = self.client.post(self.url, {"reason": "Cán bộ hướng dẫn rất kỹ", "c1_time": "1"})
        self.assertContains(response, "Hãy chọn mức độ hài lòng của bạn.", count=2, status_code=400)
        self.assertContains(response, ">Cán bộ hướng dẫn rất kỹ</textarea>", status_code=400)
        self.assertContains(response, 'value="1" id="id_c1_time_1" checked', status_code=400)
        self.assertFalse(Rating.objects.exists())

    def test_the_database_refuses_not_satisfied_without_a_reason(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Rating.objects.create(
                dossier=self.dossier,
                level=Satisfaction.NOT_SATISFIED,
                agency=self.dossier.competent_agency,
                created_at=NOW,
            )

    def test_it_is_not_offered_before_the_result_is_returned(self) -> None:
        resolved = dossier_for(self.world, self.citizen, until=A.RETURN_RESULT)
        self.assertEqual(resolved.status, DossierStatus.RESOLVED)
        url = reverse("portal:dossier-rating", args=[resolved.code])
        page = self.client.get(url)
        self.assertContains(page, "Bạn có thể đánh giá sau khi đã nhận kết quả hồ sơ.")
        self.assertNotContains(page, 'name="level"')
        self.assertEqual(self.client.post(url, {"level": "satisfied"}).status_code, 403)
        with self.assertRaisesMessage(RatingRefused, "sau khi đã nhận kết quả"):
            rating_submit(user=self.citizen, code=resolved.code, level="satisfied")
        self.assertFalse(Rating.objects.exists())
        dossier_page = self.client.get(reverse("portal:my-dossier", args=[resolved.code]))
        self.assertNotContains(dossier_page, 'id="danh-gia"')

    def test_the_dossier_page_offers_the_rating_once_returned(self) -> None:
        page = self.client.get(reverse("portal:my-dossier", args=[self.dossier.code]))
        self.assertContains(page, f'href="{self.url}">Đánh giá mức độ hài lòng</a>')

    def test_one_rating_per_dossier(self) -> None:
        rating_submit(user=self.citizen, code=self.dossier.code, level="satisfied")
        with self.assertRaisesMessage(RatingRefused, "đã được đánh giá"):
            rating_submit(user=self.citizen, code=self.dossier.code, level="very_satisfied")
        self.assertEqual(Rating.objects.get().level, Satisfaction.SATISFIED)

    def test_the_rater_changes_it_within_seven_days_then_it_is_read_only(self) -> None:
        self.client.post(self.url, {"level": "satisfied"})
        self.clock.shift(dt.timedelta(days=6, hours=23))
        self.client.force_login(self.citizen)  # a week later: a new session
        page = self.client.get(self.url)
        self.assertContains(page, "bạn có thể sửa đánh giá đến 09:00, 17/03/2026")
        self.assertContains(page, 'value="satisfied" id="id_level_1" checked')
        response = self.client.post(self.url, {"level": "not_satisfied", "reason": "Chờ lâu"})
        self.assertEqual(response.status_code, 302)
        rating = Rating.objects.get()
        self.assertEqual((rating.level, rating.reason), (Satisfaction.NOT_SATISFIED, "Chờ lâu"))
        self.assertEqual(rating.created_at, NOW)  # the window counts from the first rating
        self.clock.shift(dt.timedelta(hours=1))  # exactly 7 days after the first rating
        self.client.force_login(self.citizen)
        page = self.client.get(self.url)
        self.assertContains(page, "thời hạn sửa đã hết lúc 09:00 17/03/2026")
        self.assertNotContains(page, 'name="level"')
        refused = self.client.post(self.url, {"level": "very_satisfied"})
        self.assertContains(refused, "thời hạn sửa đã hết", status_code=403)
        with self.assertRaisesMessage(RatingRefused, "không sửa được nữa"):
            rating_change(user=self.citizen, code=self.dossier.code, level="very_satisfied")
        self.assertEqual(Rating.objects.get().level, Satisfaction.NOT_SATISFIED)

    def test_only_the_dossiers_own_accounts_may_rate(self) -> None:
        stranger = UserFactory()
        self.client.force_login(stranger)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, {"level": "satisfied"}).status_code, 404)
        with self.assertRaisesMessage(RatingRefused, "Không tìm thấy hồ sơ"):
            rating_submit(user=stranger, code=self.dossier.code, level="satisfied")
        with override_settings(MOTCUA_DEMO=True):  # demo staff skip the second factor
            self.client.force_login(StaffFactory(is_demo=True))
            self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertFalse(Rating.objects.exists())

    def test_the_submitter_may_rate_but_not_change_the_owners_rating(self) -> None:
        owner, submitter = UserFactory(), UserFactory()
        dossier = dossier_for(self.world, owner, submitter=submitter)
        rating_submit(user=owner, code=dossier.code, level="very_satisfied")
        with self.assertRaisesMessage(RatingRefused, "Chỉ người đã đánh giá"):
            rating_change(user=submitter, code=dossier.code, level="not_satisfied", reason="x")
        self.client.force_login(submitter)
        page = self.client.get(reverse("portal:dossier-rating", args=[dossier.code]))
        self.assertContains(page, "đã được đánh giá bằng tài khoản khác")
        self.assertNotContains(page, 'name="level"')
        other = dossier_for(self.world, owner, submitter=submitter)
        rating_submit(user=submitter, code=other.code, level="satisfied")  # filed it, may rate it
        self.assertEqual(Rating.objects.get(dossier=other).rater, submitter)
