"""The one route style of the gateway: each route is a row (``Route``) that names the HTTP method and path, the RPC
method it calls, where each argument comes from, who may call it, and the request and response models. The Falcon
resources (:func:`register`) and the OpenAPI fragment (:func:`openapi`) are both built from the same rows, and the
schemas come from the pydantic models in the services' ``<service>/contracts.py``, so the documentation cannot drift
from what the services validate and answer.

A route module (``gateway/routes/<service>.py``) is: imports, ``ROUTES = [...]``, ``TAGS = [...]``, the few custom
resources, and ::

    def register(app, deps):
        routing.register(app, deps, ROUTES)

    OPENAPI = routing.openapi(ROUTES, TAGS)

Declaring a route
-----------------
::

    from crm import contracts as c
    from ..routing import Body, Id, Page, Query, Route

    Route("get", P + "/contacts/{contact_id}/history", "crm.list_history",
          args=(Id("contact_id"), Page(spread=True), Query("kind", kw="kind")),
          response=c.HistoryPage, summary="The contact's history, newest first", tag="crm contacts")

- ``method``: ``get``, ``post``, ``put``, ``patch`` or ``delete``; ``path``: the full path, ``{name}`` for path
  parameters; ``rpc``: ``"service.method"`` (``""`` for a ``resource=`` route that calls nothing or several).
- ``args``: the RPC call's arguments, in order. Each source is positional unless it has ``kw="name"`` (keyword
  argument) or ``spread=True`` (its dict is merged into the keyword arguments). Sources:

  ``Path("name")``            a path parameter (documented as a string; ``schema=`` to say more)
  ``Id("name")``              a path parameter that is a UUID (documented with ``format: uuid``)
  ``Body()``                  the JSON object in the body (422 naming ``body`` if it is not one);
                              ``Body(required=False)`` gives ``{}`` for an empty body; ``Body(add={"key": source})``
                              puts further values (a path parameter, the language ...) into the object
  ``Query("name", kind)``     one query parameter; ``kind`` is ``str`` (default), ``int``, ``bool`` or ``list``
                              (repeated parameter, ``split=True`` also splits on commas). Values are passed as the
                              caller sent them (the service validates and names the field); ``int`` values made of
                              digits only become ``int``. Missing or blank: a positional source passes ``default``
                              (None), a keyword or dict member is left out (unless a ``default`` is given).
                              ``dest=`` renames it inside a ``QueryDict``; ``schema=`` / ``description=`` /
                              ``required=True`` document it (the service still decides what is missing).
  ``QueryDict(*queries)``     a dict of the given ``Query`` (or nested ``QueryDict(..., dest="filters")``) sources
                              that are present: search filters, export options ...
  ``Page()``                  ``QueryDict(cursor, limit)``; ``Page(spread=True)`` passes them as keyword arguments,
                              ``max_limit=`` documents the upper bound of ``limit``
  ``Lang()``                  the caller's language (``req.context.lang``)
  ``Client()``                the caller's address and user agent (for identity's sessions and throttles)
  ``Const(value)``            a fixed value
  ``Computed(fn, parameters=[...])``  anything else: ``fn(req, params) -> value``, with the OpenAPI query
                              parameters it reads (use sparingly)

- ``body``: the request body's model (a pydantic class from the service's contracts), a raw JSON schema dict, or
  ``"binary"`` for an upload. A route with a ``Body()`` source must declare ``body``.
- ``response``: the success answer: a pydantic model, any type pydantic understands (``list[c.Contact]``) or a
  ``TypeAdapter``; ``None`` for no body (status 204, a redirect); ``"binary"`` (``media_type=`` says which,
  default application/octet-stream) for a file; ``"html"`` for a page. A ``download=`` route is documented with
  the file's own type (``*/*``) unless ``media_type=`` names one. ``status``: the success status (200, 201, 202,
  204, 302 ...).
- ``auth``: ``"user"`` (default: a session is needed, and a session restricted to changing its password is refused),
  ``"session"`` (any session, also a restricted one: change password, logout, the caller's own data), ``"public"``
  (no login; a stale cookie is ignored; documented with ``security: []``). Roles (administrator, operator) and
  client rights are the services' business: they read the principal the gateway sends along. All routes of one
  path share one ``auth`` (Falcon authenticates per resource).
- ``errors``: further documented statuses besides the ones every operation may answer (400, 401, 403, 404, 413,
  415, 422, 503): ``"402"``, ``"409"``, ``"429"`` ...; ``responses=`` adds raw OpenAPI response objects (headers
  of a redirect, a second content type).
- ``timeout``: the RPC timeout in seconds for slow methods; ``max_body``: a larger JSON body limit in bytes.
- Uploads: ``upload_limit=bytes`` streams the raw body to the spool (``gateway.files``) and passes the spool entry
  ``{token, filename, size, sha256, content_type}`` as the last positional argument; the name comes from
  ``?filename=`` or Content-Disposition; the spool entry is removed after the call.
- Downloads: ``download="spool"`` streams the file the service put into the spool; ``download="base64"`` answers
  with ``{content_b64, filename, content_type}`` decoded (``disposition="inline"`` to show it in the browser).
- ``after=fn(req, resp, result) -> result``: a hook for the few routes that set a cookie or reshape the answer.
- ``resource=Class``: a custom Falcon resource for routes that are not "call one RPC, answer JSON" (tracking pixel,
  click redirect, unsubscribe page, chunked feed upload). The class subclasses :class:`gateway.resource.Resource`
  and is built with ``(rpc, settings)``; it gets ``auth_required`` / ``allowed_when_restricted`` from ``auth`` and
  ``routes`` (method -> Route). The row still documents it (``response=``, ``media_type=``, ``responses=``).

Schemas
-------
Request bodies are documented in pydantic's validation mode, responses in its serialization mode, all models of a
module in one pass: nested models become ``#/components/schemas/<Service><Model>`` (``CrmContact``; a service's
prefix keeps names unique across services). A response model declares every field the service returns, with its
real nullability (``str | None``); a model whose content is genuinely open sets ``extra="allow"`` and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import falcon
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import DefsRef, GenerateJsonSchema

from .auth import client_of
from .files import MB, drop_upload, send_base64, spool_upload, stream_download
from .resource import Resource

SERVICES = ("identity", "crm", "dispatch", "pressbase", "billing")
AUTH = ("user", "session", "public")
METHODS = ("get", "post", "put", "patch", "delete")

_BLANK = (None, "")


# --- argument sources ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """Where one RPC argument comes from (see the module docstring)."""

    kw: str | None = field(default=None, kw_only=True)
    spread: bool = field(default=False, kw_only=True)

    def value(self, res: Resource, req: falcon.Request, params: dict) -> Any:
        raise NotImplementedError

    def parameters(self) -> list[dict]:
        """OpenAPI query parameters this source reads."""
        return []

    def reads_body(self) -> bool:
        return False


@dataclass(frozen=True)
class Path(Source):
    name: str
    schema: Mapping[str, Any] | None = None
    description: str | None = None

    def value(self, res, req, params):
        return params[self.name]


UUID_SCHEMA = {"type": "string", "format": "uuid"}


def Id(name: str, **kw: Any) -> Path:  # noqa: N802  (reads like a class in a route table)
    """A path parameter that is a UUID."""
    return Path(name, schema=UUID_SCHEMA, **kw)


@dataclass(frozen=True)
class Body(Source):
    required: bool = True
    add: Mapping[str, Source] = field(default_factory=dict)

    def value(self, res, req, params):
        data = Resource.body(req, required=self.required)
        if self.add:
            data = {**data, **{key: source.value(res, req, params) for key, source in self.add.items()}}
        return data

    def parameters(self) -> list[dict]:
        return [p for source in self.add.values() for p in source.parameters()]

    def reads_body(self) -> bool:
        return True


_KIND_SCHEMA: dict[Any, dict[str, Any]] = {
    str: {"type": "string"}, int: {"type": "integer"}, bool: {"type": "boolean"},
    list: {"type": "array", "items": {"type": "string"}},
}


@dataclass(frozen=True)
class Query(Source):
    name: str
    kind: Any = str
    dest: str | None = None
    default: Any = None
    split: bool = False
    schema: Mapping[str, Any] | None = None
    description: str | None = None
    required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _KIND_SCHEMA:
            raise ValueError(f"Query({self.name!r}): kind must be str, int, bool or list")

    def raw(self, req: falcon.Request) -> Any:
        """The parameter's value, or None when it is missing or blank."""
        if self.kind is list:
            values = [v for v in req.get_param_as_list(self.name) or [] if v not in _BLANK]
            if self.split:
                values = [p.strip() for v in values for p in str(v).split(",") if p.strip()]
            return values or None
        value = req.get_param(self.name)
        if value in _BLANK:
            return None
        if self.kind is int and value.isascii() and value.isdigit():
            return int(value)
        return value

    def value(self, res, req, params):
        value = self.raw(req)
        return self.default if value is None else value

    def parameters(self) -> list[dict]:
        param: dict[str, Any] = {"name": self.name, "in": "query", "required": self.required,
                                 "schema": dict(self.schema or _KIND_SCHEMA[self.kind])}
        if self.description:
            param["description"] = self.description
        if self.kind is list:
            param["style"], param["explode"] = "form", True
        return [param]


