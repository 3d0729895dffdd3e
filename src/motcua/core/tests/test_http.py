"""The request log names the client's address as the throttles trust it, not a forged one."""

from __future__ import annotations

from typing import Any

from django.test import TestCase, override_settings, tag

import structlog

LOGGER = "django_structlog.middlewares.request"


@tag("gh-4")
class RequestLogAddressTests(TestCase):
    def events(self, **headers: str) -> list[dict[str, Any]]:
        structlog.contextvars.clear_contextvars()
        with self.assertLogs(LOGGER, level="DEBUG") as logs:
            self.client.get("/api/v1/lookup/", {"code": "X", "key": "Y"}, **headers)
        return [
            r.msg
            for r in logs.records
            if isinstance(r.msg, dict) and r.msg.get("event") == "request_finished"
        ]

    @override_settings(MOTCUA_TRUSTED_PROXIES=1)
    def test_behind_one_proxy_the_address_it_saw_not_what_the_client_wrote(self) -> None:
        [line] = self.events(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
        self.assertEqual(line["event"], "request_finished")
        self.assertEqual(line["ip"], "203.0.113.9")
        self.assertEqual(line["code"], 404)

    @override_settings(MOTCUA_TRUSTED_PROXIES=0)
    def test_without_a_proxy_the_socket_address(self) -> None:
        [line] = self.events(HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.7")
        self.assertEqual(line["ip"], "198.51.100.7")
