"""The receiving mailbox provider of a recipient domain, for the per-provider figures of a mailing report.

A pure function over a fixed list of the providers' own domains (no DNS: a company domain hosted at Google or
Microsoft counts as ``other``). The classes are the ones the bulk-sender rules and most German press lists care
about; everything else is ``other``, so a report has at most seven rows whatever the customers send to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: provider -> its recipient domains (lower case, no trailing dot)
PROVIDER_DOMAINS: Mapping[str, tuple[str, ...]] = {
    "gmail": ("gmail.com", "googlemail.com"),
    "outlook": ("outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "hotmail.co.uk", "live.com", "live.de",
                "live.at", "msn.com"),
    "gmx_webde": ("gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.com", "web.de", "mail.com"),
    "t_online": ("t-online.de", "magenta.de"),
    "yahoo": ("yahoo.com", "yahoo.de", "yahoo.co.uk", "ymail.com", "rocketmail.com", "aol.com", "aol.de"),
}
#: the report's order: the providers, then everything else
PROVIDERS: tuple[str, ...] = (*PROVIDER_DOMAINS, "other")
_PROVIDER_OF = {domain: name for name, domains in PROVIDER_DOMAINS.items() for domain in domains}


def provider_of(domain: str | None) -> str:
    """``gmail``, ``outlook``, ``gmx_webde``, ``t_online``, ``yahoo`` or ``other`` for a recipient domain (or a
    whole address: the part after the last ``@``)."""
    value = (domain or "").rpartition("@")[2].strip().lower().rstrip(".")
    return _PROVIDER_OF.get(value, "other")


def by_provider(rows: Iterable[Mapping[str, object]], figures: tuple[str, ...]) -> list[dict[str, object]]:
    """Sums per-domain rows (``domain`` plus the named integer ``figures``) into one row per provider, in
    :data:`PROVIDERS` order, providers without a recipient left out."""
    sums: dict[str, dict[str, int]] = {}
    for row in rows:
        into = sums.setdefault(provider_of(str(row["domain"] or "")), dict.fromkeys(figures, 0))
        for name in figures:
            into[name] += int(row[name] or 0)  # type: ignore[call-overload]
    return [{"provider": p, **sums[p]} for p in PROVIDERS if p in sums]
