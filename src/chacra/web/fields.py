"""Form fields shared by the record pages."""

from __future__ import annotations

from typing import Any

from django import forms


def decimal_field(**kwargs: Any) -> forms.DecimalField:
    """A decimal as people write it: "0,375" on Spanish pages, "0.375" on English ones, and
    "0.375" on either (chacra shows no thousands separators, so a dot is never one). Shown with
    the page's separator; phones offer their decimal keypad."""
    field = forms.DecimalField(localize=True, **kwargs)
    field.widget.attrs.setdefault("inputmode", "decimal")
    return field
