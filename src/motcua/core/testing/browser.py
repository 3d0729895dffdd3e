"""Browser tests: Playwright for Python driving Debian's Chromium, axe-core for accessibility.

``BrowserTestCase`` starts the site on a live server (static files served
through the finders), launches Chromium once per test class and gives every
test a fresh browser context and page in Vietnamese, so cookies never leak
from one test to the next. Nothing is downloaded: Chromium is Debian's
package, axe-core comes from ``node_modules`` (``npm ci``).

The site's Content Security Policy stays enforced in the browser (axe is
evaluated through the DevTools protocol, which the policy does not govern), so
a page that only works with inline scripts or styles fails here as it would
for users; ``assert_no_console_errors`` reports the browser's CSP refusals.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import tag
from django.urls import reverse

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

CHROMIUM_FALLBACK = "/usr/bin/chromium"
AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
HTMX_PATH = Path(settings.BASE_DIR) / "build" / "static" / "vendor" / "htmx" / "htmx.min.js"
# WCAG 2.0–2.2 A and AA, plus axe's best practices (landmarks, heading order…).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
SERIOUS = frozenset({"serious", "critical"})

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, { runOnly: tags, resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}
"""


def chromium_executable() -> str:
    """Debian's Chromium, or an error that says how to install it (never a skip)."""
    found = shutil.which("chromium")
    if found:
        return found
    if Path(CHROMIUM_FALLBACK).exists():
        return CHROMIUM_FALLBACK
    raise RuntimeError(
        "Browser tests need Chromium and it is not installed: install Debian's chromium "
        "(apt-get install chromium); make test does it as root."
    )


def _check_front_end_files() -> None:
    missing = [str(p) for p in (AXE_PATH, HTMX_PATH) if not p.exists()]
    if missing:
        raise RuntimeError(
            f"Browser tests need the npm packages: {', '.join(missing)} missing. "
            "Run `npm ci && npm run build` in the repository (make test does it)."
        )


def _launch_args() -> list[str]:
    args = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-features=Translate,OptimizationHints,MediaRouter",
    ]
    if os.geteuid() == 0:
        args.insert(0, "--no-sandbox")  # Chromium refuses to start its sandbox as root
    return args


@tag("browser")
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server and a Chromium page per test (``self.page``), in Vietnamese."""

    viewport: ClassVar[ViewportSize] = {"width": 1280, "height": 800}
    locale: ClassVar[str] = "vi-VN"
    timezone_id: ClassVar[str] = "Asia/Ho_Chi_Minh"
    # Playwright's default is 30 s; a local page that needs more is a bug.
    timeout_ms: ClassVar[float] = 10_000

    playwright: ClassVar[Playwright]
    browser: ClassVar[Browser]
    page: Page

    @classmethod
    def setUpClass(cls) -> None:
        # Fail before starting anything, with a message that says what to install.
        executable = chromium_executable()
        _check_front_end_files()
        # Playwright's sync API runs an event loop in this thread, which makes
        # Django refuse ORM calls from the test code unless told it is safe.
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.addClassCleanup(_restore_env, "DJANGO_ALLOW_ASYNC_UNSAFE", previous)
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.addClassCleanup(cls.playwright.stop)
        cls.browser = cls.playwright.chromium.launch(
            executable_path=executable, headless=True, args=_launch_args()
        )
        cls.addClassCleanup(cls.browser.close)

    def setUp(self) -> None:
        super().setUp()
        self._console_errors: dict[int, list[str]] = {}
        self._no_script_pages: set[int] = set()
        self.page = self.new_page()

    def new_page(
        self,
        *,
        width: int | None = None,
        height: int | None = None,
        java_script_enabled: bool = True,
        locale: str | None = None,
    ) -> Page:
        """A page in a fresh context (own cookies), closed after the test."""
        viewport: ViewportSize = {
            "width": width or self.viewport["width"],
            "height": height or self.viewport["height"],
        }
        context = self.browser.new_context(
            locale=locale or self.locale,
            timezone_id=self.timezone_id,
            viewport=viewport,
            java_script_enabled=java_script_enabled,
        )
        self.addCleanup(context.close)
        context.set_default_timeout(self.timeout_ms)
        page = context.new_page()
        if not java_script_enabled:
            self._no_script_pages.add(id(page))
        errors = self._console_errors.setdefault(id(page), [])

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        def on_page_error(error: Error) -> None:
            errors.append(f"uncaught: {error.message}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        return page

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def visit(self, path: str, *, page: Page | None = None) -> Page:
        """Open ``path`` on the live server; fails unless the final answer is 2xx."""
        page = page or self.page
        response = page.goto(self.url(path))
        self.assertIsNotNone(response, f"no response for {path}")
        assert response is not None
        self.assertTrue(response.ok, f"GET {path} answered {response.status} ({response.url})")
        return page

    def login(self, username: str, password: str, *, page: Page | None = None) -> Page:
        """Sign in through allauth's real form, as a person would."""
        page = page or self.page
        self.visit(reverse("account_login"), page=page)
        page.locator("input[name=login]").fill(username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("form:has(input[name=password]) [type=submit]").click()
        return page

    def assert_accessible(
        self, page: Page | None = None, *, include_impacts: Collection[str] = SERIOUS
    ) -> None:
        """Fail with a readable list of axe violations of the given impacts on the page."""
        page = page or self.page
        if id(page) in self._no_script_pages:
            # Playwright's evaluate never returns in a context without JavaScript.
            self.fail("axe runs in the page: check accessibility in a context with JavaScript")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol, so the site's CSP (no
            # inline scripts) neither blocks it nor needs to be bypassed.
            page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;undefined")
        violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE, list(AXE_TAGS))
        found = [v for v in violations if v["impact"] in include_impacts]
        if found:
            lines = [
                f"axe: {len(found)} accessibility violation(s) "
                f"({'/'.join(sorted(include_impacts))}) on {page.url}:"
            ]
            for v in found:
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['count']} element(s)]")
                lines.extend(f"    {target}" for target in v["targets"])
                lines.append(f"    {v['helpUrl']}")
            self.fail("\n".join(lines))

    def assert_no_console_errors(self, page: Page | None = None) -> None:
        """No script errors, failed loads or CSP refusals reported by the browser."""
        page = page or self.page
        errors = self._console_errors.get(id(page), [])
        self.assertEqual(errors, [], f"browser console errors on {page.url}")

    def expect_refused_form(self, page: Page | None = None) -> None:
        """Forget the console's "400 (Bad Request)" of a form the server just refused on purpose.

        Invalid forms answer 400 with the page and its messages, which Chromium
        logs as a failed load; any other console error still fails the test.
        """
        page = page or self.page
        errors = self._console_errors.get(id(page), [])
        errors[:] = [e for e in errors if "status of 400" not in e]

    def assert_no_horizontal_scroll(self, page: Page | None = None) -> None:
        """The content fits the viewport's width (e.g. a 360 px phone): no sideways scrolling."""
        page = page or self.page
        viewport = page.viewport_size
        assert viewport is not None
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        self.assertLessEqual(
            scroll_width,
            viewport["width"],
            f"{page.url} scrolls sideways at {viewport['width']} px: {scroll_width} px wide",
        )


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
