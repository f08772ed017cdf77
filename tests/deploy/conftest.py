"""What the code reads from its environment, per deployed process: the ground truth the deployment tests compare
docker-compose.yml and deploy/k8s against.

For every process the deployment runs (PROCESSES), the static import closure of its entry module within the suite's
own packages is walked (imports inside functions included, so a lazily imported module counts), and every setting
the code reads is collected: ``env("NAME"...)``, ``os.environ.get("NAME")``, ``os.environ["NAME"]``,
``os.getenv("NAME")``, ``config.get("NAME")`` and the ``get("NAME", ...)`` helpers of the settings modules, plus the
``${NAME:default}`` placeholders of the nameko config.yml the process is started with.

Every name found must be classified below (REQUIRED or OPTIONAL): a setting added to the code fails the tests until
somebody decides whether the deployment has to set it. REQUIRED names are the ones whose development default is
wrong in a container (127.0.0.1, localhost, a relative var/ directory, a dev-only secret, *.pressroom.local): every
container that runs code reading one of them must define it (test_k8s.py, test_compose.py), except where NOT_NEEDED
records, with the reason, that the process reads a name without using it (test_code.py checks those entries).
Database URLs are required per Process.databases: either variable of svckit.settings.database_url will do.
The fixture ``code_settings`` hands the result to the tests (process -> CodeSettings); the commands the processes
run come from the Procfile (container_command), so the analysed module is the one the deployment starts.
"""

from __future__ import annotations

import ast
import functools
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = {  # top-level package -> its directory
    "svckit": REPO / "services/svckit/svckit",
    **{s: REPO / f"services/{s}/{s}" for s in ("identity", "crm", "dispatch", "pressbase", "billing")},
    "gateway": REPO / "gateway/gateway",
    "smtpsink": REPO / "tools/smtpsink/smtpsink",
}
SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")


@dataclass(frozen=True)
class Process:
    entry: str                      # the module the command runs (or imports the app from)
    config: str | None = None       # the nameko config.yml it is started with
    extra_files: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()  # the service databases it connects to (svckit.settings.database_url)


# every process the deployment runs, by the name of its compose service / Kubernetes workload
PROCESSES: dict[str, Process] = {
    **{s: Process(f"{s}.service", f"services/{s}/config.yml", databases=(s,)) for s in SERVICES},
    "dispatch-sender": Process("dispatch.sender", "services/dispatch/config.yml", databases=("dispatch",)),
    "dispatch-bounces": Process("dispatch.bounces", databases=("dispatch",)),
    "gateway": Process("gateway.app", extra_files=("gateway/gunicorn.conf.py",)),
    "migrate": Process("svckit.dbadmin", databases=SERVICES),
    "billing-jobs": Process("billing.jobs"),
}

