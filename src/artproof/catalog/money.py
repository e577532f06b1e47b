"""Amounts and currencies as a catalog keeps them: decimal (never float), non-negative, ISO 4217."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from artproof.errors import InvalidInput

__all__ = ["CURRENCIES", "amount", "currency"]

# ISO 4217 codes in circulation (2026), and the precious-metal and SDR codes that insurers use
_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
    TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG XAU XAG XDR
"""
CURRENCIES = frozenset(_CODES.split())


def currency(code: str) -> str:
    text = code.strip().upper()
    if text not in CURRENCIES:
        raise InvalidInput("unknown currency", value=code, hint="an ISO 4217 code such as EUR, USD, GBP, JPY")
    return text


def amount(text: str | float | int, what: str = "the amount") -> str:
    """A non-negative decimal amount as text (kept exact: 1200.50 stays 1200.50)."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(f"{what} is not a number", value=str(text), hint="e.g. 1200 or 1200.50") from None
    if not value.is_finite() or value < 0:
        raise InvalidInput(f"{what} cannot be negative", value=str(text), hint="an amount of 0 or more")
    if value > Decimal("1e15"):
        raise InvalidInput(f"{what} is implausibly large", value=str(text))
    return format(value, "f")