@dataclass(frozen=True)
class QueryDict(Source):
    """A dict of the query parameters that are present (each under its ``dest`` or name)."""

    queries: tuple[Query | QueryDict, ...] = ()
    dest: str | None = None

    def __init__(self, *queries: Query | QueryDict, dest: str | None = None, kw: str | None = None,
                 spread: bool = False):
        object.__setattr__(self, "queries", tuple(queries))
        object.__setattr__(self, "dest", dest)
        object.__setattr__(self, "kw", kw)
        object.__setattr__(self, "spread", spread)

    def value(self, res, req, params):
        out: dict[str, Any] = {}
        for q in self.queries:
            value = q.value(res, req, params)
            if value not in (None, "", [], {}):
                out[q.dest or getattr(q, "name", "")] = value
        return out

    def parameters(self) -> list[dict]:
        return [p for q in self.queries for p in q.parameters()]


def Page(*, max_limit: int = 1000, kw: str | None = None, spread: bool = False) -> QueryDict:  # noqa: N802
    """``cursor`` and ``limit`` (a dict; ``spread=True`` for keyword arguments)."""
    return QueryDict(Query("cursor", description="from next_cursor"),
                     Query("limit", int, schema={"type": "integer", "minimum": 1, "maximum": max_limit}),
                     kw=kw, spread=spread)


