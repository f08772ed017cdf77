"""Looking up what a customer published: DKIM, SPF and DMARC TXT records and the return-path CNAME, through
dnspython.

The resolver is configurable (DNS_NAMESERVERS, DNS_PORT): the tests point it at a small DNS server of their own.
"""

from __future__ import annotations

from typing import Any

import dns.exception
import dns.resolver

from .domain.alignment import parse_dmarc
from .domain.dkim import parse_tags


class TxtLookup:
    def __init__(self, nameservers: tuple[str, ...] = (), port: int = 53, timeout: float = 3.0):
        if nameservers:
            self.resolver = dns.resolver.Resolver(configure=False)
            self.resolver.nameservers = list(nameservers)
            self.resolver.port = port
        else:
            self.resolver = dns.resolver.Resolver()
        self.resolver.lifetime = timeout
        self.resolver.timeout = timeout

    def _resolve(self, name: str, rtype: str) -> tuple[Any, str | None]:
        """The answer for ``name``/``rtype``, or None and an error code if the lookup failed."""
        try:
            return self.resolver.resolve(name, rtype), None
        except dns.resolver.NXDOMAIN:
            return None, "nxdomain"
        except dns.resolver.NoAnswer:
            return None, "no_record"
        except (dns.exception.Timeout, dns.resolver.NoNameservers):
            return None, "dns_unreachable"
        except dns.exception.DNSException as exc:
            return None, type(exc).__name__

    def txt(self, name: str) -> tuple[list[str], str | None]:
        """The TXT strings at ``name`` (each record's strings joined), and an error code if the lookup failed."""
        answer, error = self._resolve(name, "TXT")
        if answer is None:
            return [], error
        return [b"".join(r.strings).decode("utf-8", "replace") for r in answer], None

    def cname(self, name: str) -> tuple[list[str], str | None]:
        """The CNAME target(s) at ``name`` (lower case, no trailing dot), and an error code if the lookup failed."""
        answer, error = self._resolve(name, "CNAME")
        if answer is None:
            return [], error
        return [r.target.to_text().lower().rstrip(".") for r in answer], None


def check_records(lookup: TxtLookup, records: list[dict]) -> dict:
    """Compare each expected record with what DNS says. Returns ``{kind: {ok, found, problem}}`` and ``dkim_ok``;
    the DMARC entry also has the record's ``policy``, ``subdomain_policy``, ``pct`` and ``rua``."""
    result: dict = {}
    for rec in records:
        kind = rec["kind"]
        found, error = lookup.cname(rec["name"]) if rec.get("type") == "CNAME" else lookup.txt(rec["name"])
        ok = False
        problem = error
        extra: dict = {}
        if kind == "return_path":   # the CNAME must point at our bounce host
            ok = rec["value"].lower() in found
            if found and not ok:
                problem = "wrong_target"
        elif kind.startswith("dkim"):
            want = parse_tags(rec["value"])
            for value in found:
                tags = parse_tags(value)
                if tags.get("p") == want.get("p") and tags.get("k", "rsa") == want.get("k", "rsa"):
                    ok = True
            if found and not ok:
                problem = "key_mismatch"
        elif kind == "spf":
            include = rec["value"].split()[1]
            spf = [v for v in found if v.lower().startswith("v=spf1")]
            ok = any(include.lower() in v.lower().split() for v in spf)
            if not ok and not error:
                problem = "include_missing" if spf else "no_spf_record"
        elif kind == "dmarc":
            ok = any(v.upper().startswith("V=DMARC1") for v in found)
            if not ok and not error:
                problem = "no_dmarc_record"
            extra = parse_dmarc(found)
        result[kind] = {"ok": ok, "found": found[:5], "problem": None if ok else (problem or "missing"), **extra}
    result["dkim_ok"] = bool(result.get("dkim_rsa", {}).get("ok"))
    return result
