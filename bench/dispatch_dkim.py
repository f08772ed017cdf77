"""DKIM signing cost per mail: dispatch's signer beside a raw OpenSSL RSA-2048 signature, same run.

    .venv/bin/python bench/dispatch_dkim.py [--n 2000]

raw:      one RSA-2048 PKCS#1 v1.5 signature of a SHA-256 digest through ``cryptography`` (OpenSSL): the floor.
ours RSA: dispatch.domain.dkim.Signer with the RSA key only: relaxed canonicalisation of headers and body, body
          hash, header hash, the signature, the folded header. Target: <= 1.5x raw.
ours RSA+Ed25519: what every mail gets (two signatures).
dkimpy:   dkim.sign() with the same key (pure-Python RSA), for reference.
Every variant signs the same 4 KB personalised mail; blocks alternate so machine noise hits all alike. CPU time
(process_time) per signature.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dkim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

from bench import results as results_mod
from dispatch.domain import dkim as ddkim
from dispatch.domain.mime import Mail


def mail_bytes() -> bytes:
    html = "<p>Sehr geehrte Frau Dr. Müller,</p>" + "<p>Die ACME AG lädt Sie zur Pressekonferenz ein.</p>" * 40
    return Mail("ACME Pressestelle", "presse@acme.example", "anna@zeitung.example", "Einladung, Anna",
                "Sehr geehrte Frau Dr. Müller,\n\n" + "Die ACME AG lädt Sie zur Pressekonferenz ein.\n" * 40, html,
                message_id="<1.abc@bounces.example>",
                headers=[("List-Unsubscribe", "<https://press.example/u/1.x>, <mailto:u-1-x@bounces.example>"),
                         ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]).to_bytes()


def per_op(fn, n: int) -> float:
    t0 = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t0) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    started = results_mod.start()
    kp = ddkim.generate_keys("bench")
    rsa_key, ed_key = ddkim.load_private_keys("bench", kp.rsa_private, kp.ed25519_private)
    raw = mail_bytes()
    rsa_only = ddkim.Signer("acme.example", "pr1r", rsa_key)
    both = ddkim.Signer("acme.example", "pr1r", rsa_key, "pr1e", ed_key)
    pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    digest = b"\x01" * 32
    records = {b"pr1r._domainkey.acme.example.": f"v=DKIM1; k=rsa; p={kp.rsa_public}".encode(),
               b"pr1e._domainkey.acme.example.": f"v=DKIM1; k=ed25519; p={kp.ed25519_public}".encode()}
    signed = both.sign(raw)
    ok = [dkim.DKIM(signed).verify(idx=i, dnsfunc=lambda name, timeout=5: records.get(name)) for i in (0, 1)]
    variants = {
        "raw OpenSSL RSA-2048 (cryptography)": lambda: rsa_key.sign(digest, padding.PKCS1v15(),
                                                                    utils.Prehashed(hashes.SHA256())),
        "ours: RSA-SHA256 DKIM signature": lambda: rsa_only.sign(raw),
        "ours: RSA + Ed25519 (every mail)": lambda: both.sign(raw),
    }
    totals = {k: 0.0 for k in variants}
    rounds = 5
    for _ in range(rounds):
        for name, fn in variants.items():
            totals[name] += per_op(fn, args.n // rounds)
    results = {k: v / rounds for k, v in totals.items()}
    dkimpy_n = max(20, args.n // 20)
    results["dkimpy: RSA-SHA256 (pure Python)"] = per_op(
        lambda: dkim.sign(raw, b"pr1r", b"acme.example", pem, include_headers=[b"from", b"to", b"subject"]),
        dkimpy_n)
    base = results["raw OpenSSL RSA-2048 (cryptography)"]
    print(f"DKIM signing, {len(raw):,}-byte mail, CPU per signature (n={args.n}; dkimpy n={dkimpy_n}); "
          f"dkimpy verifies ours: {ok}")
    for name, ms in results.items():
        print(f"  {name:<40} {ms:7.3f} ms   {ms / base:5.2f}x raw   {1000 / ms:8.0f}/s")
    ratio = results["ours: RSA-SHA256 DKIM signature"] / base
    print(f"target ours RSA <= 1.5x raw: {'met' if ratio <= 1.5 else 'NOT met'} ({ratio:.2f}x)")
    ours = results["ours: RSA-SHA256 DKIM signature"]
    both = results["ours: RSA + Ed25519 (every mail)"]
    results_mod.record("dispatch_dkim", started, {
        "n": args.n, "mail_bytes": len(raw), "dkimpy_verifies_ours": ok,
        "ms_per_signature": {k: round(v, 4) for k, v in results.items()}, "ratio_rsa_to_raw": round(ratio, 3)}, [
        results_mod.row("dispatch: DKIM RSA signature, CPU (`bench/dispatch_dkim.py`)", f"{ours:.3f} ms",
                        f"raw OpenSSL RSA-2048 of the digest {base:.3f} ms", f"{ratio:.2f}",
                        f"<= 1.5: {'met' if ratio <= 1.5 else 'NOT met'}"),
        results_mod.row("dispatch: DKIM RSA + Ed25519 (every mail)", f"{both:.3f} ms", f"{base:.3f} ms",
                        f"{both / base:.2f}"),
    ])


if __name__ == "__main__":
    main()
