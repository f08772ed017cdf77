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
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")
INFRA = ("rabbitmq", "postgres", "redis")
# processes that only Kubernetes runs (the hourly CronJob; in compose, billing's own timer does the same)
NOT_IN_COMPOSE = {"billing-jobs"}
SMTPSINK_COMMAND = ["python", "-m", "smtpsink", "--smtp-host", "0.0.0.0", "--smtp-port", "1025",
                    "--web-host", "0.0.0.0", "--web-port", "8025", "--store", "/data/mail"]


@pytest.fixture(scope="module")
def processes(code) -> set[str]:
    """The compose services that run Pressroom code (conftest.PROCESSES, by the same names)."""
    return set(code.PROCESSES) - NOT_IN_COMPOSE


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
    # and not on a developer's .env next to the file either (an empty env file instead): the defaults are checked
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.env"
        empty.write_text("")
        base = [_docker_compose(), "--project-directory", str(REPO), "--env-file", str(empty), "-f", str(COMPOSE_FILE)]
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


def test_every_service_is_there(processes):
    assert set(rendered()["services"]) == {*INFRA, *processes, "smtpsink"}


def test_app_services_share_one_image_and_run_the_procfiles_commands(code, processes):
    for name in processes | {"smtpsink"}:
        svc = service(name)
        assert svc["image"] == "pressroom:dev", name
        assert Path(svc["build"]["context"]).resolve() == REPO, name
        expected = SMTPSINK_COMMAND if name == "smtpsink" else code.container_command(name)
        assert svc["command"] == expected, name


def test_every_process_gets_the_settings_its_code_requires(code_settings, processes):
    """REQUIRED settings (conftest.py: the development default is wrong in a container) of every process, and a
    URL for every database it uses, from its environment: a setting added to the code fails here until it is set."""
    for name in processes:
        env = service(name).get("environment", {})
        missing = {v for v in code_settings[name].required if env.get(v) in (None, "")}
        assert not missing, f"{name} reads {sorted(missing)} but docker-compose.yml does not set them"
        for db in code_settings[name].databases:
            url = _database_url(env, db)
            assert url, f"{name}: no {db.upper()}_DATABASE_URL or PRESSROOM_DB_BASE"
            assert url.startswith("postgresql+psycopg://pressroom:") and "@postgres:5432/" in url, (name, db)
            assert url.endswith(f"/pressroom_{db}"), (name, db)


def _database_url(env: dict, db: str) -> str | None:
    explicit = env.get(f"{db.upper()}_DATABASE_URL")
    base = env.get("PRESSROOM_DB_BASE")
    return explicit or (f"{base.rstrip('/')}/pressroom_{db}" if base else None)


def test_credentials_match_the_servers_they_log_in_to(processes):
    """The rendered defaults agree: the URLs carry the password PostgreSQL and RabbitMQ are created with."""
    db_password = service("postgres")["environment"]["POSTGRES_PASSWORD"]
    amqp_password = service("rabbitmq")["environment"]["RABBITMQ_DEFAULT_PASS"]
    assert db_password and amqp_password
    for name in processes:
        env = service(name)["environment"]
        for var, value in env.items():
            if var.endswith("_DATABASE_URL") or var == "PRESSROOM_DB_BASE":
                assert f"://pressroom:{db_password}@postgres:5432" in value, f"{name}: {var}"
        assert env["AMQP_URI"] == f"amqp://pressroom:{amqp_password}@rabbitmq:5672/", name


def test_secrets_come_from_the_environment_with_obviously_dev_defaults(code):
    """In the file itself (not the rendering): every secret-like value is a ${VAR:-default} whose default is empty
    or says it is for development, so a real secret can be passed in and none is committed."""
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    environments = [("x-app-env", raw["x-app-env"])]
    environments += [(n, s.get("environment", {})) for n, s in raw["services"].items()]
    checked = set()
    for where, env in environments:
        if not isinstance(env, dict):
            continue
        for var, value in env.items():
            if var == "<<":
                continue
            if code.SECRET_LIKE.search(var) or var in ("POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS"):
                defaults = re.findall(r"\$\{\w+:-([^}]*)\}", str(value))
                assert defaults, f"{where}: {var} must come from the environment (${{VAR:-dev default}})"
                assert all(d == "" or "dev" in d for d in defaults), f"{where}: {var}: default {defaults}"
                checked.add(var)
    assert {"PRINCIPAL_SECRET", "TRACKING_SECRET", "DKIM_KEY_SECRET", "CRM_SECRET_KEY", "AMQP_URI",
            "POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS", "REDIS_URL"} <= checked


def test_redis_requires_a_password_and_its_clients_carry_it(code_settings, processes):
    """Redis is started with --requirepass (whoever reaches it without the password gets NOAUTH; the gateway also
    authenticates its cache entries), its health check logs in, and every process that uses Redis has the password
    in its REDIS_URL."""
    redis = service("redis")
    command = redis["command"]
    assert "--requirepass" in command, "Redis must require a password"
    password = command[command.index("--requirepass") + 1]
    assert password and "dev" in password, "the rendered default is an obviously-dev password"
    assert redis["environment"]["REDISCLI_AUTH"] == password, "the health check's redis-cli must log in"
    assert "redis-cli" in redis["healthcheck"]["test"]
    raw = yaml.safe_load(COMPOSE_FILE.read_text())["services"]["redis"]
    assert "${REDIS_PASSWORD:-" in " ".join(raw["command"]), "the password comes from the environment"
    users = {n for n in processes if "REDIS_URL" in code_settings[n].read}
    assert {"gateway", "identity", "dispatch-sender"} <= users
    for name in users:
        assert service(name)["environment"]["REDIS_URL"] == f"redis://:{password}@redis:6379/0", name


