"""Jinja filters for Norwegian dates and numbers (`dato`, `dato_lang`, `prosent`, `tall`).

The formats themselves are :mod:`naervaer_cli.words`'; these are their names in templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from naervaer_cli.words import date_long, date_short, date_text, number, percent

dato = date_text  # 27.10.2026
dato_kort = date_short  # 27.10
dato_lang = date_long  # tirsdag 27. oktober 2026
prosent = percent  # 0.123 → "12,3 %"


def tall(value: Any) -> str:
    """A number with decimal comma and no needless decimals."""
    return number(value) if isinstance(value, float) else str(value)


def datoer(values: Iterable[date]) -> str:
    """Dates as a comma-separated list: '27.10, 28.10, 03.11'."""
    return ", ".join(date_short(v) for v in values)


FILTERS: dict[str, Callable[..., str]] = {
    "dato": dato,
    "dato_kort": dato_kort,
    "dato_lang": dato_lang,
    "prosent": prosent,
    "tall": tall,
    "datoer": datoer,
}
