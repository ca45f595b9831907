"""OpenAPI 3.x and Swagger 2.0 documents as routes.

``/instruments/{id}`` becomes ``/instruments/:id`` (a name that is not a plain word
uses Express 5's quoted form, ``:"user-id"``).  Literal text is backslash-escaped
where Express gives a character a meaning (``: ( ) * ? + ! { } [ ]`` and the
backslash itself), so ``/things/{id}:archive`` is one param followed by the text
``:archive``.  For each operation we keep what the shell can complete from: the
names of query parameters, the request-body schema and the success response schema,
with local ``$ref``\\ s resolved (cycles cut off).  The base path (Swagger
``basePath``, or the path of OpenAPI's first ``servers`` URL) is prefixed to every
route.  A malformed operation (``"parameters": 5``, a list where an object belongs)
is skipped with a warning; the rest of the document still counts.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from explorer.errors import DiscoveryError
from explorer.registry import Route

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
_WORD = re.compile(r"^\w+$", re.ASCII)
#: characters with a meaning in Express 4 or 5 patterns (both honour a backslash)
_SPECIAL = re.compile(r"([:()*?+!{}\[\]\\])")
_MAX_DEPTH = 8


def parse_openapi(doc: Any, *, warn) -> list[Route]:
    if not isinstance(doc, dict):
        raise DiscoveryError("OpenAPI document: expected a JSON object")
    version = str(doc.get("openapi") or doc.get("swagger") or "")
    if not (version.startswith("3.") or version.startswith("2.")):
        raise DiscoveryError("not an OpenAPI 3.x or Swagger 2.0 document (no 'openapi' version)")
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        raise DiscoveryError("OpenAPI document has no 'paths' object")
    base = _base_path(doc, swagger=version.startswith("2."))
    resolver = _Resolver(doc)
    routes: list[Route] = []
    for template, item in paths.items():
        if not isinstance(item, dict) or not isinstance(template, str):
            warn(f"OpenAPI path {template!r} skipped: not an object")
            continue
        path = base + _express_path(template)
        shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            try:
                routes.append(_route(method.upper(), path, op, shared, resolver))
            except (TypeError, AttributeError, ValueError) as exc:
                warn(f"OpenAPI operation {method.upper()} {template} skipped: malformed ({exc})")
    return routes


def _route(method: str, path: str, op: dict, shared: list, resolver: _Resolver) -> Route:
    own = op.get("parameters")
    if own is not None and not isinstance(own, list):
        raise ValueError("'parameters' is not a list")
    params = [resolver.resolve(p) for p in shared + list(own or [])]
    params = [p for p in params if isinstance(p, dict)]
    query = tuple(
        dict.fromkeys(
            p["name"] for p in params if p.get("in") == "query" and isinstance(p.get("name"), str)
        )
    )
    summary = op.get("summary") or op.get("operationId")
    return Route(
        method,
        path,
        summary=summary if isinstance(summary, str) else None,
        query_params=query,
        body_schema=_body_schema(op, params, resolver),
        response_schema=_response_schema(op, resolver),
    )


def _base_path(doc: dict, *, swagger: bool) -> str:
    if swagger:
        base = doc.get("basePath") or ""
    else:
        servers = doc.get("servers") or []
        server = servers[0] if servers and isinstance(servers[0], dict) else {}
        url = _server_url(server)
        base = urlsplit(url).path if "{" not in url else ""
    base = base if isinstance(base, str) else ""
    return _literal(base.rstrip("/"))


def _server_url(server: dict) -> str:
    """A server object's ``url`` with its ``{variables}`` set to their defaults
    (``{scheme}://x/public/{ver}`` -> ``https://x/public/v1``); a variable without a
    default is left as it is."""
    url = server.get("url", "")
    if not isinstance(url, str):
        return ""
    variables = server.get("variables")
    if not isinstance(variables, dict):
        return url

    def default(match: re.Match) -> str:
        spec = variables.get(match.group(1))
        value = spec.get("default") if isinstance(spec, dict) else None
        return value if isinstance(value, str) else match.group(0)

    return re.sub(r"\{([^{}]+)\}", default, url)


def _literal(text: str) -> str:
    """``text`` as literal pattern text: Express's special characters escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def _express_path(template: str) -> str:
    out, last = [], 0
    for m in _TEMPLATE.finditer(template):
        out.append(_literal(template[last : m.start()]))
        name = m.group(1)
        out.append(f":{name}" if _WORD.match(name) else ':"' + name.replace('"', "") + '"')
        last = m.end()
    out.append(_literal(template[last:]))
    return "".join(out)


def _body_schema(op: dict, params: list[dict], resolver: _Resolver) -> dict | None:
    body = resolver.resolve(op.get("requestBody"))
    if isinstance(body, dict):
        content = body.get("content") or {}
        for ctype in (
            "application/json",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ):
            media = content.get(ctype)
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                return resolver.inline(media["schema"])
        for media in content.values():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                return resolver.inline(media["schema"])
    for p in params:  # Swagger 2
        if p.get("in") == "body" and isinstance(p.get("schema"), dict):
            return resolver.inline(p["schema"])
    form = {
        p["name"]: {"type": p.get("type", "string")}
        for p in params
        if p.get("in") == "formData" and isinstance(p.get("name"), str)
    }
    return {"type": "object", "properties": form} if form else None


def _response_schema(op: dict, resolver: _Resolver) -> dict | None:
    responses = op.get("responses")
    if not isinstance(responses, dict):
        return None
    for code in ("200", "201", "default"):
        response = resolver.resolve(responses.get(code))
        if not isinstance(response, dict):
            continue
        if isinstance(response.get("schema"), dict):  # Swagger 2
            return resolver.inline(response["schema"])
        for media in (response.get("content") or {}).values():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                return resolver.inline(media["schema"])
    return None


class _Resolver:
    """Resolves local ``#/...`` references; external ones are left as they are."""

    def __init__(self, doc: dict) -> None:
        self.doc = doc

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < _MAX_DEPTH:
            node = self._lookup(node["$ref"])
            seen += 1
        return node

    def _lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return {}
        node: Any = self.doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return {}
            node = node[part]
        return node

    def inline(self, schema: Any, depth: int = 0) -> Any:
        """A copy of ``schema`` with local references replaced, to a bounded depth."""
        schema = self.resolve(schema)
        if depth >= _MAX_DEPTH:
            return {}
        if isinstance(schema, dict):
            return {k: self.inline(v, depth + 1) for k, v in schema.items() if k != "$ref"}
        if isinstance(schema, list):
            return [self.inline(v, depth + 1) for v in schema]
        return schema
