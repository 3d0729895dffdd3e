"""The citizen's notification page: their own in-app notices, read and unread."""

from __future__ import annotations

from django.urls import reverse

import time_machine

from motcua.accounts.tests.factories import UserFactory
from motcua.notifications.constants import NotificationChannel
from motcua.notifications.models import Notification
from motcua.notifications.selectors import notification_list, notification_unread_count

from .base import NOW, A, NotificationTestCase, R


class NotificationPageTests(NotificationTestCase):
    def setUp(self) -> None:
        with time_machine.travel(NOW, tick=False):
            self.dossier = self.receive()
            self.act(self.dossier, A.STOP, R.RECEPTION_OFFICER, reason="Trùng hồ sơ")
        self.client.force_login(self.citizen)

    def test_it_needs_a_signed_in_user(self) -> None:
        self.client.logout()
        response = self.client.get(reverse("notifications:list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])

    def test_it_lists_the_users_notices_newest_first_with_the_unread_count(self) -> None:
        response = self.client.get(reverse("notifications:list"))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Có 2 thông báo chưa đọc.", page)
        stopped = page.index("Hồ sơ bị dừng xử lý")
        received = page.index("Hồ sơ đã được tiếp nhận")
        self.assertLess(stopped, received)
        self.assertIn("Lý do: Trùng hồ sơ", page)
        self.assertIn(f"/tra-cuu/?code={self.dossier.code}&amp;key={self.dossier.lookup_key}", page)

    def test_another_user_sees_none_of_them_and_cannot_mark_them(self) -> None:
        other = UserFactory()
        self.client.force_login(other)
        page = self.client.get(reverse("notifications:list")).content.decode()
        self.assertIn("Ông/Bà chưa có thông báo nào.", page)
        notice = Notification.objects.filter(user=self.citizen).first()
        assert notice is not None
        response = self.client.post(reverse("notifications:read", args=[notice.pk]))
        self.assertEqual(response.status_code, 404)
        notice.refresh_from_db()
        self.assertIsNone(notice.read_at)

    def test_marking_one_then_all_as_read(self) -> None:
        newest, oldest = notification_list(user=self.citizen)
        response = self.client.post(reverse("notifications:read", args=[newest.pk]))
        self.assertRedirects(response, reverse("notifications:list") + f"#thong-bao-{newest.pk}")
        self.assertEqual(notification_unread_count(user=self.citizen), 1)
        self.assertEqual(list(notification_list(user=self.citizen, unread_only=True)), [oldest])
        response = self.client.post(reverse("notifications:read-all"), follow=True)
        self.assertContains(response, "Đã đánh dấu 1 thông báo là đã đọc.")
        self.assertEqual(notification_unread_count(user=self.citizen), 0)

    def test_the_page_renders_with_a_fixed_number_of_queries(self) -> None:
        url = reverse("notifications:list")
        self.client.get(url)  # warm caches (session, user)
        with self.assertNumQueries(5) as first:
            self.client.get(url)
        with time_machine.travel(NOW, tick=False):
            for _ in range(3):
                self.receive()
        # Fixed: session, user, page count, the page with dossiers joined, unread count.
        # More means an N+1: check select_related("dossier") in notification_list.
        with self.assertNumQueries(len(first.captured_queries)):
            response = self.client.get(url)
        self.assertContains(response, "Có 5 thông báo chưa đọc.")
        self.assertEqual(
            Notification.objects.filter(
                user=self.citizen, channel=NotificationChannel.IN_APP
            ).count(),
            5,
        )
