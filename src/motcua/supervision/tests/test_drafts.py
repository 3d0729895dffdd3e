"""Drafts of the result (gh-6 item 6) are internal work: the digitisation figures of
QĐ 766 never count them as components."""

from __future__ import annotations

from unittest import mock

from django.test import TestCase, tag

from motcua.dossiers.constants import DocumentKind
from motcua.dossiers.tests.factories import DossierDocumentFactory
from motcua.supervision.indices import index_766
from motcua.supervision.scope import Scope

from .small_world import MARCH, ONLINE_PROVIDERS, SmallWorld, build


@tag("gh-6")
class DraftsAreNotComponentsTests(TestCase):
    w: SmallWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build()

    def test_a_digitised_or_reused_draft_counts_for_nothing(self) -> None:
        scope = Scope(frozenset({self.w.commune.pk}), "xã A", commune=False)

        def figures() -> dict[str, tuple[int | None, int | None]]:
            with mock.patch(
                "motcua.payments.registry.provider_list", return_value=ONLINE_PROVIDERS
            ):
                index = index_766(scope=scope, period=MARCH)
            codes = ("SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA")
            return {c: (index.metric(c).numerator, index.metric(c).denominator) for c in codes}

        before = figures()
        self.assertEqual(before["SO_HOA_GIAY_TO_GIAI_QUYET"], (2, 4))
        for key in ("d2", "d4"):
            DossierDocumentFactory(
                dossier=self.w.d[key], kind=DocumentKind.DRAFT, digitised=True, reused=True
            )
        self.assertEqual(figures(), before)
