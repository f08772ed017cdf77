"""End-to-end throughput of a personalised mailing into a local SMTP sink (discard mode), same run as a baseline.

    .venv/bin/python bench/dispatch_throughput.py            # 100,000 recipients (DISPATCH_BENCH_N to change)

What runs: a throw-away dispatch database with one DKIM-signed sender domain and a mailing whose subject, HTML and
text are templates ({{ letter_salutation }}, {{ first_name }} ...); N recipient rows (what start_mailing writes);
two sender worker processes (``nameko run dispatch.sender``, one per core) with 8 pooled SMTP connections each;
the SMTP sink in ``--discard`` mode as the relay. Measured from the first claim to the last row marked sent:
mails/s, CPU per mail of the sender processes, their peak memory.

Baseline in the same run: the naive way (the same personalised mail built with email.message, signed by dkimpy,
one SMTP connection per mail) on a sample, and the peers' published rates (Mautic ~250 mails/min, a tuned Postal
~1,200 mails/min).
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml
from sqlalchemy import create_engine, text

from bench.common import BIN, child, free_port, wait_until

N = int(os.environ.get("DISPATCH_BENCH_N", "100000"))
SENDERS = int(os.environ.get("DISPATCH_BENCH_SENDERS", "2"))
NAIVE = int(os.environ.get("DISPATCH_BENCH_NAIVE", "500"))
TICKS = os.sysconf("SC_CLK_TCK")

SUBJECT = "Einladung zur Pressekonferenz, {{ first_name }} {{ last_name }}"
HTML = """<html><body><p>{{ letter_salutation }}</p>
<p>die ACME AG lädt Sie herzlich zur Vorstellung der Halbjahreszahlen ein. Als {{ position }} bei
{{ organisation }} interessiert Sie vielleicht besonders der Ausblick für {{ custom.ressort }}.</p>
<p>Wann: Donnerstag, 14. Mai, 10:00 Uhr<br>Wo: Pressezentrum, Hafenstraße 1, Hamburg</p>
<p><a href="https://acme.example/pk?id=2026-05">Zur Anmeldung</a> · <a href="https://acme.example/pm.pdf">PM</a></p>
<p>Mit freundlichen Grüßen<br>Ihre ACME Pressestelle</p></body></html>"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS   # utime + stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def setup_database(url: str) -> dict:
    from dispatch.domain import dkim
    from dispatch.settings import DispatchSettings

    settings = DispatchSettings.load()
    engine = create_engine(url)
    keys = dkim.generate_keys(settings.dkim_key_secret)
    account, domain_id, sender_id, mailing_id = (str(uuid.uuid4()) for _ in range(4))
    with engine.begin() as conn:
        conn.execute(text("""INSERT INTO sender_domains (id, account_id, domain, rsa_selector, ed25519_selector,
            rsa_private, ed25519_private, rsa_public, ed25519_public, dkim_ok) VALUES (:id, :a, 'acme.example',
            'pr1r', 'pr1e', :rp, :ep, :rpub, :epub, true)"""),
            {"id": domain_id, "a": account, "rp": keys.rsa_private, "ep": keys.ed25519_private,
             "rpub": keys.rsa_public, "epub": keys.ed25519_public})
        conn.execute(text("INSERT INTO sender_accounts (id, account_id, domain_id, from_name, from_address) "
                          "VALUES (:id, :a, :d, 'ACME Pressestelle', 'presse@acme.example')"),
                     {"id": sender_id, "a": account, "d": domain_id})
        conn.execute(text("INSERT INTO mailings (id, account_id, client_id, sender_id, subject, html, lane, state, "
                          "total) VALUES (:id, :a, :c, :s, :subj, :html, 'standard', 'sending', :n)"),
                     {"id": mailing_id, "a": account, "c": str(uuid.uuid4()), "s": sender_id, "subj": SUBJECT,
                      "html": HTML, "n": N})
        t0 = time.perf_counter()
        conn.execute(text("""
            INSERT INTO deliveries (account_id, mailing_id, lane, email, domain, recipient)
            SELECT :a, :m, 2, 'redaktion' || g || '@medium' || (g % 500) || '.example', 'medium' || (g % 500) ||
                   '.example', jsonb_build_object('first_name', 'Vorname' || g, 'last_name', 'Nachname' || g,
                   'salutation', CASE WHEN g % 2 = 0 THEN 'Frau' ELSE 'Herr' END, 'title',
                   CASE WHEN g % 7 = 0 THEN 'Dr.' ELSE '' END, 'organisation', 'Medium ' || (g % 500),
                   'position', 'Redakteur(in)', 'custom', jsonb_build_object('ressort', 'Wirtschaft'))
            FROM generate_series(1, :n) g"""), {"a": account, "m": mailing_id, "n": N})
        insert_s = time.perf_counter() - t0
    engine.dispose()
    return {"mailing_id": mailing_id, "insert_s": insert_s, "keys": keys}


