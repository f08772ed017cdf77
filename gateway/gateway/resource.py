"""What every resource needs: the RPC client and the request's principal, request id and body."""

from __future__ import annotations

from typing import Any

import falcon

from svckit.errors import InvalidInput

from .i18n import _
from .rpc import RpcClient

INVALID_JSON = _("The body is not valid JSON.")
OBJECT_EXPECTED = _("A JSON object is expected.")


class Resource:
    def __init__(self, rpc: RpcClient, settings=None):
        self.rpc = rpc
        self.settings = settings

    def call(self, req: falcon.Request, service: str, method: str, *args, timeout: float | None = None,
             **kwargs) -> Any:
        return self.rpc.call(service, method, *args, principal=req.context.principal,
                             request_id=req.context.request_id, timeout=timeout, **kwargs)

    @staticmethod
    def body(req: falcon.Request, required: bool = True) -> dict[str, Any]:
        """The JSON object in the body; malformed JSON or a non-object is a 422 naming the body. The parser
        (``gateway.media``) has already refused deep nesting, integers beyond 64 bits and NUL, naming the field."""
        if not req.content_length and not required:
            return {}
        try:
            data = req.get_media(default_when_empty=None)
        except falcon.MediaMalformedError:
            raise InvalidInput(INVALID_JSON, fields={"body": INVALID_JSON}) from None
        if data is None:
            if required:
                raise InvalidInput(OBJECT_EXPECTED, fields={"body": OBJECT_EXPECTED})
            return {}
        if not isinstance(data, dict):
            raise InvalidInput(OBJECT_EXPECTED, fields={"body": OBJECT_EXPECTED})
        return data
