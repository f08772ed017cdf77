"""Telling people from machines: link scanners (Safe Links, Proofpoint, Mimecast ...) and image proxies open and
click on their own. Their hits are kept, flagged ``machine``, and not counted as opens or clicks by people.
"""

from __future__ import annotations

import re
from datetime import datetime

_MACHINE_UA = re.compile(
    r"(?i)(googleimageproxy|yahoomailproxy|ymailproxy|bingpreview|microsoft office existence discovery|"
    r"safelinks|safe ?links|proofpoint|mimecast|barracuda|symantec|messagelabs|trend ?micro|forcepoint|"
    r"fortiguard|sophos|cisco|ironport|zscaler|paloalto|checkpoint|linkscanner|urldefense|"
    r"bot\b|crawler|spider|scanner|preview|headlesschrome|phantomjs|python-requests|python-urllib|aiohttp|"
    r"go-http-client|curl/|wget/|java/|okhttp|libwww|httpclient|node-fetch|axios|slackbot|facebookexternalhit)")

#: faster than any person: a click this soon after the mail was handed over is a scanner following links
MIN_HUMAN_CLICK_SECONDS = 10
MIN_HUMAN_OPEN_SECONDS = 2


def is_machine(kind: str, user_agent: str | None, method: str, sent_at: datetime | None, now: datetime,
               honeypot: bool = False) -> str | None:
    """The reason a hit looks automated, or None for a person."""
    if honeypot:
        return "honeypot"
    if method.upper() == "HEAD":
        return "head_request"
    ua = (user_agent or "").strip()
    if not ua:
        return "no_user_agent"
    if _MACHINE_UA.search(ua):
        return "known_agent"
    if sent_at is not None:
        elapsed = (now - sent_at).total_seconds()
        limit = MIN_HUMAN_CLICK_SECONDS if kind == "click" else MIN_HUMAN_OPEN_SECONDS
        if elapsed < limit:
            return "too_fast"
    return None
