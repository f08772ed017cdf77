"""docker-compose.yml, checked offline with docker-compose itself (no Docker engine needed for `config`).

`docker-compose config -q` validates the file against the Compose schema and resolves anchors, merge keys and
variables; the rendered `docker-compose config` is then parsed to assert what the suite relies on: every service,
every health check, and the order of start (the services wait for a successful `migrate`).
docker-compose is Debian's package (`scripts/bootstrap.sh test`, i.e. `make test`, installs it); without it this
test fails rather than skips, so a missing tool cannot pass for a valid file.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")
INFRA = ("rabbitmq", "postgres", "redis")
ALL = {*INFRA, "migrate", *SERVICES, "gateway", "smtpsink"}
APP = {"migrate", *SERVICES, "gateway", "smtpsink"}
COMMANDS = {
    **{s: ["nameko", "run", "--config", f"/app/services/{s}/config.yml", f"{s}.service:{s.capitalize()}Service"] for s in SERVICES},
    "migrate": ["python", "-m", "svckit.dbadmin", "migrate"],
    "gateway": ["gunicorn", "-c", "/app/gateway/gunicorn.conf.py", "gateway.app:get_app()"],
    "smtpsink": ["python", "-m", "smtpsink", "--smtp-host", "0.0.0.0", "--smtp-port", "1025",
                 "--web-host", "0.0.0.0", "--web-port", "8025", "--store", "/data/mail"],
}


def _docker_compose() -> str:
    found = shutil.which("docker-compose")
    if not found:
        pytest.fail("docker-compose is not on PATH: it validates docker-compose.yml offline. Install it with "
                    "`make test` (scripts/bootstrap.sh test installs Debian's docker-compose) or "
                    "`sudo apt-get install docker-compose`.")
    return found


@functools.cache
def _results() -> dict[str, subprocess.CompletedProcess]:
    """`config -q` and `config`, started together (docker-compose takes a few seconds to start)."""
    # a clean environment: the rendering must not depend on the caller's COMPOSE_* or PRINCIPAL_SECRET
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    base = [_docker_compose(), "--project-directory", str(REPO), "-f", str(COMPOSE_FILE)]
    procs = {key: subprocess.Popen([*base, *key.split()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, cwd=REPO, env=env)
             for key in ("config -q", "config")}
    results = {}
    for key, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        results[key] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return results


@functools.cache
def rendered() -> dict:
    proc = _results()["config"]
    assert proc.returncode == 0, f"docker-compose config failed:\n{proc.stderr}"
    return yaml.safe_load(proc.stdout)


def service(name: str) -> dict:
    return rendered()["services"][name]


def published_ports(svc: dict) -> set[int]:
    ports = set()
    for port in svc.get("ports", []):
        if isinstance(port, dict):
            ports.add(int(port["published"]))
        else:  # "[ip:]published:target"
            ports.add(int(str(port).split(":")[-2]))
    return ports


def mounts(svc: dict) -> dict[str, str]:
    """target -> source"""
    result = {}
    for volume in svc.get("volumes", []):
        if isinstance(volume, dict):
            result[volume["target"]] = volume.get("source", "")
        else:
            source, target, *_ = str(volume).split(":")
            result[target] = source
    return result


def test_compose_file_is_valid():
    proc = _results()["config -q"]
    assert proc.returncode == 0, f"docker-compose config -q rejected docker-compose.yml:\n{proc.stderr}"


def test_compose_specification_without_version_key():
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    assert "version" not in raw, "the Compose specification has no version key"
    assert any(key.startswith("x-") for key in raw), "shared definitions live in x- extension fields"


def test_every_service_is_there():
    assert set(rendered()["services"]) == ALL


def test_app_services_share_one_image_built_from_the_repository():
    for name in APP:
        svc = service(name)
        assert svc["image"] == "pressroom:dev", name
        assert Path(svc["build"]["context"]).resolve() == REPO, name
        assert svc["command"] == COMMANDS[name], name


def test_every_long_running_service_has_a_health_check():
    for name in ALL - {"migrate"}:
        check = service(name).get("healthcheck")
        assert check and not check.get("disable") and check.get("test"), f"{name} has no health check"
        test = check["test"]
        if test[0] == "CMD" and test[1:3] == ["python", "-c"]:
            compile(test[3], f"<healthcheck of {name}>", "exec")  # the probes are Python one-liners: no curl


def test_nameko_services_wait_for_the_broker_and_the_migration_and_probe_health():
    for name in SERVICES:
        svc = service(name)
        depends = svc["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["rabbitmq"]["condition"] == "service_healthy", name
        assert "127.0.0.1:8000/health" in " ".join(svc["healthcheck"]["test"]), name
        env = svc["environment"]
        url = env[f"{name.upper()}_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url, name
        assert url.endswith(f"/pressroom_{name}"), name
        assert env["AMQP_URI"].startswith("amqp://") and "@rabbitmq:5672" in env["AMQP_URI"], name
        assert env["PRINCIPAL_SECRET"] and env["WEB_SERVER_ADDRESS"].endswith(":8000"), name
    assert service("dispatch")["environment"]["SMTP_HOST"] == "smtpsink"
    assert service("dispatch")["environment"]["SMTP_PORT"] in ("1025", 1025)


def test_migrate_runs_once_after_postgres_is_healthy():
    migrate = service("migrate")
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate.get("restart", "no") == "no"
    assert migrate["environment"]["PRESSROOM_DB_BASE"].endswith("@postgres:5432")


def test_gateway_is_published_on_8080_after_the_services():
    gateway = service("gateway")
    assert 8080 in published_ports(gateway)
    assert "127.0.0.1:8080/healthz" in " ".join(gateway["healthcheck"]["test"])
    assert set(SERVICES) <= set(gateway["depends_on"])
    assert gateway["environment"]["REDIS_URL"].startswith("redis://redis:6379")
    assert {"GATEWAY_WORKERS", "GATEWAY_THREADS", "PUBLIC_BASE_URL", "PRINCIPAL_SECRET"} <= set(gateway["environment"])


def test_smtpsink_publishes_smtp_and_web_and_keeps_mail_in_a_volume():
    sink = service("smtpsink")
    assert {1025, 8025} <= published_ports(sink)
    assert mounts(sink)["/data/mail"] in rendered()["volumes"]


def test_infrastructure():
    rabbit, postgres, redis = (service(n) for n in INFRA)
    assert rabbit["image"] == "rabbitmq:3.13-management"
    assert postgres["image"] == "postgres:15"
    assert redis["image"].startswith("redis:7")
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert postgres["environment"]["POSTGRES_USER"] == "pressroom"
    assert postgres["environment"]["POSTGRES_PASSWORD"] == "pressroom"
    postgres_mounts = mounts(postgres)
    assert postgres_mounts["/var/lib/postgresql/data"] in rendered()["volumes"], "PostgreSQL data in a named volume"
    init = [src for target, src in postgres_mounts.items() if target.startswith("/docker-entrypoint-initdb.d/")]
    assert init and all(Path(src).is_file() for src in init), "the init script that lets pressroom create databases"
    assert "CREATEDB" in Path(init[0]).read_text()
