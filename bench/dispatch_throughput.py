"""End-to-end throughput of a personalised mailing into a local SMTP sink (discard mode), same run as a baseline.

    .venv/bin/python bench/dispatch_throughput.py            # 100,000 recipients (DISPATCH_BENCH_N to change)

What runs: a throw-away dispatch database with one DKIM-signed sender domain and a mailing whose subject, HTML and
text are templates ({{ letter_salutation }}, {{ first_name }} ...); N recipient rows (what start_mailing writes);
two sender worker processes (``nameko run dispatch.sender``, one per core) with 8 pooled SMTP connections each;
the SMTP sink in ``--discard`` mode as the relay. Measured from the first claim to the last row marked sent:
mails/s, CPU per mail of the sender processes, their peak memory.

Baseline in the same run (bench/dispatch_baseline.py): the best single process a competent engineer would write
for the same mails: plain Jinja2 rendering, MIME composed directly, DKIM signed twice (RSA-SHA256 and Ed25519) by
hashing in Python and signing the digest through OpenSSL (``cryptography``; dkimpy verifies both signatures
before the clock starts), ONE reused SMTP connection into the same sink; no database. It sends
DISPATCH_BENCH_BASELINE mails (default 4,000), half before and half after ours, so drifting machine load hits both.
Compared per wall second (two sender processes against one process) and per CPU-second (mails per second of
process CPU time: the sender processes' utime+stime against the baseline's own process_time). Neither side counts
the sink's CPU; ours also writes every outcome to PostgreSQL, whose CPU is not counted either.

For reference only (DISPATCH_BENCH_NAIVE=500 turns it on; default off): the naive way (email.message, pure-Python
dkimpy signing, a connection per mail). Published figures of other products are NOT measured here; they live in
docs/performance/dispatch.md under "Published by others, not measured here".

BENCH_RESULTS=file appends this run's figures to a results file (bench/results.py).

Per-domain limits (DISPATCH_BENCH_LIMITS; unset: the senders' defaults, as in every earlier run): ``local`` (each
sender process counts its own), ``shared`` (DOMAIN_LIMITS_SHARED=1: held for both senders together in Redis, tokens
and sending leases taken in batches) or ``both`` (local, then shared, each on a fresh database, in the same process,
and the difference in sender CPU per mail printed). With any of them the senders also get DOMAIN_RATE_PER_MINUTE=6000
(never reached: 500 recipient domains), so the rate path is measured as well as the concurrency leases.
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

from bench import dispatch_baseline, results
from bench.common import BIN, child, free_port, wait_until

N = int(os.environ.get("DISPATCH_BENCH_N", "100000"))
SENDERS = int(os.environ.get("DISPATCH_BENCH_SENDERS", "2"))
NAIVE = int(os.environ.get("DISPATCH_BENCH_NAIVE", "0"))
BASELINE = int(os.environ.get("DISPATCH_BENCH_BASELINE", "4000"))
LIMITS = os.environ.get("DISPATCH_BENCH_LIMITS", "")
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


def competent_mailer(keys) -> tuple[dispatch_baseline.Mailer, list[bool]]:
    """The baseline mailer with the domain's keys, and dkimpy's verdict on both signatures of a sample mail."""
    from dispatch.domain.dkim import load_private_keys
    from dispatch.domain.templates import context_for
    from dispatch.settings import DispatchSettings

    rsa_key, ed_key = load_private_keys(DispatchSettings.load().dkim_key_secret, keys.rsa_private,
                                        keys.ed25519_private)
    signer = dispatch_baseline.DkimSigner("acme.example", "pr1r", rsa_key, "pr1e", ed_key)
    mailer = dispatch_baseline.Mailer(SUBJECT, HTML, signer, context_for)
    records = {b"pr1r._domainkey.acme.example.": f"v=DKIM1; k=rsa; p={keys.rsa_public}".encode(),
               b"pr1e._domainkey.acme.example.": f"v=DKIM1; k=ed25519; p={keys.ed25519_public}".encode()}
    return mailer, dispatch_baseline.verify_sample(mailer, records)


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
    if LIMITS not in ("", "local", "shared", "both"):
        raise SystemExit(f"DISPATCH_BENCH_LIMITS={LIMITS!r}: local, shared or both")
    runs = {mode: once(mode) for mode in (("local", "shared") if LIMITS == "both" else (LIMITS or None,))}
    if LIMITS == "both":
        local, shared = runs["local"], runs["shared"]
        extra = shared["cpu_ms_per_mail"] - local["cpu_ms_per_mail"]
        print(f"per-domain limits: shared in Redis {shared['cpu_ms_per_mail']:.2f} ms sender CPU per mail, "
              f"{shared['mails_per_s']:,.0f} mails/s; per process {local['cpu_ms_per_mail']:.2f} ms, "
              f"{local['mails_per_s']:,.0f} mails/s; sharing costs {extra:+.2f} ms per mail")


def once(limits: str | None) -> dict:
    prefix = f"pressroom_bench{uuid.uuid4().hex[:6]}_"
    os.environ["PRESSROOM_DB_PREFIX"] = prefix
    from svckit.migrate import drop_database, ensure_database, upgrade
    from svckit.settings import database_url

    url = database_url("dispatch")
    ensure_database(url)
    try:
        upgrade("dispatch", url)
        return run(url, limits)
    finally:
        drop_database(url)


def run(url: str, limits: str | None = None) -> dict:
    started = results.start()
    smtp_port = free_port()
    print(f"dispatch throughput: {N:,} personalised recipients, {SENDERS} sender processes, "
          f"{os.cpu_count()} cores, per-domain limits {limits or 'default'}", flush=True)
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
        mailer, verified = competent_mailer(info["keys"])
        if verified != [True, True]:
            raise SystemExit(f"dkimpy does not verify the baseline's signatures: {verified}")
        dispatch_baseline.run(mailer, smtp_port, 10_000_000, 200)   # warm-up: imports, caches, the connection
        base_runs = [dispatch_baseline.run(mailer, smtp_port, 0, BASELINE // 2)]
        print(f"  baseline (first half): {base_runs[0]['n'] / base_runs[0]['wall_s']:,.0f} mails/s", flush=True)
        naive = naive_baseline(smtp_port, info["keys"], NAIVE) if NAIVE else None
        config = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/", "DB_URIS": {"dispatch": url},
                  "PRINCIPAL_SECRET": "bench", "WEB_SERVER_ADDRESS": "127.0.0.1:0", "SMTP_HOST": "127.0.0.1",
                  "SMTP_PORT": smtp_port, "SMTP_CONNECTIONS": 8, "SEND_BATCH_SIZE": 64, "IDLE_SLEEP": 0.05,
                  "VERP_DOMAIN": "bounces.pressroom.example", "PUBLIC_BASE_URL": "https://press.example",
                  "DOMAIN_CONCURRENCY": 8, "LOGGING": {"version": 1, "root": {"level": "WARNING"}}}
        if limits:
            config.update({"DOMAIN_LIMITS_SHARED": int(limits == "shared"), "DOMAIN_RATE_PER_MINUTE": 6000})
        cfg = Path(f"/tmp/{os.environ['PRESSROOM_DB_PREFIX']}sender.yml")
        cfg.write_text(yaml.safe_dump(config))
        from contextlib import ExitStack

        with ExitStack() as stack:
            t0 = time.perf_counter()
            command = [str(BIN / "nameko"), "run", "--config", str(cfg), "dispatch.sender:DispatchSender"]
            procs = [stack.enter_context(child(command, log_name=f"dispatch-sender{i}")) for i in range(SENDERS)]
            last_print, done = t0, 0
            first = None   # (time, sender CPU, done) when the first mails were seen sent: start-up excluded
            while True:
                with engine.connect() as conn:
                    done = conn.execute(text("SELECT count(*) FROM deliveries WHERE state IN "
                                             "('sent', 'failed')")).scalar()
                if done and first is None:
                    first = (time.perf_counter(), sum(cpu_seconds(p.pid) for p in procs), done)
                if done >= N:
                    break
                if any(p.poll() is not None for p in procs):
                    raise SystemExit("a sender process died; see /tmp/pressroom-bench-dispatch-sender*.log")
                if time.perf_counter() - last_print > 10:
                    last_print = time.perf_counter()
                    print(f"  ... {done:,} sent after {last_print - t0:.0f} s", flush=True)
                time.sleep(0.25)
            end = time.perf_counter()
            elapsed = end - t0
            cpu = sum(cpu_seconds(p.pid) for p in procs)
            rss = max(peak_rss_mb(p.pid) for p in procs)
        sink_cpu = cpu_seconds(sink.pid)
        base_runs.append(dispatch_baseline.run(mailer, smtp_port, BASELINE // 2, BASELINE - BASELINE // 2))
        print(f"  baseline (second half): {base_runs[1]['n'] / base_runs[1]['wall_s']:,.0f} mails/s", flush=True)
    with engine.connect() as conn:
        states = dict(conn.execute(text("SELECT state, count(*) FROM deliveries GROUP BY state")).all())
        size = conn.execute(text("SELECT avg(size) FROM deliveries")).scalar()
    engine.dispose()
    rate = N / elapsed
    per_cpu = N / cpu
    steady_n = N - first[2]
    steady_rate = steady_n / (end - first[0]) if steady_n else rate
    steady_per_cpu = steady_n / (cpu - first[1]) if steady_n and cpu > first[1] else per_cpu
    b_n = sum(r["n"] for r in base_runs)
    b_rate = b_n / sum(r["wall_s"] for r in base_runs)
    b_per_cpu = b_n / sum(r["cpu_s"] for r in base_runs)
    b_size = sum(r["bytes"] for r in base_runs) / b_n
    print(f"  states: {states}; average mail {size:,.0f} bytes (two DKIM signatures, tracking, footer)")
    print(f"ours:     {rate:,.0f} mails/s = {rate * 60:,.0f} mails/min; {elapsed:.1f} s for {N:,} "
          f"(includes process start; from the first mail sent: {steady_rate:,.0f} mails/s)")
    print(f"          {per_cpu:,.0f} mails per sender CPU-second = {cpu / N * 1000:.2f} ms per mail ({cpu:.0f} s "
          f"over {SENDERS} processes; from the first mail sent: {steady_per_cpu:,.0f}/CPU-s), peak memory "
          f"{rss:.0f} MB per sender process; sink CPU {sink_cpu / N * 1000:.2f} ms per mail")
    print(f"baseline: best single process (Jinja2, direct MIME, DKIM RSA+Ed25519 digest via OpenSSL, verified by "
          f"dkimpy, one SMTP connection), {b_n:,} mails of {b_size:,.0f} bytes: {b_rate:,.0f} mails/s, "
          f"{b_per_cpu:,.0f} mails per CPU-second = {1000 / b_per_cpu:.2f} ms per mail")
    print(f"ratio:    per wall second ours ({SENDERS} processes) / baseline (1 process) = {rate / b_rate:.2f}; "
          f"per CPU-second ours / baseline = {per_cpu / b_per_cpu:.2f} (from the first mail sent: "
          f"{steady_per_cpu / b_per_cpu:.2f})")
    if naive is not None:
        print(f"reference: naive mailer (email.message + pure-Python dkimpy + a connection per mail) "
              f"{naive:,.1f} mails/s")
    figures = {"n": N, "senders": SENDERS, "mails_per_s": round(rate, 1), "elapsed_s": round(elapsed, 1),
               "steady_mails_per_s": round(steady_rate, 1), "sender_cpu_s": round(cpu, 1),
               "mails_per_cpu_s": round(per_cpu, 1), "steady_mails_per_cpu_s": round(steady_per_cpu, 1),
               "cpu_ms_per_mail": round(cpu / N * 1000, 3), "peak_rss_mb": round(rss), "sink_cpu_ms_per_mail":
               round(sink_cpu / N * 1000, 3), "avg_mail_bytes": round(size or 0), "states": states,
               "baseline_n": b_n, "baseline_mails_per_s": round(b_rate, 1),
               "baseline_mails_per_cpu_s": round(b_per_cpu, 1), "baseline_avg_mail_bytes": round(b_size),
               "baseline_dkimpy_verified": verified, "naive_mails_per_s": round(naive, 1) if naive else None,
               "ratio_wall": round(rate / b_rate, 3), "ratio_cpu": round(per_cpu / b_per_cpu, 3),
               "domain_limits": limits}
    how = f", per-domain limits {limits}" if limits else ""
    results.record("dispatch_throughput", started, figures, [
        results.row(f"dispatch: {N:,} personalised, DKIM-signed mails, {SENDERS} sender processes{how}, per wall "
                    "second (`bench/dispatch_throughput.py`)", f"{rate:,.0f} mails/s",
                    f"best single process {b_rate:,.0f} mails/s", f"{rate / b_rate:.2f}"),
        results.row(f"dispatch: the same{how}, mails per CPU-second (sender processes vs the baseline's own CPU)",
                    f"{per_cpu:,.0f} /CPU-s ({cpu / N * 1000:.2f} ms per mail)",
                    f"{b_per_cpu:,.0f} /CPU-s ({1000 / b_per_cpu:.2f} ms per mail)", f"{per_cpu / b_per_cpu:.2f}"),
    ])
    return figures


if __name__ == "__main__":
    main()
