"""Suite-wide test hygiene."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.utils import translation

import pytest


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts and ends in Vietnamese.

    A request to an /en/ page leaves English active in the test thread, and
    later reverse() calls in other tests would then build /en/ URLs.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_configure(config: pytest.Config) -> None:
    """``@tag("gh-N")`` (the issue a test was written for) becomes a known pytest marker."""
    for number in range(1, 100):
        config.addinivalue_line("markers", f"gh-{number}: written for issue {number}")