def test_compose_is_a_development_environment(processes):
    """Its secrets are development defaults: PRESSROOM_ENV=production (which refuses them) only when asked for."""
    for name in processes:
        env = service(name).get("environment", {})
        assert env.get("PRESSROOM_ENV") == "development", name
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    assert raw["x-app-env"]["PRESSROOM_ENV"] == "${PRESSROOM_ENV:-development}"


def test_every_long_running_service_has_a_health_check():
    for name in set(rendered()["services"]) - {"migrate"}:
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
        assert svc["environment"]["WEB_SERVER_ADDRESS"] == "0.0.0.0:8000", name
    assert service("dispatch")["environment"]["SMTP_HOST"] == "smtpsink"
    assert service("dispatch")["environment"]["SMTP_PORT"] in ("1025", 1025)


def test_dispatch_sender_needs_no_broker_and_asks_the_sink_before_resending():
    sender = service("dispatch-sender")
    depends = sender["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["smtpsink"]["condition"] == "service_healthy"
    assert "rabbitmq" not in depends, "the sender talks to PostgreSQL and the relay only"
    assert "127.0.0.1:8000/health" in " ".join(sender["healthcheck"]["test"])
    env = sender["environment"]
    assert (env["SMTP_HOST"], str(env["SMTP_PORT"])) == ("smtpsink", "1025")
    assert env["SMTP_RECONCILE_URL"] == "http://smtpsink:8025", "exactly-once needs the sink's Message-ID lookup"


def test_bounce_endpoint_listens_on_all_interfaces_on_its_published_port():
    bounces = service("dispatch-bounces")
    env = bounces["environment"]
    assert env["BOUNCE_SMTP_HOST"] == "0.0.0.0", "127.0.0.1 inside a container is unreachable"
    port = int(env["BOUNCE_SMTP_PORT"])
    assert port in published_ports(bounces)
    assert str(port) in " ".join(bounces["healthcheck"]["test"]), "the health check connects to that port"
    assert bounces["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_file_settings_point_into_named_volumes_and_the_spool_is_shared(code_settings, processes):
    """A directory a process writes (CRM_STORAGE_DIR, UPLOAD_DIR, ...: REQUIRED settings whose value is a path) is a
    named volume in that container; the upload spool is the same volume wherever it is used."""
    volumes = set(rendered()["volumes"])
    spool_sources = set()
    for name in processes:
        svc = service(name)
        for var in code_settings[name].required:
            value = str(svc["environment"].get(var, ""))
            if not value.startswith("/"):
                continue
            source = mounts(svc).get(value)
            assert source in volumes, f"{name}: {var}={value} is not a named volume"
            if var == "UPLOAD_DIR":
                spool_sources.add(source)
    users = {n for n in processes if "UPLOAD_DIR" in code_settings[n].required}
    assert users >= {"gateway", "crm"}
    assert len(spool_sources) == 1, f"gateway and crm must share one upload spool, not {spool_sources}"


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
    redis_url = gateway["environment"]["REDIS_URL"]
    assert redis_url.startswith("redis://:") and "@redis:6379/" in redis_url
    assert {"GATEWAY_WORKERS", "GATEWAY_THREADS"} <= set(gateway["environment"])


def test_smtpsink_publishes_smtp_and_web_and_keeps_mail_in_a_volume():
    sink = service("smtpsink")
    assert {1025, 8025} <= published_ports(sink)
    assert mounts(sink)["/data/mail"] in rendered()["volumes"]


def test_infrastructure():
    rabbit, postgres, redis = (service(n) for n in INFRA)
    assert rabbit["image"] == "rabbitmq:3.13.7-management"
    assert postgres["image"] == "postgres:15.10"
    assert redis["image"] == "redis:7.4.2"
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert postgres["environment"]["POSTGRES_USER"] == "pressroom"
    assert rabbit["environment"]["RABBITMQ_DEFAULT_USER"] == "pressroom"
    postgres_mounts = mounts(postgres)
    assert postgres_mounts["/var/lib/postgresql/data"] in rendered()["volumes"], "PostgreSQL data in a named volume"
    init = [src for target, src in postgres_mounts.items() if target.startswith("/docker-entrypoint-initdb.d/")]
    assert init and all(Path(src).is_file() for src in init), "the init script that lets pressroom create databases"
    assert "CREATEDB" in Path(init[0]).read_text()


def test_every_third_party_image_is_pinned_to_an_exact_version(code):
    """No floating tags (redis:7, rabbitmq:3.13, latest): an exact major.minor.patch version or a digest, so a
    restart never pulls a different release. Only the suite's own image (built here) is exempt."""
    for name, spec in rendered()["services"].items():
        image = spec.get("image", "")
        if not image or image.startswith("pressroom:"):
            continue
        assert code.pinned(image), f"{name}: {image} floats"

