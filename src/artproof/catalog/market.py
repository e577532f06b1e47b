"""The market view: recorded sales of a series or an artist, from the registry's transfers.

A sale is a transfer that disclosed a price (the parties chose to); the buyer's and seller's names are
not shown, only the day, the edition and the price. Each currency is summarised on its own.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from pydantic import Field

from artproof.core.results import Result
from artproof.errors import InvalidInput

__all__ = ["MarketView", "Sale", "market"]


class Sale(Result):
    date: str
    edition_id: str
    edition: str
    title: str
    series: str = ""
    artist: str
    price: str
    currency: str


class MarketView(Result):
    query: str
    sales: list[Sale] = Field(default_factory=list)
    summary: dict[str, dict[str, Any]] = Field(default_factory=dict)  # per currency: count, min, median, max


def _described(record: Any) -> tuple[str, str, str]:
    """(title, series, artist) as the edition's signed certificate states them."""
    from artproof.editions.certificate import verify_certificate

    body = verify_certificate(record.certificate)
    return body.work.title, body.work.series or "", body.artist.name


def market(
    query: str,
    editions: Iterable[Any],
    chain_of: Callable[[Any], Any],
    describe: Callable[[Any], tuple[str, str, str]] = _described,
) -> MarketView:
    """Sales of every edition whose series or artist is ``query`` (any case)."""
    wanted = query.strip().casefold()
    if not wanted:
        raise InvalidInput("say which series or artist", hint="artproof market Tides")
    sales: list[Sale] = []
    for record in editions:
        title, series, artist = describe(record)
        if wanted not in (series.casefold(), artist.casefold()):
            continue
        for link in chain_of(record).transfers:
            if link.price and link.currency:
                sales.append(Sale(date=link.date[:10], edition_id=record.edition_id, edition=record.label,
                                  title=title, series=series, artist=artist, price=link.price,
                                  currency=link.currency))  # fmt: skip
    sales.sort(key=lambda s: (s.date, s.edition_id))
    summary: dict[str, dict[str, Any]] = {}
    for code in sorted({s.currency for s in sales}):
        prices = [Decimal(s.price) for s in sales if s.currency == code]
        summary[code] = {"count": len(prices), "min": format(min(prices), "f"),
                         "median": format(statistics.median(prices), "f"), "max": format(max(prices), "f")}  # fmt: skip
    return MarketView(query=query, sales=sales, summary=summary)
