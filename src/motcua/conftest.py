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
