"""Currencies as news writes them (general English): symbols and words, one table for every reader.

Each maps to one code, so "€14m", "14 million euros" and "EUR 14m" are the same unit to every comparison.
"""
from __future__ import annotations

import re

SYMBOLS = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB",
           "₺": "TRY", "₪": "ILS"}
CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "CHF", "INR", "KRW", "RUB", "SEK", "NOK", "DKK")
# word: code, with every plural form written out ("kronor", "lire")
WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "won": "KRW", "ruble": "RUB",
    "rubles": "RUB", "rouble": "RUB", "roubles": "RUB", "rupee": "INR", "rupees": "INR", "rupiah": "IDR",
    "crown": "crown", "crowns": "crown", "krona": "SEK", "kronor": "SEK", "krone": "krone", "kroner": "krone",
    "franc": "CHF", "francs": "CHF", "peso": "peso", "pesos": "peso", "lira": "lira", "lire": "lira",
    "zloty": "PLN", "zlotys": "PLN", "forint": "HUF", "forints": "HUF", "shekel": "ILS", "shekels": "ILS",
    "dinar": "dinar", "dinars": "dinar", "dirham": "AED", "dirhams": "AED", "riyal": "riyal", "riyals": "riyal",
    "rial": "rial", "rials": "rial", "ringgit": "MYR", "baht": "THB", "naira": "NGN", "shilling": "shilling",
    "shillings": "shilling", "rand": "ZAR", "hryvnia": "UAH", "hryvnias": "UAH",
}
_ALTS = "|".join(sorted(WORDS, key=len, reverse=True))
SYMBOL = r"(?:US\$|[$€£¥₹₩₽₺₪])"  # a symbol before a figure
PREFIX = rf"(?:{SYMBOL}|\b(?:{'|'.join(CODES)})\b)"  # a symbol or code before a figure: "$5m", "EUR 14m"
WORD = rf"\b(?:{_ALTS})\b"  # a currency word after a figure: "14 million euros"
_ANY = re.compile(rf"{SYMBOL}|{WORD}", re.I)
_WON_AS_CURRENCY = re.compile(r"(?:\d|illion|\bin)\s+$", re.I)  # "5 billion won", "in won", not "she won"


def code(currency: str) -> str:
    """The code of a currency symbol, code or word ("€", "euros", "EUR" → "EUR")."""
    c = currency.strip().lower()
    return SYMBOLS.get(c) or WORDS.get(c) or currency.strip().upper()


def currency_named(text: str) -> str | None:
    """The code of the currency a text names first: "EUR" for "How much damage in euros …" or "€5m" ("won"
    only after a number or "in": "How much has she won?" names none)."""
    for m in _ANY.finditer(text):
        if m.group().lower() != "won" or _WON_AS_CURRENCY.search(text, 0, m.start()):
            return code(m.group())
    return None
