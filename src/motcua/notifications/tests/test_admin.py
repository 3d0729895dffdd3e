"""Failures are visible to officers in the admin and can be sent again at once (conventions §7)."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

import time_machine
from allauth.mfa.models import Authenticator

from motcua.accounts.tests.factories import UserFactory
from motcua.notifications.constants import NotificationChannel, NotificationStatus
from motcua.notifications.models import Notification

from .base import NOW, NotificationTestCase
from .peers import free_port, smtp_mailers, smtp_server

St = NotificationStatus


class NotificationAdminTests(NotificationTestCase):
    def test_an_officer_finds_a_failed_email_and_sends_it_again(self) -> None:
        with override_settings(MAILERS=smtp_mailers(free_port())), time_machine.travel(NOW):
            dossier = self.receive()
        row = Notification.objects.get(dossier=dossier, channel=NotificationChannel.EMAIL)
        self.assertEqual(row.status, St.FAILED)
        admin = UserFactory(is_staff=True, is_superuser=True)
        # Staff have a second factor (gh-2 item 11); the sign-in itself is tested in accounts.
        Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={})
        self.client.force_login(admin)
        url = reverse("admin:notifications_notification_changelist")
        listing = self.client.get(url, {"status__exact": "failed"})
        self.assertContains(listing, dossier.code)
        detail = self.client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
        self.assertContains(detail, "ConnectionRefusedError")
        with smtp_server() as (inbox, port), override_settings(MAILERS=smtp_mailers(port)):
            self.client.post(
                url, {"action": "retry_now", "_selected_action": [row.pk]}, follow=True
            )
        self.assertEqual(len(inbox.messages), 1)
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), (St.SENT, 2))
