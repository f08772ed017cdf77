"""Every answer a test receives through the gateway, checked against the generated OpenAPI document.

:class:`ContractClient` is the ``falcon.testing.TestClient`` the ``gateway`` fixture returns: after each simulated
request it finds the operation (path template and method) and checks that the status is documented for it, the
content type is one the document names, and a JSON body (``application/json``, ``application/problem+json``)
conforms to the documented schema (openapi-core, OpenAPI 3.1). Streams, HTML pages and redirects are checked for
status and content type. A drift fails the test with a message naming the operation, the status and each
difference (JSON path and reason).

Which operations are checked: every route declared as a ``gateway.routing.Route`` row (the modules in the one
route style), with their custom resources. A route of a module not yet in that
style is left out until it is converted (its hand-written fragment is not generated from the contracts).
An unknown path or method is accepted only as 404 / 405 (the router's own answers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from falcon import testing
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

JSON_TYPES = ("application/json", "application/problem+json")
#: paths the gateway serves without documenting them as operations (the document itself, the API explorer,
#: Prometheus' page: operations, not API; docs/operations.md "Metrics")
UNDOCUMENTED = ("/api/v1/docs", "/api/v1/openapi.json", "/metrics")


class ContractViolation(AssertionError):
    pass


@dataclass
class _Request:
    method: str
    path: str
    path_pattern: str
    query: dict[str, list[str]]
    path_params: dict[str, str]
    host_url: str = "http://falconframework.org"
    content_type: str = "application/json"
    body: bytes | None = None
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(query=ImmutableMultiDict(
            [(k, v) for k, values in self.query.items() for v in values]), path=self.path_params)

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path_pattern


@dataclass
class _Response:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes | None


class Contract:
    """The document and the operations checked in full."""

    def __init__(self, spec: dict[str, Any], checked: set[tuple[str, str]]):
        self.spec = spec
        self.checked = checked
        # problem+json is JSON too (openapi-core knows only application/json by default)
        self.openapi = OpenAPI.from_dict(spec, config=Config(
            extra_media_type_deserializers={"application/problem+json": json.loads}))
        # literal segments before parameters (as falcon routes): fewer placeholders first
        self.templates = sorted(spec["paths"], key=lambda p: (p.count("{"), p))
        self.patterns = {p: re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(p)) + "$")
                         for p in self.templates}

    def operation(self, path: str) -> tuple[str | None, dict[str, str]]:
        for template in self.templates:
            m = self.patterns[template].match(path)
            if m:
                return template, m.groupdict()
        return None, {}

    def _deref(self, item: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in item:
            node: Any = self.spec
            for part in item["$ref"].lstrip("#/").split("/"):
                node = node[part]
            item = node
        return item

    def check(self, method: str, path: str, query: dict[str, list[str]], result: testing.Result) -> None:
        method = method.lower()
        path = path.split("?", 1)[0].rstrip("/") or "/"
        status = result.status_code
        if path.startswith(UNDOCUMENTED):
            return
        template, params = self.operation(path)
        operation = self.spec["paths"].get(template, {}).get(method) if template else None
        if operation is None:
            if status in (404, 405):
                return
            raise ContractViolation(f"{method.upper()} {path} answered {status}, but the OpenAPI document has no "
                                    f"such operation")
        assert template is not None
        if (method, template) not in self.checked:
            return
        where = f"{method.upper()} {template} ({path}) answered {status}"
        responses = operation.get("responses", {})
        documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if documented is None:
            raise ContractViolation(f"{where}: status not documented (documented: {sorted(responses)})")
        documented = self._deref(documented)
        content = documented.get("content") or {}
        media = (result.headers.get("content-type") or "").split(";")[0].strip().lower()
        body = result.content
        if not content:
            if body and status != 304:
                raise ContractViolation(f"{where}: the document says no body, got {media or 'a body'} "
                                        f"({body[:200]!r})")
            return
        if media not in content and not any(k == "*/*" or (k.endswith("/*") and media.startswith(k[:-1]))
                                            for k in content):
            raise ContractViolation(f"{where}: content type {media!r} not documented ({sorted(content)})")
        if media not in JSON_TYPES:
            return
        request = _Request(method=method, path=path, path_pattern=template, query=query, path_params=params)
        response = _Response(status_code=status, content_type=media, headers=Headers(list(result.headers.items())),
                             data=body)
        errors = list(self.openapi.iter_response_errors(request, response))
        if errors:
            raise ContractViolation(f"{where}: the body does not match the document:\n"
                                    + "\n".join(_explain(e) for e in errors) + f"\nbody: {_short(body)}")


def _short(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    return text if len(text) < 1500 else text[:1500] + " ..."


def _explain(error: BaseException) -> str:
    """The schema errors under openapi-core's exception, each with its place in the body."""
    lines = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for schema_error in getattr(current, "schema_errors", ()) or ():
            for leaf in _leaves(schema_error):
                place = "/".join(str(p) for p in leaf.absolute_path) or "(body)"
                lines.append(f"  {place}: {leaf.message}")
        current = current.__cause__ or current.__context__
    return "\n".join(lines) or f"  {type(error).__name__}: {error}"


def _leaves(error: Any) -> list[Any]:
    """The most specific errors (a failed anyOf reports why each branch failed; the deepest is the useful one)."""
    if not getattr(error, "context", None):
        return [error]
    deepest = max(error.context, key=lambda e: len(e.absolute_path))
    return _leaves(deepest)


@lru_cache(maxsize=4)
def _contract(spec_json: str) -> Contract:
    from gateway import routes, routing

    checked = {(r.method, r.path) for module in routes.load() for r in getattr(module, "ROUTES", ())
               if isinstance(r, routing.Route)}
    return Contract(json.loads(spec_json), checked)


def contract_of(app: Any) -> Contract:
    """The contract of an app built by ``gateway.app.create_app`` (its own /api/v1/openapi.json)."""
    spec = testing.simulate_get(app, "/api/v1/openapi.json").json
    return _contract(json.dumps(spec, sort_keys=True))


class ContractClient(testing.TestClient):
    """A TestClient whose every answer is checked against the app's OpenAPI document (see the module docstring)."""

    def __init__(self, app: Any, *args: Any, **kwargs: Any):
        super().__init__(app, *args, **kwargs)
        self.contract = contract_of(app)

    def simulate_request(self, *args: Any, **kwargs: Any) -> testing.Result:
        result = super().simulate_request(*args, **kwargs)
        method = kwargs.get("method") or (args[0] if args else "GET")
        path = kwargs.get("path") or (args[1] if len(args) > 1 else "/")
        query: dict[str, list[str]] = {}
        if kwargs.get("query_string"):
            query = parse_qs(kwargs["query_string"], keep_blank_values=True)
        elif "?" in path:
            query = parse_qs(path.split("?", 1)[1], keep_blank_values=True)
        for name, value in (kwargs.get("params") or {}).items():
            query[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        self.contract.check(method, path, query, result)
        return result
