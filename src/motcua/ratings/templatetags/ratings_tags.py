"""``{% dossier_rating_state dossier as state %}`` for the citizen's dossier page."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.ratings import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_rating_state(context: dict[str, Any], dossier: Dossier) -> selectors.RatingState | None:
    """The rating state of ``dossier`` for the signed-in user.

    No query before the result is returned (nothing can be rated then); at
    most one afterwards.
    """
    user = context["request"].user
    if not isinstance(user, User):
        return None
    return selectors.rating_state(
        user=user, dossier=dossier, rating=selectors.rating_of(dossier=dossier)
    )