@dataclass(frozen=True)
class Lang(Source):
    def value(self, res, req, params):
        return req.context.lang


@dataclass(frozen=True)
class Client(Source):
    def value(self, res, req, params):
        return client_of(req)


@dataclass(frozen=True)
class Const(Source):
    constant: Any = None

    def value(self, res, req, params):
        return self.constant


@dataclass(frozen=True)
class Computed(Source):
    fn: Callable[[falcon.Request, dict], Any]
    query: tuple[Query, ...] = ()

    def value(self, res, req, params):
        return self.fn(req, params)

    def parameters(self) -> list[dict]:
        return [p for q in self.query for p in q.parameters()]


# --- the route -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    method: str
    path: str
    rpc: str
    args: tuple[Source, ...] = ()
    body: Any = None
    response: Any = None
    status: int = 200
    summary: str = ""
    description: str | None = None
    tag: str = ""
    auth: str = "user"
    timeout: float | None = None
    max_body: int | None = None
    upload_limit: int | None = None
    download: str | None = None
    disposition: str = "attachment"
    media_type: str | None = None
    errors: tuple[str, ...] = ()
    responses: Mapping[str, Any] = field(default_factory=dict)
    after: Callable[[falcon.Request, falcon.Response, Any], Any] | None = None
    resource: type | None = None
    operation_id: str | None = None

    def __post_init__(self) -> None:
        where = f"{self.method.upper()} {self.path}"
        if self.method not in METHODS:
            raise ValueError(f"{where}: unknown method")
        if self.auth not in AUTH:
            raise ValueError(f"{where}: auth must be one of {AUTH}")
        if (self.rpc or self.resource is None) and self.rpc.count(".") != 1:
            raise ValueError(f"{where}: rpc must be 'service.method'")
        if not self.rpc and not self.operation_id:
            raise ValueError(f"{where}: a route without rpc needs operation_id=")
        if any(s.reads_body() for s in self.args) and self.body is None:
            raise ValueError(f"{where}: a Body() argument needs body= (its model)")
        if self.download not in (None, "spool", "base64"):
            raise ValueError(f"{where}: download is 'spool' or 'base64'")
        if isinstance(self.args, list):
            object.__setattr__(self, "args", tuple(self.args))

    @property
    def service(self) -> str:
        return self.rpc.partition(".")[0]

    @property
    def rpc_method(self) -> str:
        return self.rpc.partition(".")[2]


# --- resources -----------------------------------------------------------------------------------------------------

def arguments(route: Route, res: Resource, req: falcon.Request, params: dict) -> tuple[list, dict]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for source in route.args:
        if source.spread:
            kwargs.update(source.value(res, req, params))
        elif source.kw:
            value = source.value(res, req, params)
            if value not in (None, "", [], {}) or (isinstance(source, Query) and source.default is not None):
                kwargs[source.kw] = value
        else:
            args.append(source.value(res, req, params))
    return args, kwargs