# the deployment must set these wherever code that reads them runs (the reason is the development default)
REQUIRED = {
    "AMQP_URI": "broker at 127.0.0.1, guest account",
    "PRINCIPAL_SECRET": "dev-only HMAC secret",
    "REDIS_URL": "Redis at 127.0.0.1, without the password Redis requires",
    "PRESSROOM_ENV": "development: a missing or development secret is not refused (svckit.settings)",
    "PUBLIC_BASE_URL": "http://localhost:8080 in links and mails",
    "SMTP_HOST": "relay at 127.0.0.1",
    "SMTP_PORT": "1025, the development sink's port",
    "MAIL_FROM": "no-reply@pressroom.local",
    "TRANSACTIONAL_MAIL_VIA": "svckit.mail's own default is direct SMTP; the suite sends through dispatch",
    "VERP_DOMAIN": "bounces.pressroom.local",
    "SPF_INCLUDE": "spf.pressroom.local",
    "TRACKING_SECRET": "dev-only secret (tracking links, VERP addresses)",
    "DKIM_KEY_SECRET": "dev-only secret (DKIM private keys at rest)",
    "CRM_SECRET_KEY": "no default: mailbox passwords cannot be stored",
    "CRM_STORAGE_DIR": "var/crm-storage, relative to a read-only working directory",
    "UPLOAD_DIR": "var/uploads, relative to a read-only working directory; shared by gateway and crm",
    "BOUNCE_SMTP_HOST": "binds 127.0.0.1: unreachable from outside the container",
    "BOUNCE_SMTP_PORT": "the port the bounce Service / published port forwards to",
    "WEB_SERVER_ADDRESS": "the Procfile binds 127.0.0.1:81xx; the probes need 0.0.0.0:8000",
    "FORWARDED_ALLOW_IPS": "127.0.0.1: the proxy in front of the gateway is not trusted",
}
# read by the code, but the default is right for a container (or the feature is off unless configured)
OPTIONAL = {
    "AUTH_CACHE", "AUTH_CACHE_PREFIX", "AUTH_CACHE_SECONDS",
    "AUTH_CACHE_KEY",  # the principal cache's MAC key; unset: derived from the principal key ring (svckit.authcache)
    "PRINCIPAL_TOKEN_TTL", "PRINCIPAL_SERVICE_TOKEN_TTL",  # principal token lifetimes (svckit.principal)
    "BILLING_AUTO_ACTIVATE", "BILLING_JOB_INTERVAL", "BILLING_RENDER_PDF", "BILLING_TIMER", "BILLING_TODAY",
    "BOUNCE_IMAP_FOLDER", "BOUNCE_IMAP_HOST", "BOUNCE_IMAP_INTERVAL", "BOUNCE_IMAP_PASSWORD", "BOUNCE_IMAP_PORT",
    "BOUNCE_IMAP_SSL", "BOUNCE_IMAP_USER",  # the optional IMAP bounce mailbox (off without BOUNCE_IMAP_HOST)
    "CRM_ATTACHMENTS_MAX_BYTES", "CRM_EXPORT_RPC_TIMEOUT", "CRM_IMAP_INTERVAL", "CRM_IMPORT_MAX_BYTES",
    "CRM_MEDIA_MAX_BYTES",
    "CRM_SECRET_KEYS_OLD",  # earlier CRM_SECRET_KEYs, decrypt only, set while rotating (docs/operations.md)
    "DNS_NAMESERVERS", "DNS_PORT", "DNS_TIMEOUT",  # empty: the pod's resolver
    "DB_PING_IDLE_SECONDS",  # svckit.db: ping a pooled connection after this many idle seconds
    "DOMAIN_LIMITS_SHARED",  # dispatch-sender: 1 shares the per-domain limits across senders in Redis (REDIS_URL)
    "DOMAIN_CONCURRENCY", "DOMAIN_RATE_PER_MINUTE", "HOUSEKEEPING_INTERVAL", "IDLE_SLEEP", "LEASE_SECONDS",
    "MAIL_FROM_NAME", "MAX_ATTACHMENT_BYTES", "RETRY_BACKOFF", "RETRY_WINDOW_HOURS", "SEND_BATCH_SIZE",
    "SMTP_CONNECTIONS", "SMTP_TIMEOUT", "SOFT_BOUNCE_LIMIT",
    "SMTP_STARTTLS", "SMTP_USER", "SMTP_PASSWORD",  # relay-specific: prod sets STARTTLS; credentials if it needs them
    "SMTP_RECONCILE_URL",  # only a relay that can be asked (the development sink): asserted per environment
    "GATEWAY_BIND", "GATEWAY_PORT", "GATEWAY_THREADS", "GATEWAY_TIMEOUT", "GATEWAY_WORKERS",
    "GATEWAY_GRACEFUL_TIMEOUT",
    "GATEWAY_BREAKER_FAILURES", "GATEWAY_BREAKER_COOLDOWN", "GATEWAY_BULKHEAD_SHARE",  # gateway.resilience
    "GATEWAY_METRICS_PORT", "GATEWAY_METRICS_HOST",  # /metrics only on that port (prod: 9090, gateway/metrics.py)
    "BOUNCES_METRICS_PORT",  # dispatch.bounces serves /metrics there when set (prod: 8000)
    "PROMETHEUS_MULTIPROC_DIR",  # gunicorn.conf.py: a directory of its own per start unless set
    "MAX_JSON_BYTES", "READY_TIMEOUT", "RPC_TIMEOUT",
    "TRUSTED_PROXIES",  # gateway: empty believes no X-Forwarded-For (safe); the k8s overlays name the Ingress network
    "WEB_APP_DIR",  # the gateway wheel carries the built web app (Dockerfile, web stage)
    "LOG_FORMAT", "LOG_LEVEL", "MAX_WORKERS",
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME",  # svckit.tracing: spans exported only when set (operations.md)
    "PRESSBASE_EXACT_COUNT_LIMIT", "PRESSBASE_FEED_MAX_BYTES", "PRESSBASE_MAX_FEED_BYTES",
    "PRESSROOM_DB_PREFIX",  # tests only
    "PRESSROOM_DB_BASE",  # the database URLs are required per process (Process.databases), see database_vars()
}
# REQUIRED names the static analysis finds in a process that the process never uses, with the reason. The
# deployment does not hand them over (least privilege: dispatch-bounces is the internet-facing MX); test_code.py
# checks that each entry is still read (else it is stale) and the AMQP ones by what the process really runs.
NOT_NEEDED: dict[str, dict[str, str]] = {
    "dispatch": {
        "REDIS_URL": "DispatchSettings.load reads it; only the sender's shared per-domain limits use Redis",
    },
    "dispatch-sender": {
        "AMQP_URI": "no RPC, event or AMQP extension (the shared dispatch config.yml names it): no broker",
        "PRINCIPAL_SECRET": "serves and calls no RPC (the shared dispatch config.yml names it)",
    },
    "dispatch-bounces": {
        "AMQP_URI": "svckit.settings.amqp_uri() is never called: it writes events to the outbox table only",
        "PRINCIPAL_SECRET": "svckit.settings.principal_secret() is never called: no RPC",
        "DKIM_KEY_SECRET": "DispatchSettings.load reads it, but the bounce endpoint signs nothing and makes no keys",
        "REDIS_URL": "DispatchSettings.load reads it, but the bounce endpoint uses no Redis "
                     "(and must not hold its password)",
    },
    "migrate": {
        "AMQP_URI": "svckit.dbadmin talks to PostgreSQL only",
        "PRINCIPAL_SECRET": "svckit.dbadmin talks to PostgreSQL only",
    },
}
# nameko config keys built in code or fixed in config.yml, not environment variables
NOT_SETTINGS = {"DB_URIS", "REQUIRED_SECRETS"}