def naive_baseline(smtp_port: int, keys, n: int) -> float:
    """The same personalised, signed mail the way a simple mailer does it: email.message + dkimpy + a
    connection per mail. Returns mails/s."""
    import smtplib
    from email.message import EmailMessage

    import dkim
    from cryptography.hazmat.primitives import serialization
    from dispatch.domain.dkim import load_private_keys
    from dispatch.domain.templates import compile_templates, context_for
    from dispatch.settings import DispatchSettings

    rsa_key, _ = load_private_keys(DispatchSettings.load().dkim_key_secret, keys.rsa_private, keys.ed25519_private)
    pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    templates = compile_templates(SUBJECT, HTML, None)
    t0 = time.perf_counter()
    for i in range(n):
        r = {"first_name": f"Vorname{i}", "last_name": f"Nachname{i}", "salutation": "Frau",
             "organisation": "Medium", "position": "Redakteurin", "custom": {"ressort": "Wirtschaft"}}
        subject, html, body = templates.render(context_for(r))
        msg = EmailMessage()
        msg["From"] = "ACME Pressestelle <presse@acme.example>"
        msg["To"] = f"redaktion{i}@medium.example"
        msg["Subject"] = subject
        msg.set_content(body)
        msg.add_alternative(html, subtype="html")
        raw = msg.as_bytes()
        sig = dkim.sign(raw, b"pr1r", b"acme.example", pem, include_headers=[b"from", b"to", b"subject"])
        with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
            smtp.sendmail("b@bounces.example", [f"redaktion{i}@medium.example"], sig + raw)
    return n / (time.perf_counter() - t0)


def main() -> None:
    prefix = f"pressroom_bench{uuid.uuid4().hex[:6]}_"
    os.environ["PRESSROOM_DB_PREFIX"] = prefix
    from svckit.migrate import drop_database, ensure_database, upgrade
    from svckit.settings import database_url

    url = database_url("dispatch")
    ensure_database(url)
    try:
        upgrade("dispatch", url)
        run(url)
    finally:
        drop_database(url)


def run(url: str) -> None:
    smtp_port = free_port()
    print(f"dispatch throughput: {N:,} personalised recipients, {SENDERS} sender processes, "
          f"{os.cpu_count()} cores", flush=True)
    info = setup_database(url)
    print(f"  recipient rows written in {info['insert_s']:.1f} s (one INSERT ... SELECT)", flush=True)
    engine = create_engine(url)
    with child([str(BIN / "python"), "-m", "smtpsink", "--smtp-port", str(smtp_port), "--web-port", "0",
                "--discard", "-q", "--store", f"/tmp/{os.environ['PRESSROOM_DB_PREFIX']}mail"],
               log_name="dispatch-sink") as sink:
        import smtplib

        def sink_up():
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=2) as s:
                return s.noop()[0] == 250
        wait_until(sink_up, what="smtp sink")
        naive = naive_baseline(smtp_port, info["keys"], NAIVE)
        config = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/", "DB_URIS": {"dispatch": url},
                  "PRINCIPAL_SECRET": "bench", "WEB_SERVER_ADDRESS": "127.0.0.1:0", "SMTP_HOST": "127.0.0.1",
                  "SMTP_PORT": smtp_port, "SMTP_CONNECTIONS": 8, "SEND_BATCH_SIZE": 64, "IDLE_SLEEP": 0.05,
                  "VERP_DOMAIN": "bounces.pressroom.example", "PUBLIC_BASE_URL": "https://press.example",
                  "DOMAIN_CONCURRENCY": 8, "LOGGING": {"version": 1, "root": {"level": "WARNING"}}}
        cfg = Path(f"/tmp/{os.environ['PRESSROOM_DB_PREFIX']}sender.yml")
        cfg.write_text(yaml.safe_dump(config))
        from contextlib import ExitStack

        with ExitStack() as stack:
            t0 = time.perf_counter()
            command = [str(BIN / "nameko"), "run", "--config", str(cfg), "dispatch.sender:DispatchSender"]
            procs = [stack.enter_context(child(command, log_name=f"dispatch-sender{i}")) for i in range(SENDERS)]
            last_print, done = t0, 0
            while True:
                with engine.connect() as conn:
                    done = conn.execute(text("SELECT count(*) FROM deliveries WHERE state IN "
                                             "('sent', 'failed')")).scalar()
                if done >= N:
                    break
                if any(p.poll() is not None for p in procs):
                    raise SystemExit("a sender process died; see /tmp/pressroom-bench-dispatch-sender*.log")
                if time.perf_counter() - last_print > 10:
                    last_print = time.perf_counter()
                    print(f"  ... {done:,} sent after {last_print - t0:.0f} s", flush=True)
                time.sleep(0.25)
            elapsed = time.perf_counter() - t0
            cpu = sum(cpu_seconds(p.pid) for p in procs)
            rss = max(peak_rss_mb(p.pid) for p in procs)
        sink_cpu = cpu_seconds(sink.pid)
    with engine.connect() as conn:
        states = dict(conn.execute(text("SELECT state, count(*) FROM deliveries GROUP BY state")).all())
        size = conn.execute(text("SELECT avg(size) FROM deliveries")).scalar()
    engine.dispose()
    rate = N / elapsed
    print(f"  states: {states}; average mail {size:,.0f} bytes (two DKIM signatures, tracking, footer)")
    print(f"ours:     {rate:,.0f} mails/s = {rate * 60:,.0f} mails/min; {elapsed:.1f} s for {N:,} "
          f"(includes process start)")
    print(f"          sender CPU {cpu / N * 1000:.2f} ms per mail ({cpu:.0f} s over {SENDERS} processes), "
          f"peak memory {rss:.0f} MB per sender process; sink CPU {sink_cpu / N * 1000:.2f} ms per mail")
    print(f"baseline: naive mailer (email.message + dkimpy + a connection per mail) {naive:,.1f} mails/s "
          f"-> ours is {rate / naive:.1f}x")
    print(f"peers:    Mautic ~250 mails/min -> ours is {rate * 60 / 250:.0f}x; tuned Postal ~1,200 mails/min "
          f"-> ours is {rate * 60 / 1200:.1f}x")


if __name__ == "__main__":
    main()