def responder(route: Route) -> Callable:
    def respond(self: Resource, req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
        if route.upload_limit is not None:
            upload = spool_upload(req, route.upload_limit)
            try:
                args, kwargs = arguments(route, self, req, params)
                result = self.call(req, route.service, route.rpc_method, *args, upload, timeout=route.timeout,
                                   **kwargs)
            finally:
                drop_upload(upload)
        else:
            args, kwargs = arguments(route, self, req, params)
            result = self.call(req, route.service, route.rpc_method, *args, timeout=route.timeout, **kwargs)
        if route.after is not None:
            result = route.after(req, resp, result)
        if route.download == "spool":
            stream_download(resp, result)
            return
        if route.download == "base64":
            send_base64(resp, result, route.disposition)
            return
        resp.status = route.status
        if route.status != 204:
            resp.media = result
    respond.__name__ = f"on_{route.method}"
    return respond


def _class_name(path: str) -> str:
    return re.sub(r"\W", "", path.title()) or "Root"


def resources(deps: Any, routes: Sequence[Route]) -> dict[str, Any]:
    """One Falcon resource per path: the table's responders, or the routes' custom ``resource`` class."""
    by_path: dict[str, dict[str, Route]] = {}
    for route in routes:
        methods = by_path.setdefault(route.path, {})
        if route.method in methods:
            raise ValueError(f"{route.method.upper()} {route.path} is declared twice")
        methods[route.method] = route
    out: dict[str, Any] = {}
    for path, methods in by_path.items():
        rows = list(methods.values())
        auths = {r.auth for r in rows}
        if len(auths) > 1:
            raise ValueError(f"{path}: all methods of one path need the same auth, not {sorted(auths)}")
        auth = auths.pop()
        custom = {r.resource for r in rows}
        attrs: dict[str, Any] = {"auth_required": auth != "public", "allowed_when_restricted": auth == "session"}
        limits = [r.upload_limit or r.max_body for r in rows if r.upload_limit or r.max_body]
        if limits:
            attrs["max_body_bytes"] = max(limits)
        if custom != {None}:
            if len(custom) > 1:
                raise ValueError(f"{path}: one custom resource class per path")
            base = custom.pop()
            assert base is not None
        else:
            base = Resource
            attrs.update({f"on_{m}": responder(r) for m, r in methods.items()})
        cls = type(base.__name__ + _class_name(path) if base is not Resource else "Route" + _class_name(path),
                   (base,), attrs)
        resource = cls(deps.rpc, deps.settings)
        resource.routes = dict(methods)
        out[path] = resource
    return out


def register(app: falcon.App, deps: Any, routes: Sequence[Route]) -> None:
    for path, resource in resources(deps, routes).items():
        app.add_route(path, resource)


# --- OpenAPI -------------------------------------------------------------------------------------------------------

REF = "#/components/schemas/{model}"
ERRORS: dict[str, dict[str, Any]] = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthenticated"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "422": {"$ref": "#/components/responses/Invalid"},
    "503": {"$ref": "#/components/responses/Unavailable"},
    "402": {"description": "the subscription does not allow this (limit or add-on)", "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
    "409": {"$ref": "#/components/responses/Conflict"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}
BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}


class _ServiceNames(GenerateJsonSchema):
    """Component names carry the service's prefix (``crm.contracts.Contact`` -> ``CrmContact``), so two services'
    ``Page`` models never collide in the one document."""

    def get_defs_ref(self, core_mode_ref: Any) -> DefsRef:
        ref = super().get_defs_ref(core_mode_ref)
        # the full name (``ref``) stays a choice: the references already written use it, and pydantic remaps them
        # only from a name that is among the choices
        root = str(core_mode_ref[0]).split(".", 1)[0]
        if root in SERVICES:
            prefix = root.capitalize()
            choices = self._prioritized_defsref_choices[ref]
            self._prioritized_defsref_choices[ref] = [
                DefsRef(c if c.startswith(prefix) or c == ref else prefix + c) for c in choices]
        return ref


def _adapter(kind: Any) -> TypeAdapter:
    return kind if isinstance(kind, TypeAdapter) else TypeAdapter(kind)


def _is_model(kind: Any) -> bool:
    return kind is not None and not isinstance(kind, (str, dict))


def schemas(routes: Sequence[Route]) -> tuple[dict[tuple[int, str], dict], dict[str, Any]]:
    """Every route's request and response schema, generated in one pass: (route index, "body"/"response") ->
    schema, and the components they refer to."""
    inputs = []
    for i, route in enumerate(routes):
        if _is_model(route.body):
            inputs.append(((i, "body"), "validation", _adapter(route.body)))
        if _is_model(route.response):
            inputs.append(((i, "response"), "serialization", _adapter(route.response)))
    if not inputs:
        return {}, {}
    by_key, defs = TypeAdapter.json_schemas(inputs, ref_template=REF, schema_generator=_ServiceNames)
    return {key: schema for (key, _mode), schema in by_key.items()}, defs.get("$defs", {})


def _parameters(route: Route) -> list[dict]:
    declared = {s.name: s for s in route.args if isinstance(s, Path)}
    out = []
    for name in re.findall(r"{(\w+)}", route.path):
        source = declared.get(name)
        param: dict[str, Any] = {"name": name, "in": "path", "required": True,
                                 "schema": dict(source.schema) if source and source.schema else {"type": "string"}}
        if source and source.description:
            param["description"] = source.description
        out.append(param)
    seen = set()
    for source in route.args:
        for param in source.parameters():
            if param["name"] not in seen:
                seen.add(param["name"])
                out.append(param)
    if route.upload_limit is not None:
        out.append({"name": "filename", "in": "query", "required": False, "schema": {"type": "string"},
                    "description": "the file's name (or a Content-Disposition header)"})
    return out


def _operation(route: Route, generated: dict[tuple[int, str], dict], index: int) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    status = str(route.status)
    if route.download or route.response == "binary":
        # a download has the file's own type unless the route names one
        media = route.media_type or ("*/*" if route.download else "application/octet-stream")
        responses[status] = {"description": "the file" + (", streamed" if route.download == "spool" else ""),
                             "content": {media: {"schema": {"type": "string", "format": "binary"}}}}
    elif route.response == "html":
        responses[status] = {"description": "an HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}
    elif isinstance(route.response, dict):
        responses[status] = {"description": "ok", "content": {"application/json": {"schema": route.response}}}
    elif route.response is None:
        responses[status] = {"description": "done"}
    else:
        responses[status] = {"description": "ok", "content": {"application/json": {
            "schema": generated[(index, "response")]}}}
    for code in route.errors:
        responses[code] = ERRORS[code]
    if route.upload_limit is not None:
        responses["413"] = {"description": "the file is larger than the limit", "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    responses.update(route.responses)
    op: dict[str, Any] = {"tags": [route.tag] if route.tag else [], "summary": route.summary,
                          "operationId": route.operation_id or (
                              f"{route.service}_{route.rpc_method}" + ("" if route.method == "get"
                                                                        else "_" + route.method)),
                          "parameters": _parameters(route), "responses": responses}
    if route.description:
        op["description"] = route.description
    if route.auth == "public":
        op["security"] = []
    body_source = next((s for s in route.args if isinstance(s, Body)), None)
    if route.upload_limit is not None or route.body == "binary":
        limit = f" (at most {route.upload_limit // MB} MB)" if route.upload_limit else ""
        op["requestBody"] = {"required": True, "description": f"the raw file{limit}",
                             "content": {"application/octet-stream": {"schema": BINARY}}}
    elif route.body is not None:
        schema = route.body if isinstance(route.body, dict) else generated[(index, "body")]
        op["requestBody"] = {"required": body_source.required if body_source else True,
                             "content": {"application/json": {"schema": schema}}}
    return op


def openapi(routes: Sequence[Route], tags: Sequence[Mapping[str, str]] = ()) -> dict[str, Any]:
    """The OpenAPI fragment of a route module: tags, paths and the component schemas of its models."""
    generated, components = schemas(routes)
    paths: dict[str, dict] = {}
    ids: set[str] = set()
    for i, route in enumerate(routes):
        op = _operation(route, generated, i)
        if op["operationId"] in ids:
            raise ValueError(f"{route.method.upper()} {route.path}: operationId {op['operationId']} is taken; "
                             "give operation_id=")
        ids.add(op["operationId"])
        paths.setdefault(route.path, {})[route.method] = op
    used = {t for r in routes for t in ([r.tag] if r.tag else [])}
    named = {t["name"] for t in tags}
    if used - named:
        raise ValueError(f"tags without a description in TAGS: {sorted(used - named)}")
    return {"tags": [dict(t) for t in tags], "paths": paths, "components": {"schemas": components}}


def is_model(kind: Any) -> bool:
    """True for a pydantic model class (for checks in tests)."""
    return isinstance(kind, type) and issubclass(kind, BaseModel)
