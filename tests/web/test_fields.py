"""Decimals typed as people write them on Spanish and English pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from chacra.supply.recording import PurchaseForm
from chacra.web.fields import decimal_field


class _Kilos(forms.Form):
    kg = decimal_field(max_digits=10, decimal_places=3)


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("es", "0,375", Decimal("0.375")),
        ("es", "0.375", Decimal("0.375")),  # a dot is never a thousands separator in chacra
        ("es", "1.250", Decimal("1.250")),
        ("es", "12", Decimal("12")),
        ("en", "0.375", Decimal("0.375")),
    ],
)
def test_a_decimal_is_read_with_the_pages_separator_or_a_dot(
    language: str, typed: str, read: Decimal
) -> None:
    with translation.override(language):
        form = _Kilos({"kg": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["kg"] == read


def test_a_comma_on_an_english_page_is_refused_not_guessed() -> None:
    with translation.override("en"):
        form = _Kilos({"kg": "1,250"})  # 1.25 or 1250? the page says neither
        assert not form.is_valid()


def test_a_decimal_is_shown_with_the_pages_separator() -> None:
    with translation.override("es"):
        html = str(_Kilos(initial={"kg": Decimal("0.375")})["kg"])
    assert 'value="0,375"' in html
    assert 'inputmode="decimal"' in html


def test_the_purchase_form_takes_spanish_kilos_and_prices(db: None) -> None:
    with translation.override("es"):
        form = PurchaseForm({"price_per_kg": "2,65", "kg_1": "12,5"})
        form.is_valid()
    assert "price_per_kg" not in form.errors
    assert "kg_1" not in form.errors
    assert form.cleaned_data["price_per_kg"] == Decimal("2.65")
    assert form.cleaned_data["kg_1"] == Decimal("12.5")
