"""The ground truth the deployment tests use (conftest.py): which processes run what, and which settings their code
reads. These tests keep that analysis honest: every setting found is classified, the classification has no stale
entries, the analysis finds what it must, the processes are the Procfile's, and every NOT_NEEDED exemption is
still true of the code.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def all_read(code):
    return frozenset().union(*(code.settings_read(p) for p in code.PROCESSES))


def test_every_setting_the_code_reads_is_classified(code, all_read):
    """A new setting in the code fails here until somebody decides whether the deployment must set it."""
    unclassified = {n for n in all_read
                    if n not in code.REQUIRED and n not in code.OPTIONAL and not n.endswith("_DATABASE_URL")}
    assert not unclassified, \
        f"classify these in tests/deploy/conftest.py (REQUIRED or OPTIONAL): {sorted(unclassified)}"


def test_the_classification_has_no_stale_or_double_entries(code, all_read):
    assert not set(code.REQUIRED) & code.OPTIONAL
    assert not (set(code.REQUIRED) | code.OPTIONAL) - all_read, "no deployed process reads these any more"


def test_the_analysis_finds_what_it_must(code):
    """Guards the analyser itself: an import it no longer follows would silently shrink every requirement."""
    assert "gateway.routes.web" in code.closure("gateway.app"), "routes are imported by name (gateway.routes.load)"
    assert "dispatch.engine.smtp" in code.closure("dispatch.sender")
    assert {"TRACKING_SECRET", "DKIM_KEY_SECRET", "SMTP_HOST", "VERP_DOMAIN"} <= code.settings_read("dispatch-sender")
    assert {"UPLOAD_DIR", "CRM_STORAGE_DIR", "CRM_SECRET_KEY"} <= code.settings_read("crm")
    assert {"UPLOAD_DIR", "REDIS_URL", "FORWARDED_ALLOW_IPS"} <= code.settings_read("gateway")
    assert {"AMQP_URI", "PRINCIPAL_SECRET", "WEB_SERVER_ADDRESS"} <= code.settings_read("identity"), "config.yml"
    for process, spec in code.PROCESSES.items():
        assert spec.entry in code.closure(spec.entry) and code.module_file(spec.entry), process


def test_the_deployed_processes_are_the_procfiles(code):
    """Every process `make run` starts (but the development tools) is deployed, with the Procfile's command."""
    procs = code.procfile()
    assert set(procs) - code.PROCFILE_DEV_ONLY <= set(code.PROCESSES), "a Procfile process the deployment does not run"
    for process, spec in code.PROCESSES.items():
        argv = code.container_command(process)
        assert code.command_module(argv) == spec.entry, f"{process}: conftest analyses {spec.entry}, runs {argv}"
        if spec.config:
            assert argv[argv.index("--config") + 1] == f"/app/{spec.config}", process
        if argv[:2] == ["python", "-m"]:
            tree = ast.parse(code.module_file(spec.entry).read_text())
            assert any(isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in tree.body), (
                f"{process}: `python -m {spec.entry}` needs an `if __name__ == \"__main__\":` block")


def test_not_needed_entries_are_real_and_still_read(code):
    broker = {p for p, names in code.NOT_NEEDED.items() if {"AMQP_URI", "PRINCIPAL_SECRET"} & set(names)}
    assert broker == {"dispatch-sender", "dispatch-bounces", "migrate"}, "each is checked by the test below"
    for process, names in code.NOT_NEEDED.items():
        assert process in code.PROCESSES
        for name in names:
            assert name in code.REQUIRED, f"{process}: {name} is not REQUIRED, no exemption needed"
            assert name in code.settings_read(process), f"{process}: no longer reads {name}: drop the exemption"


# the functions of svckit.settings through which code reads the broker URL and the principal secret
_BROKER_FUNCTIONS = {"amqp_uri", "principal_secret", "nameko_config"}


@pytest.mark.parametrize("process", ["dispatch-sender", "dispatch-bounces", "migrate"])
def test_processes_exempt_from_the_broker_do_not_use_it(code, process):
    assert {"AMQP_URI", "PRINCIPAL_SECRET"} <= set(code.NOT_NEEDED[process])
    spec = code.PROCESSES[process]
    if spec.config:
        # a nameko process: its container, set up with an empty config, must have no AMQP-based extension
        # (DispatchService, say, fails right here: its RPC entrypoints ask the config for AMQP_URI)
        module, _, cls = code.container_command(process)[-1].partition(":")
        script = (
            "import json\n"
            "from nameko.containers import ServiceContainer\n"
            f"from {module} import {cls} as cls\n"
            "container = ServiceContainer(cls, {})\n"
            "print(json.dumps(sorted({type(e).__module__ for e in container.extensions})))\n"
        )
        proc = subprocess.run([sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True,
                              timeout=120, cwd=code.REPO, check=False)
        assert proc.returncode == 0, f"{process} cannot be set up without AMQP_URI:\n{proc.stderr[-2000:]}"
        modules = json.loads(proc.stdout.strip().splitlines()[-1])
        amqp = [m for m in modules if m.startswith(("nameko.rpc", "nameko.events", "nameko.messaging",
                                                   "nameko.amqp", "svckit.entrypoints", "svckit.outbox"))]
        assert not amqp, f"{process} runs AMQP extensions {amqp}: it needs AMQP_URI and PRINCIPAL_SECRET"
    else:
        # a plain process reads them only through svckit.settings' functions: nothing it imports may call them
        for module in code.closure(spec.entry) - {"svckit.settings"}:
            tree = ast.parse(code.module_file(module).read_text())
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | \
                   {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} | \
                   {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
            assert not used & _BROKER_FUNCTIONS, f"{process}: {module} uses {used & _BROKER_FUNCTIONS}"


def test_secret_like_pattern_covers_the_secrets(code):
    for name in ("PRINCIPAL_SECRET", "TRACKING_SECRET", "DKIM_KEY_SECRET", "CRM_SECRET_KEY", "AMQP_URI",
                 "SMTP_PASSWORD", "BOUNCE_IMAP_PASSWORD", "DISPATCH_DATABASE_URL", "PRESSROOM_DB_BASE", "REDIS_URL",
                 "REDIS_PASSWORD", "AUTH_CACHE_KEY"):
        assert code.SECRET_LIKE.search(name), name
    for name in ("SMTP_HOST", "UPLOAD_DIR", "PUBLIC_BASE_URL", "PRESSROOM_ENV"):
        assert not code.SECRET_LIKE.search(name), name
