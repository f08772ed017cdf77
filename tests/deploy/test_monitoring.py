"""Monitoring in the prod overlay and deploy/grafana, checked offline (no promtool needed): every alert rule and
dashboard query parses as PromQL (promql-parser, the Rust parser Prometheus' grammar is ported to), names only
metrics that exist (the suite's own as exported by svckit.metrics, gateway.metrics and dispatch.metrics, or the
exporters' of CloudNativePG, RabbitMQ and kube-state-metrics), every alert has a severity, a summary and a runbook
in docs/operations.md, and the scrape targets point at ports the pods declare."""

from __future__ import annotations

import json
import re
from pathlib import Path

import promql_parser
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from .test_k8s import objects, process_containers

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "deploy" / "grafana" / "pressroom.json"
OPERATIONS = REPO / "docs" / "operations.md"
#: metric names of other exporters, by prefix (CloudNativePG, RabbitMQ, kube-state-metrics) and Prometheus' own
EXTERNAL = re.compile(r"^(cnpg_|rabbitmq_|kube_)|^up$")


def exported_names() -> set[str]:
    """Every series name the suite's processes can export."""
    from prometheus_client import generate_latest

    import dispatch.metrics  # noqa: F401  (registers nothing, but its families use svckit.metrics.SCRAPED)
    import gateway.metrics  # noqa: F401
    import svckit.metrics

    names = set(svckit.metrics.SCRAPED)
    suffixes = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count", "_created"),
                "gauge": ("",), "summary": ("_sum", "_count", "_created")}
    for family in text_string_to_metric_families(generate_latest(REGISTRY).decode()):
        names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
    return names


def metric_names(node) -> set[str]:
    """The metric names a parsed PromQL expression selects."""
    found: set[str] = set()
    if isinstance(node, promql_parser.VectorSelector):
        if node.name:
            found.add(node.name)
        for matcher in node.matchers.matchers:
            if matcher.name == "__name__":
                found.add(matcher.value)
        return found
    for attr in ("lhs", "rhs", "expr", "param", "vector_selector"):
        child = getattr(node, attr, None)
        if child is not None and not isinstance(child, (str, int, float)):
            found |= metric_names(child)
    for child in getattr(node, "args", None) or []:
        found |= metric_names(child)
    return found


def rules() -> list[dict]:
    found = [rule for obj in objects("prod", "PrometheusRule").values() for group in obj["spec"]["groups"]
             for rule in group["rules"]]
    assert found, "prod: PrometheusRules"
    return found


def dashboard_exprs() -> list[tuple[str, str]]:
    board = json.loads(DASHBOARD.read_text())
    return [(panel["title"], target["expr"]) for panel in board["panels"] for target in panel.get("targets", [])]


def test_the_metric_name_check_can_fail():
    assert metric_names(promql_parser.parse('sum(rate(a_total{x="y"}[5m])) / b > on() group_left c')) == \
        {"a_total", "b", "c"}
    assert "pressroom_no_such_metric" not in exported_names()
    assert {"gateway_http_requests_total", "gateway_http_in_flight_requests", "gateway_circuit_open",
            "pressroom_rpc_call_duration_seconds_bucket", "pressroom_send_queue_oldest_age_seconds"} \
        <= exported_names()
    with pytest.raises(ValueError):
        promql_parser.parse("sum(rate(gateway_http_requests_total[5m])")


def test_every_alert_parses_names_exported_metrics_and_has_a_runbook():
    exported = exported_names()
    operations = OPERATIONS.read_text()
    anchors = {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")   # GitHub's heading anchors
               for heading in re.findall(r"^#+ (.+)$", operations, re.M)}
    problems = []
    for rule in rules():
        name = rule.get("alert") or rule.get("record")
        try:
            expr = promql_parser.parse(rule["expr"])
        except ValueError as exc:
            problems.append(f"{name}: does not parse: {exc}")
            continue
        unknown = {m for m in metric_names(expr) if m not in exported and not EXTERNAL.match(m)}
        if unknown:
            problems.append(f"{name}: metrics nobody exports: {sorted(unknown)}")
        if "alert" in rule:
            if rule.get("labels", {}).get("severity") not in ("warning", "critical"):
                problems.append(f"{name}: severity warning or critical")
            if not rule.get("annotations", {}).get("summary"):
                problems.append(f"{name}: a summary")
            anchor = rule.get("annotations", {}).get("runbook_url", "").partition("#")[2]
            if anchor not in anchors:
                problems.append(f"{name}: runbook_url must point at a heading of docs/operations.md ({anchor!r})")
    assert not problems, "\n".join(problems)


def test_the_alerts_cover_what_operations_asked_for():
    exprs = " ".join(rule["expr"] for rule in rules())
    for metric in ("gateway_http_requests_total", "gateway_circuit_open", "pressroom_send_queue_oldest_age_seconds",
                   "pressroom_outbox_oldest_pending_age_seconds", "cnpg_collector_last_available_backup_timestamp",
                   "kube_cronjob_status_last_successful_time", "pressroom_sender_domains",
                   "pressroom_job_oldest_due_age_seconds", "kube_deployment_status_replicas_unavailable"):
        assert metric in exprs, f"no alert on {metric}"


def test_every_dashboard_query_parses_and_names_exported_metrics():
    exported = exported_names()
    problems = []
    for title, expr in dashboard_exprs():
        try:
            parsed = promql_parser.parse(expr)
        except ValueError as exc:
            problems.append(f"{title}: does not parse: {exc}")
            continue
        unknown = {m for m in metric_names(parsed) if m not in exported and not EXTERNAL.match(m)}
        if unknown:
            problems.append(f"{title}: metrics nobody exports: {sorted(unknown)}")
    assert dashboard_exprs() and not problems, "\n".join(problems)


def test_scrape_targets_name_ports_the_pods_declare():
    monitors = objects("prod", "PodMonitor")
    processes = process_containers("prod")

    def ports(name: str) -> set[str]:
        return {p["name"] for p in processes[name][1].get("ports", [])}

    def selected(selector: dict) -> list[str]:
        from .test_k8s import _selects

        return [name for name, (workload, _) in processes.items() if workload["kind"] == "Deployment"
                and _selects(selector, workload["spec"]["template"]["metadata"]["labels"])]

    covered = set()
    for name, monitor in monitors.items():
        if name == "postgres":   # CloudNativePG's instances (port "metrics" is the operator's)
            assert monitor["spec"]["selector"] == {"matchLabels": {"cnpg.io/cluster": "postgres"}}
            continue
        targets = selected(monitor["spec"]["selector"])
        assert targets, f"PodMonitor {name} selects no Pressroom pod"
        for target in targets:
            for endpoint in monitor["spec"]["podMetricsEndpoints"]:
                assert endpoint["port"] in ports(target), f"{name}: {target} has no port {endpoint['port']!r}"
                assert endpoint.get("path", "/metrics") == "/metrics"
        covered |= set(targets)
    long_running = {name for name, (w, _) in processes.items() if w["kind"] == "Deployment"}
    assert long_running <= covered, f"not scraped: {sorted(long_running - covered)}"
    assert "rabbitmq" in objects("prod", "ServiceMonitor")
    gateway_env = {e["name"]: e.get("value") for e in processes["gateway"][1].get("env", [])}
    assert gateway_env.get("GATEWAY_METRICS_PORT") == "9090"
