"""Jinja filters for Norwegian dates and numbers (`dato`, `dato_lang`, `prosent`, `tall`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from naervaer_cli.documents.context import MONTHS

WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def dato(value: date | None, empty: str = "") -> str:
    """27.10.2026"""
    return value.strftime("%d.%m.%Y") if value else empty


def dato_kort(value: date | None) -> str:
    """27.10"""
    return value.strftime("%d.%m") if value else ""


def dato_lang(value: date | None, empty: str = "") -> str:
    """tirsdag 27. oktober 2026"""
    if not value:
        return empty
    return f"{WEEKDAY_NAMES[value.weekday()]} {value.day}. {MONTHS[value.month - 1]} {value.year}"


def prosent(value: float) -> str:
    """0.123 → '12,3 %'"""
    return f"{value * 100:.1f} %".replace(".", ",")


def tall(value: Any) -> str:
    """A number with decimal comma and no needless decimals."""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def datoer(values: Any) -> str:
    """Dates as a comma-separated list: '27.10, 28.10, 03.11'."""
    return ", ".join(dato_kort(v) for v in values)


FILTERS: dict[str, Callable[..., str]] = {
    "dato": dato,
    "dato_kort": dato_kort,
    "dato_lang": dato_lang,
    "prosent": prosent,
    "tall": tall,
    "datoer": datoer,
}
