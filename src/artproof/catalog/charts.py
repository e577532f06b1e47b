"""Charts for the catalog and the market view, drawn with matplotlib (Agg, no display), one line or set of
points per currency (amounts in different currencies are never converted or added)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

__all__ = ["sales_chart", "value_chart"]


def _figure(title: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=120)
    ax.set_title(title, loc="left", fontsize=11)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    return fig, ax


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def value_chart(
    title: str, series: dict[str, list[tuple[str, Decimal]]], purchases: Sequence[tuple[str, Decimal, str]]
) -> bytes:
    """Step lines of values over time (``series``: label -> [(day, amount)]), purchases as points."""
    fig, ax = _figure(title)
    for label, points in sorted(series.items()):
        days = [date.fromisoformat(d) for d, _ in points]
        values = [float(v) for _, v in points]
        if len(days) == 1:
            days.append(date.today() if days[0] < date.today() else days[0])
            values.append(values[0])
        ax.step(days, values, where="post", label=label, linewidth=1.6)
    for day, price, code in purchases:
        ax.plot([date.fromisoformat(day)], [float(price)], "o", color="#333333")
        ax.annotate(f"bought {price} {code}", (date.fromisoformat(day), float(price)), textcoords="offset points",
                    xytext=(6, 6), fontsize=8)  # fmt: skip
    ax.set_ylabel("value")
    if series:
        ax.legend(frameon=False, fontsize=8)
    return _png(fig)


def sales_chart(title: str, sales: Sequence[Any]) -> bytes:
    """Recorded sales as points over time, one colour per currency."""
    fig, ax = _figure(title)
    by_currency: dict[str, list[Any]] = {}
    for sale in sales:
        by_currency.setdefault(sale.currency, []).append(sale)
    for code, rows in sorted(by_currency.items()):
        ax.plot([date.fromisoformat(r.date) for r in rows], [float(r.price) for r in rows], "o-", label=code,
                linewidth=0.8, markersize=5)  # fmt: skip
    ax.set_ylabel("price")
    if by_currency:
        ax.legend(frameon=False, fontsize=8)
    return _png(fig)