# secret-like settings: in Kubernetes only from a Secret, in compose only from the environment with a dev default
# (REDIS_URL carries the password Redis requires)
SECRET_LIKE = re.compile(r"SECRET|PASSWORD|_KEY$|TOKEN|^AMQP_URI$|DATABASE_URL$|^PRESSROOM_DB_BASE$|^SMTP_USER$"
                         r"|^REDIS_URL$")

_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")
_MODULE_REF = re.compile(r"^(?:%s)(?:\.\w+)+(?::\w+)?$" % "|".join(PACKAGE_DIRS))
_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]+)(?::[^}]*)?\}")


def module_file(module: str) -> Path | None:
    top, *rest = module.split(".")
    if top not in PACKAGE_DIRS:
        return None
    base = PACKAGE_DIRS[top].joinpath(*rest)
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _imports(module: str, path: Path) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            found.add(source)
            found |= {f"{source}.{alias.name}" for alias in node.names}  # `from pkg import submodule`
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _MODULE_REF.match(node.value):
            found.add(node.value.partition(":")[0])  # "crm.jobhandlers:HANDLERS", imported by name later
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == \
                "import_module" and node.args and isinstance(node.args[0], ast.JoinedStr):
            # import_module(f"{__name__}.{name}") (gateway.routes.load): count the modules of that package
            directory = path.parent
            found |= {f"{package}.{p.stem}" for p in directory.glob("*.py") if p.name != "__init__.py"}
    # a module's parent packages run too (their __init__)
    for name in list(found):
        parts = name.split(".")
        found |= {".".join(parts[:n]) for n in range(1, len(parts))}
    return {m for m in found if module_file(m)}


@functools.cache
def closure(entry: str) -> frozenset[str]:
    seen, todo = set(), [entry]
    while todo:
        module = todo.pop()
        if module in seen or not module_file(module):
            continue
        seen.add(module)
        todo += sorted(_imports(module, module_file(module)) - seen)
    return frozenset(seen)


