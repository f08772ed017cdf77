"""The web pages, rendered on the server as plain HTML with inline CSS and no script.

Everything that comes from a mail is escaped before it reaches our page. A mail's HTML body is shown only inside
``<iframe sandbox srcdoc="...">``: the whole document is one escaped attribute value, the sandbox gives it a unique
origin and no scripts, so it can neither run code nor reach this page.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from .store import Meta

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{display:flex;gap:1em;align-items:center;flex-wrap:wrap;padding:.6em 1.2em;background:#1d2433;color:#fff}
header a{color:#fff;font-weight:600;text-decoration:none}
header form{margin:0}
main{padding:1em 1.2em}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #e3e6eb;vertical-align:top}
th{background:#eef0f4;font-weight:600}
td.num{text-align:right;white-space:nowrap}
tr:hover td{background:#f9fafb}
a{color:#1f5fbf}
input[type=search]{width:22em;padding:.3em}
button{padding:.3em .8em;cursor:pointer}
.muted{color:#6b7385}
.warn{color:#b5651d}
.notice{background:#fff4d6;border:1px solid #e9c46a;padding:.5em .8em;margin-bottom:1em}
.pager{margin:1em 0;display:flex;gap:1em}
pre{background:#fff;border:1px solid #e3e6eb;padding:.8em;white-space:pre-wrap;word-break:break-word}
iframe{width:100%;height:600px;border:1px solid #e3e6eb;background:#fff;resize:vertical}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;background:#fff;padding:.8em;
   border:1px solid #e3e6eb}
dt{font-weight:600}
dd{margin:0;word-break:break-word}
h1{font-size:1.3em}
h2{font-size:1.1em;margin-top:1.5em}
.actions{display:flex;gap:1em;align-items:center;margin:.8em 0}
.actions form{margin:0}
"""

WARN_MARK = ' <span class="warn" title="accepted, but a real relay might not: see the message">⚠</span>'
_URL = re.compile(r"https?://[^\s<>\"']+")


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def local_time(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def utc_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def linkify(text: str) -> str:
    """Escaped text with its http(s) URLs as links (so a confirmation link in a mail is one click away)."""
    out, pos = [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?)]}")
        out.append(e(text[pos:m.start()]))
        out.append(f'<a href="{e(url)}" rel="noreferrer noopener" target="_blank">{e(url)}</a>')
        pos = m.start() + len(url)
    out.append(e(text[pos:]))
    return "".join(out)


def layout(title: str, body: str, stats: dict[str, Any], q: str = "") -> str:
    mode = " · discard mode" if stats["discard_mode"] else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{e(title)} · smtpsink</title><style>{CSS}</style></head>
