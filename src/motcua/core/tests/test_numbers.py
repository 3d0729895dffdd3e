"""Money and numbers read the way each language writes them (one helper for every page)."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from motcua.core.numbers import money, number_text


class NumberTextTests(SimpleTestCase):
    def test_vietnamese_groups_with_dots_and_uses_a_decimal_comma(self) -> None:
        with translation.override("vi"):
            self.assertEqual(money(8000), "8.000 đồng")
            self.assertEqual(money(1250000), "1.250.000 đồng")
            self.assertEqual(number_text(Decimal("0.50")), "0,5")
            self.assertEqual(number_text(Decimal("5.00")), "5")
            self.assertEqual(money(None), "Theo quy định")

    def test_english_groups_with_commas(self) -> None:
        with translation.override("en"):
            self.assertEqual(number_text(8000), "8,000")
            self.assertEqual(number_text(Decimal("0.5")), "0.5")
            self.assertIn("8,000", money(8000))

    def test_the_template_filter_uses_the_same_helper(self) -> None:
        with translation.override("vi"):
            rendered = Template("{% load numbers %}{{ amount|dong }}").render(
                Context({"amount": 70000})
            )
        self.assertEqual(rendered, "70.000 đồng")