def _reads(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        arg = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            fname = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if fname in ("env", "get", "getenv"):
                arg = node.args[0].value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "environ":
                arg = node.slice.value
        if isinstance(arg, str) and _NAME.match(arg):
            names.add(arg)
    return names


@functools.cache
def settings_read(process: str) -> frozenset[str]:
    """Every setting the process's code reads (environment or nameko config, which config.yml fills from it)."""
    spec = PROCESSES[process]
    names: set[str] = set()
    for module in closure(spec.entry):
        names |= _reads(module_file(module))
    for extra in spec.extra_files:
        names |= _reads(REPO / extra)
    if spec.config:
        names |= set(_PLACEHOLDER.findall((REPO / spec.config).read_text()))
    return frozenset(names - NOT_SETTINGS)


def required_vars(process: str) -> set[str]:
    """The REQUIRED settings the process reads, less the ones it provably never uses (NOT_NEEDED). The database
    URLs are not in here: see ``databases`` (either variable of svckit.settings.database_url satisfies them)."""
    return {n for n in settings_read(process) if n in REQUIRED} - set(NOT_NEEDED.get(process, {}))


def database_vars(process: str) -> set[str]:
    """svckit.settings.database_url: <SERVICE>_DATABASE_URL, else PRESSROOM_DB_BASE (127.0.0.1 by default)."""
    return {f"{db.upper()}_DATABASE_URL" for db in PROCESSES[process].databases}


def database_url(env: dict[str, str], service: str) -> str | None:
    """What svckit.settings.database_url makes of a container's environment (None: the 127.0.0.1 default)."""
    explicit = env.get(f"{service.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    base = env.get("PRESSROOM_DB_BASE")
    return f"{base.rstrip('/')}/{env.get('PRESSROOM_DB_PREFIX') or 'pressroom_'}{service}" if base else None


@dataclass(frozen=True)
class CodeSettings:
    read: frozenset[str]        # every setting the process's code reads
    required: frozenset[str]    # the ones the deployment must set (database URLs: ``databases``)
    databases: tuple[str, ...]  # the service databases it connects to: each needs a URL that is not the default
    not_needed: frozenset[str]  # REQUIRED names it reads but never uses: a deployment should not hand them over


@pytest.fixture(scope="session")
def code_settings() -> dict[str, CodeSettings]:
    """process -> what its code reads and what the deployment must set."""
    return {p: CodeSettings(settings_read(p), frozenset(required_vars(p)), PROCESSES[p].databases,
                            frozenset(NOT_NEEDED.get(p, {}))) for p in PROCESSES}


# --- the commands: the Procfile (what `make run` starts) is the reference for the deployed ones ----------------------

# Procfile entries that are development tools, not deployed processes (the SMTP sink is deployed in development
# only, with container arguments of its own; announce prints the local URLs)
PROCFILE_DEV_ONLY = {"smtpsink", "announce"}
# deployed processes that are not in the Procfile (`make migrate` runs the migration; billing's jobs are a CronJob)
COMMANDS_NOT_IN_PROCFILE = {
    "migrate": ["python", "-m", "svckit.dbadmin", "migrate"],
    "billing-jobs": ["python", "-m", "billing.jobs", "run-due"],
}


def procfile() -> dict[str, list[str]]:
    """Procfile name (with - for _, as the deployments name them) -> argv, `env VAR=...` prefixes dropped."""
    result = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        argv = shlex.split(command)
        if argv and argv[0] == "env":
            argv = argv[1:]
            while argv and "=" in argv[0]:
                argv = argv[1:]
        result[name.strip().replace("_", "-")] = argv
    return result


def container_command(process: str) -> list[str]:
    """The command a deployed process runs in the image: the Procfile's, with the files the Dockerfile copies to
    /app (services/<svc>/config.yml, gateway/gunicorn.conf.py) at their place there."""
    if process in COMMANDS_NOT_IN_PROCFILE:
        return COMMANDS_NOT_IN_PROCFILE[process]
    return [f"/app/{arg}" if re.fullmatch(r"services/\w+/config\.yml|gateway/gunicorn\.conf\.py", arg) else arg
            for arg in procfile()[process]]


def command_module(argv: list[str]) -> str:
    """The module a command runs: `python -m MODULE`, or the module of the last `module:attr` argument."""
    if argv[:2] == ["python", "-m"]:
        return argv[2]
    return argv[-1].partition(":")[0]


# --- images ----------------------------------------------------------------------------------------------------------

def pinned(image: str) -> bool:
    """An exact release: major.minor.patch, for PostgreSQL (whose second number is the patch release) major.minor;
    or a digest."""
    if re.search(r"@sha256:[0-9a-f]{64}$", image):
        return True
    repository, _, tag = image.rpartition(":")
    exact = r"\d+\.\d+" if repository.rsplit("/", 1)[-1] in ("postgres", "postgresql") else r"\d+\.\d+\.\d+"
    return bool(repository) and "/" not in tag and re.fullmatch(exact + r"(-[\w.-]+)?", tag) is not None


@pytest.fixture(scope="session")
def code():
    """This module (the analysis and its tables) for the tests: with --import-mode=importlib a test file cannot
    import a conftest by name."""
    import sys

    return sys.modules[__name__]