<body><header><a href="/">smtpsink</a>
<span>{stats["stored"]} message{"" if stats["stored"] == 1 else "s"} · {e(human_size(stats["bytes"]))}{mode}</span>
<form method="get" action="/"><input type="search" name="q" value="{e(q)}" placeholder="recipient, sender or subject">
<button>Search</button></form>
<form method="post" action="/clear"><button title="Delete every message">Delete all</button></form>
</header><main>{body}</main></body></html>"""


def rules_notice(rules: list[dict[str, Any]]) -> str:
    if not rules:
        return ""
    items = []
    for rule in rules:
        left = "" if rule["times"] is None else f" ({rule['remaining']} left)"
        delay = f" after {rule['delay_ms']} ms" if rule["delay_ms"] else ""
        items.append(f"<li>{e(rule['stage'])} matching <code>{e(rule['match'])}</code> → {e(rule['code'])} "
                     f"{e(rule['message'])}{e(left)}{e(delay)}</li>")
    return f'<div class="notice">Fault injection is active:<ul>{"".join(items)}</ul></div>'


def list_page(metas: list[Meta], total: int, page: int, pages: int, q: str, stats: dict[str, Any],
              rules: list[dict[str, Any]]) -> str:
    rows = "".join(
        f'<tr><td class="num" title="{e(utc_time(m.received))}">{e(local_time(m.received))}</td>'
        f"<td>{e(m.from_ or m.mail_from)}</td><td>{e(m.to or ', '.join(m.rcpt_to))}</td>"
        f'<td><a href="/messages/{e(m.id)}">{e(m.subject) or "<span class=muted>(no subject)</span>"}</a>'
        f"{WARN_MARK if m.warnings else ''}</td>"
        f'<td class="num">{e(human_size(m.size))}</td></tr>'
        for m in metas
    )
    if not rows:
        what = "No message matches." if q else "No mail yet. Point your SMTP client at this sink."
        rows = f'<tr><td colspan="5" class="muted">{e(what)}</td></tr>'

    def link(p: int, label: str) -> str:
        params = {"page": p, **({"q": q} if q else {})}
        return f'<a href="/?{e(urlencode(params))}">{label}</a>'

    pager = []
    if page > 1:
        pager.append(link(page - 1, "← Newer"))
    pager.append(f'<span class="muted">page {page} of {pages} · {total} message{"" if total == 1 else "s"}</span>')
    if page < pages:
        pager.append(link(page + 1, "Older →"))
    body = (f"{rules_notice(rules)}<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th>"
            f'<th>Size</th></tr></thead><tbody>{rows}</tbody></table><div class="pager">{"".join(pager)}</div>')
    return layout("Inbox" if not q else f"Search: {q}", body, stats, q)


def message_page(meta: Meta, detail: dict[str, Any], stats: dict[str, Any]) -> str:
    mid = e(meta.id)
    facts = [
        ("From", meta.from_), ("To", meta.to), ("Cc", meta.cc), ("Envelope from", meta.mail_from),
        ("Envelope to", ", ".join(meta.rcpt_to)), ("Received", f"{local_time(meta.received)} ({meta.received_at})"),
        ("Size", f"{human_size(meta.size)} ({meta.size} bytes)"), ("Message-ID", meta.message_id),
    ]
    if meta.auth_user:
        facts.append(("AUTH user", meta.auth_user))
    dl = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts if v)
    warnings = "".join(f"<li>{e(w)}</li>" for w in meta.warnings)
    parts = [
        f'<p><a href="/">← all messages</a></p><h1>{e(meta.subject) or "(no subject)"}</h1><dl>{dl}</dl>',
        (f'<div class="actions"><a href="/messages/{mid}/raw">Raw source</a>'
         f'<a href="/messages/{mid}/raw?download=1">Download .eml</a>'
         f'<form method="post" action="/messages/{mid}/delete"><button>Delete</button></form></div>'),
    ]
    if warnings:
        parts.append(f'<div class="notice">Accepted, but a real relay might not:<ul>{warnings}</ul></div>')
    if detail["text"] is not None:
        parts.append(f"<h2>Text</h2><pre>{linkify(detail['text'])}</pre>")
    if detail["html"] is not None:
        parts.append(
            '<h2>HTML</h2><iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" '
            f'referrerpolicy="no-referrer" srcdoc="{e(detail["html"])}"></iframe>'
        )
    if detail["text"] is None and detail["html"] is None:
        parts.append('<p class="muted">This message has no text or HTML body.</p>')
    if detail["attachments"]:
        items = "".join(
            f'<li><a href="/messages/{mid}/parts/{a["part"]}">{e(a["filename"])}</a> '
            f'<span class="muted">{e(a["content_type"])}, {e(human_size(a["size"]))}'
            f'{", inline" if a["disposition"] == "inline" else ""}</span></li>'
            for a in detail["attachments"]
        )
        parts.append(f"<h2>Attachments</h2><ul>{items}</ul>")
    headers = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in detail["header_list"])
    parts.append(f"<h2>Headers</h2><details><summary>{len(detail['header_list'])} headers</summary>"
                 f"<table>{headers}</table></details>")
    return layout(meta.subject or "(no subject)", "".join(parts), stats)


def error_page(status: str, detail: str, stats: dict[str, Any]) -> str:
    body = f'<h1>{e(status)}</h1><p>{e(detail)}</p><p><a href="/">← all messages</a></p>'
    return layout(status, body, stats)
