"""SPF alignment through a custom return-path host, and what the customer's DMARC record says (pure).

Receivers check SPF against the envelope sender (MAIL FROM, our VERP return path). DMARC passes on SPF only when
that domain aligns with the From domain (relaxed: the same organisational domain). With our own bounce host
(``VERP_DOMAIN``) it never does, so DMARC rests on DKIM alone. A sender domain may publish
``bounce.<domain>`` as a CNAME to our bounce host: once the check finds it, the return path of its mailings is a
VERP address at that host (SPF then passes for it through our bounce host's SPF record, aligned with the From
domain), and bounces sent there reach our bounce endpoint.
"""

from __future__ import annotations

from typing import Any

from svckit.i18n import Text

from ..i18n import _

#: the label of the custom return-path host under the sender domain
RETURN_PATH_LABEL = "bounce"

DMARC_POLICIES = ("none", "quarantine", "reject")


def return_path_host(domain: str) -> str:
    return f"{RETURN_PATH_LABEL}.{domain.lower().rstrip('.')}"


def return_path_record(domain: str, bounce_host: str) -> dict[str, Any]:
    """The CNAME the customer publishes (optional: without it the return path stays at our bounce host)."""
    target = bounce_host.lower().rstrip(".")
    return {"kind": "return_path", "type": "CNAME", "name": return_path_host(domain), "value": target,
            "strings": [target], "required": False,
            "note": "optional: aligns SPF with your domain (DMARC); bounces reach us through it"}


def domain_of_host(host: str) -> str | None:
    """The sender domain of a custom return-path host (``bounce.acme.example`` -> ``acme.example``), else None."""
    label, dot, rest = (host or "").lower().rstrip(".").partition(".")
    return rest if dot and label == RETURN_PATH_LABEL and "." in rest else None


def aligned_return_path(domain: str, check: dict[str, Any] | None) -> str | None:
    """The custom return-path host when the last DNS check found its CNAME pointing at our bounce host."""
    rp = (check or {}).get("return_path")
    return return_path_host(domain) if isinstance(rp, dict) and rp.get("ok") else None


def parse_dmarc(values: list[str]) -> dict[str, Any]:
    """The policy (``p``; an unknown value counts as none, as RFC 7489 says for a record with a bad p), the
    subdomain policy (``sp``), ``pct`` and the aggregate-report addresses (``rua``) of the first DMARC record."""
    record = next((v for v in values if v.strip().upper().startswith("V=DMARC1")), None)
    if record is None:
        return {"policy": None, "subdomain_policy": None, "pct": None, "rua": []}
    tags: dict[str, str] = {}
    for part in record.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip().lower()] = value.strip()
    policy = tags.get("p", "").lower()
    policy = policy if policy in DMARC_POLICIES else "none"
    sp = tags.get("sp", "").lower()
    try:
        pct = max(0, min(100, int(tags.get("pct", "100"))))
    except ValueError:
        pct = 100
    rua = [a.strip() for a in tags.get("rua", "").split(",") if a.strip()]
    return {"policy": policy, "subdomain_policy": sp if sp in DMARC_POLICIES else None, "pct": pct, "rua": rua}


def dmarc_explanation(policy: str | None, rua: list[str], return_path_ok: bool) -> list[Text]:
    """What the DMARC record means for this customer's mail, sentence by sentence in German and English."""
    if policy is None:
        out = [_("No DMARC record: receivers decide on their own, and the big mailbox providers expect one from "
                 "bulk senders. Publish the suggested record with p=none to start.")]
    elif policy == "none":
        out = [_("DMARC p=none: receivers only report; mail that fails DKIM and SPF alignment is still delivered. "
                 "Once the reports look clean, tighten to quarantine or reject.")]
    elif policy == "quarantine":
        out = [_("DMARC p=quarantine: mail that fails both DKIM and SPF alignment goes to the spam folder. Our "
                 "DKIM signature must verify for every mailing.")]
    else:
        out = [_("DMARC p=reject: mail that fails both DKIM and SPF alignment is refused. Our DKIM signature must "
                 "verify for every mailing; keep the DKIM record published.")]
    out.append(_("SPF is aligned through your return-path host.") if return_path_ok else
               _("SPF is not aligned (our return path): DMARC rests on DKIM alone. Publish the return-path CNAME "
                 "to align SPF too."))
    if policy is not None and not rua:
        out.append(_("No rua address: you receive no aggregate reports."))
    return out
