"""Interactive e-forms as data (JSON Schema). Being written — see gh-3."""

from __future__ import annotations

from typing import Any


def eform_definition_problems(definition: Any) -> list[str]:
    raise NotImplementedError
