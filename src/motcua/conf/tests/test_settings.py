"""Settings: typed env readers, the embedded default, production's deploy check (gh-2)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from motcua.conf import env

ROOT = Path(__file__).resolve().parents[4]


def run_manage(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a clean process with only the given MOTCUA_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    return subprocess.run(  # noqa: S603 — fixed argv, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**clean, **environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class EnvReaderTests(SimpleTestCase):
    def test_it_reads_booleans_and_refuses_anything_else(self):
        with mock.patch.dict(os.environ, {"MOTCUA_X": "true"}):
            self.assertTrue(env.env_bool("MOTCUA_X", False))
        with mock.patch.dict(os.environ, {"MOTCUA_X": "Off"}):
            self.assertFalse(env.env_bool("MOTCUA_X", True))
        with (
            mock.patch.dict(os.environ, {"MOTCUA_X": "có"}),
            self.assertRaisesMessage(
                ImproperlyConfigured, "MOTCUA_X must be true or false, not 'có'"
            ),
        ):
            env.env_bool("MOTCUA_X", False)

    def test_it_refuses_non_numbers_and_numbers_below_the_minimum(self):
        with (
            mock.patch.dict(os.environ, {"MOTCUA_N": "tám"}),
            self.assertRaisesMessage(ImproperlyConfigured, "MOTCUA_N must be a whole number"),
        ):
            env.env_int("MOTCUA_N", 1)
        with (
            mock.patch.dict(os.environ, {"MOTCUA_N": "0"}),
            self.assertRaisesMessage(ImproperlyConfigured, "MOTCUA_N must be at least 1, not 0"),
        ):
            env.env_int("MOTCUA_N", 5, minimum=1)

    def test_it_refuses_urls_with_an_unsupported_scheme(self):
        with (
            mock.patch.dict(os.environ, {"MOTCUA_DATABASE_URL": "mysql://x/y"}),
            self.assertRaisesMessage(ImproperlyConfigured, "MOTCUA_DATABASE_URL must be a URL"),
        ):
            env.env_url("MOTCUA_DATABASE_URL", None, schemes={"sqlite", "postgres"})

    def test_it_splits_lists_and_refuses_empty_items(self):
        with mock.patch.dict(os.environ, {"MOTCUA_HOSTS": "a.vn, b.vn"}):
            self.assertEqual(env.env_list("MOTCUA_HOSTS", []), ["a.vn", "b.vn"])
        with (
            mock.patch.dict(os.environ, {"MOTCUA_HOSTS": "a.vn,,b.vn"}),
            self.assertRaisesMessage(ImproperlyConfigured, "without empty items"),
        ):
            env.env_list("MOTCUA_HOSTS", [])

    def test_it_uses_the_default_when_unset_or_blank(self):
        with mock.patch.dict(os.environ, {"MOTCUA_BLANK": "  "}):
            self.assertEqual(env.env_str("MOTCUA_BLANK", "mặc định"), "mặc định")
            self.assertEqual(env.env_int("MOTCUA_BLANK", 7), 7)


class SettingsModesTests(SimpleTestCase):
    """Whole settings modules, each loaded in a fresh process as a deployment would."""

    def setUp(self) -> None:
        self.var = tempfile.mkdtemp(prefix="motcua-var-")

    def production_env(self, **extra: str) -> dict[str, str]:
        return {
            "DJANGO_SETTINGS_MODULE": "motcua.conf.production",
            "MOTCUA_VAR_DIR": self.var,
            "MOTCUA_SECRET_KEY": secrets.token_urlsafe(64),
            "MOTCUA_ALLOWED_HOSTS": "dichvucong.hue.gov.vn",
            "MOTCUA_EMAIL_HOST": "smtp.hue.gov.vn",
            **extra,
        }

    def test_the_embedded_default_needs_no_configuration(self):
        result = run_manage("check", "--fail-level", "ERROR", MOTCUA_VAR_DIR=self.var)
        self.assertEqual(result.returncode, 0, result.stderr)
        # It made its own random secret key, kept private in the var directory.
        key_file = Path(self.var) / "secret-key"
        self.assertGreaterEqual(len(key_file.read_text()), 50)
        self.assertEqual(key_file.stat().st_mode & 0o777, 0o600)

    def test_production_passes_the_deploy_check_without_warnings(self):
        result = run_manage("check", "--deploy", "--fail-level", "WARNING", **self.production_env())
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_production_refuses_to_start_without_a_secret_key(self):
        environ = self.production_env()
        del environ["MOTCUA_SECRET_KEY"]
        result = run_manage("check", **environ)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MOTCUA_SECRET_KEY must be set in production", result.stderr)

    def test_production_refuses_demo_mode(self):
        result = run_manage("check", **self.production_env(MOTCUA_DEMO="true"))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MOTCUA_DEMO must not be true in production", result.stderr)

    def test_a_bad_value_stops_start_up_naming_the_variable(self):
        result = run_manage("check", MOTCUA_VAR_DIR=self.var, MOTCUA_DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MOTCUA_DEBUG must be true or false, not 'maybe'", result.stderr)
