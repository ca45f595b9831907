"""OpenAPI 3.x and Swagger 2.0 documents as routes.

``/instruments/{id}`` becomes ``/instruments/:id`` (a name that is not a plain word
uses Express 5's quoted form, ``:"user-id"``).  Literal text is backslash-escaped
where Express gives a character a meaning (``: ( ) * ? + ! { } [ ]`` and the
backslash itself), so ``/things/{id}:archive`` is one param followed by the text
``:archive``.  The base path (Swagger ``basePath``, or the path of OpenAPI's first
``servers`` URL) is prefixed to every route.

Each operation becomes a :class:`Route` with ``origin="spec"``, its ``operationId``
(which names the command: :func:`explorer.registry.naming.operation_words`), its
tags, its summary (or the first line of its description) and an
:class:`~explorer.spec.Operation` holding, in compact form
(:mod:`explorer.spec.schema`): every parameter (path-level ones merged with the
operation's, ``$ref`` parameters resolved) with its schema and the first line of its
description; the request body (JSON first, then form, then multipart; Swagger's
``in: body`` and ``formData`` parameters alike); the response schema of every
declared status; and the auth it needs, from ``security`` and the document's
``securitySchemes`` (``securityDefinitions`` in Swagger).  Shared schemas are kept
once in the document's :class:`~explorer.spec.SpecDocument`.

A malformed operation (``"parameters": 5``, a list where an object belongs) is
skipped with a warning; the rest of the document still counts.  A document whose
schemas expand beyond :data:`explorer.spec.schema.MAX_NODES` nodes is refused whole.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from explorer.errors import DiscoveryError
from explorer.registry import Route
from explorer.spec import Operation, SpecDocument
from explorer.spec.schema import Compactor, SchemaTooLarge, first_line, lookup_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
_WORD = re.compile(r"^\w+$", re.ASCII)
#: characters with a meaning in Express 4 or 5 patterns (both honour a backslash)
_SPECIAL = re.compile(r"([:()*?+!{}\[\]\\])")
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


def parse_openapi(doc: Any, *, warn) -> list[Route]:
    if not isinstance(doc, dict):
        raise DiscoveryError("OpenAPI document: expected a JSON object")
    version = str(doc.get("openapi") or doc.get("swagger") or "")
    if not (version.startswith("3.") or version.startswith("2.")):
        raise DiscoveryError("not an OpenAPI 3.x or Swagger 2.0 document (no 'openapi' version)")
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        raise DiscoveryError("OpenAPI document has no 'paths' object")
    swagger = version.startswith("2.")
    reader = _Reader(doc, swagger=swagger, openapi30=version.startswith("3.0"))
    base = _base_path(doc, swagger=swagger)
    routes: list[Route] = []
    try:
        for template, item in paths.items():
            item = reader.resolve(item)
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
                    routes.append(reader.route(method.upper(), path, op, shared))
                except (TypeError, AttributeError, ValueError) as exc:
                    if isinstance(exc, SchemaTooLarge):
                        raise
                    warn(f"OpenAPI operation {method.upper()} {template} skipped: malformed "
                         f"({exc})")
        reader.compactor.finish()
    except (SchemaTooLarge, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, SchemaTooLarge) else "nested too deeply"
        raise DiscoveryError(f"OpenAPI document refused: {reason}") from exc
    return routes


class _Reader:
    """The state of reading one document: its schemas, security schemes, document info."""

    def __init__(self, doc: dict, *, swagger: bool, openapi30: bool) -> None:
        self.doc = doc
        self.swagger = swagger
        self.compactor = Compactor(doc, swagger=swagger, openapi30=openapi30)
        self.document = SpecDocument(defs=self.compactor.defs, info=_info(doc))
        self.schemes = self._schemes()
        self.default_security = self._security(doc.get("security"))
        consumes = doc.get("consumes")
        self.consumes = [c for c in consumes if isinstance(c, str)] if isinstance(
            consumes, list) else []

    def resolve(self, node: Any) -> Any:
        """A ``$ref`` object (not a schema: a parameter, a body, a response) resolved."""
        for _ in range(16):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            node = lookup_pointer(self.doc, node["$ref"])
        return None

    # -- one operation -------------------------------------------------------------------

    def route(self, method: str, path: str, op: dict, shared: list) -> Route:
        own = op.get("parameters")
        if own is not None and not isinstance(own, list):
            raise ValueError("'parameters' is not a list")
        merged: dict[tuple[str, str], dict] = {}
        for p in [*shared, *(own or [])]:
            p = self.resolve(p)
            if isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(
                p.get("in"), str
            ):
                merged[(p["in"], p["name"])] = p
        params = list(merged.values())
        data: dict[str, Any] = {}
        plain = [self._param(p) for p in params if p["in"] not in ("body", "formData")]
        if plain:
            data["params"] = plain
        body = self._body(op, params)
        if body is not None:
            data["body"] = body
        responses = self._responses(op)
        if responses:
            data["responses"] = responses
        security = self._security(op["security"]) if "security" in op else self.default_security
        if security is not None:
            data["security"] = security
        summary = first_line(op.get("summary"), 200) or first_line(op.get("description"), 200)
        if summary:
            data["summary"] = summary
        if op.get("deprecated") is True:
            data["deprecated"] = True
        op_id = op.get("operationId")
        tags = op.get("tags")
        return Route(
            method,
            path,
            summary=summary,
            query_params=tuple(p["name"] for p in plain if p["in"] == "query"),
            origin="spec",
            operation_id=op_id if isinstance(op_id, str) and op_id.strip() else None,
            tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
            operation=Operation(data, document=self.document),
        )

    def _param(self, p: dict) -> dict:
        if self.swagger:
            schema = self.compactor.schema(p)
        elif "schema" in p:
            schema = self.compactor.schema(p["schema"])
        elif isinstance(p.get("content"), dict) and p["content"]:
            media = next(iter(p["content"].values()))
            schema = self.compactor.schema(media.get("schema") if isinstance(media, dict) else {})
        else:
            schema = {}
        out: dict[str, Any] = {
            "name": p["name"],
            "in": p["in"],
            "required": p.get("required") is True or p["in"] == "path",
            "schema": schema,
        }
        description = first_line(p.get("description"))
        if description:
            out["description"] = description
        if p.get("deprecated") is True:
            out["deprecated"] = True
        return out

    def _body(self, op: dict, params: list[dict]) -> dict | None:
        share = self.compactor.share
        if self.swagger:
            consumes = op.get("consumes") if isinstance(op.get("consumes"), list) else None
            consumes = [c for c in (consumes or self.consumes) if isinstance(c, str)]
            for p in params:
                if p["in"] == "body":
                    media = next((c for c in consumes if "json" in c), "application/json")
                    return {"media": media, "required": p.get("required") is True,
                            "schema": share(self.compactor.schema(p.get("schema")))}
            form = [p for p in params if p["in"] == "formData"]
            if not form:
                return None
            files = any(p.get("type") == "file" for p in form)
            media = _MULTIPART if files or _MULTIPART in consumes else _FORM
            schema = {
                "type": "object",
                "properties": {p["name"]: self.compactor.schema(p) for p in form},
            }
            required = [p["name"] for p in form if p.get("required") is True]
            if required:
                schema["required"] = required
            return {"media": media, "required": bool(required), "schema": schema}
        body = self.resolve(op.get("requestBody"))
        if not isinstance(body, dict):
            return None
        content = body.get("content")
        if not isinstance(content, dict) or not content:
            return None
        media = _choose_media(content)
        chosen = content.get(media)
        schema = chosen.get("schema") if isinstance(chosen, dict) else None
        out: dict[str, Any] = {
            "media": media,
            "required": body.get("required") is True,
            "schema": share(self.compactor.schema(schema)) if schema is not None else {},
        }
        if len(content) > 1:
            out["media_types"] = [m for m in content if isinstance(m, str)][:8]
        return out

    def _responses(self, op: dict) -> dict[str, Any]:
        responses = op.get("responses")
        if not isinstance(responses, dict):
            return {}
        out: dict[str, Any] = {}
        for code, response in responses.items():
            response = self.resolve(response)
            if not isinstance(response, dict):
                continue
            schema = None
            if self.swagger:
                schema = response.get("schema")
            else:
                content = response.get("content")
                if isinstance(content, dict) and content:
                    media = _choose_media(content, json_only=True)
                    chosen = content.get(media) if media else None
                    schema = chosen.get("schema") if isinstance(chosen, dict) else None
            out[str(code)] = (
                self.compactor.share(self.compactor.schema(schema)) if schema is not None else None
            )
        return out

    # -- auth ---------------------------------------------------------------------------

    def _schemes(self) -> dict[str, dict]:
        if self.swagger:
            raw = self.doc.get("securityDefinitions")
        else:
            components = self.doc.get("components")
            raw = components.get("securitySchemes") if isinstance(components, dict) else None
        out: dict[str, dict] = {}
        if not isinstance(raw, dict):
            return out
        for name, scheme in raw.items():
            scheme = self.resolve(scheme)
            if isinstance(scheme, dict) and isinstance(name, str):
                found = _scheme(scheme)
                if found is not None:
                    out[name] = {**found, "id": name}
        return out

    def _security(self, requirements: Any) -> list[list[dict]] | None:
        if not isinstance(requirements, list):
            return None
        out: list[list[dict]] = []
        for requirement in requirements:
            if not isinstance(requirement, dict):
                continue
            schemes = [self.schemes[n] for n in requirement if n in self.schemes]
            if len(schemes) == len(requirement):
                out.append(schemes)
        return out


def _scheme(scheme: dict) -> dict | None:
    """A security scheme as explorer uses it: ``{"type": "bearer"}``, ``{"type":
    "basic"}``, ``{"type": "apikey", "in": "header", "name": "X-API-Key"}``."""
    kind = scheme.get("type")
    if kind == "http":
        name = str(scheme.get("scheme", "")).lower()
        if name in ("bearer", "basic"):
            return {"type": name}
        return {"type": "http", "scheme": name}
    if kind == "basic":  # Swagger 2
        return {"type": "basic"}
    if kind == "apiKey":
        where, name = scheme.get("in"), scheme.get("name")
        if where in ("header", "query", "cookie") and isinstance(name, str) and name:
            return {"type": "apikey", "in": where, "name": name}
        return None
    if kind in ("oauth2", "openIdConnect"):
        return {"type": "bearer", "flow": kind}
    if kind == "mutualTLS":
        return {"type": "mutualTLS"}
    return None


def _choose_media(content: dict, *, json_only: bool = False) -> str | None:
    """JSON first (``application/json``, ``*/*+json``), then a form, then multipart,
    then whatever comes first (None with ``json_only`` when nothing is JSON-like)."""
    types = [m for m in content if isinstance(m, str)]
    for media in types:
        base = media.split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return media
    for media in types:
        if "json" in media.lower() or media.strip() == "*/*":
            return media
    if json_only:
        return None
    for wanted in (_FORM, _MULTIPART):
        for media in types:
            if media.split(";")[0].strip().lower() == wanted:
                return media
    return types[0] if types else None


def _info(doc: dict) -> dict:
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    out: dict[str, Any] = {}
    for key in ("title", "version"):
        if isinstance(info.get(key), str):
            out[key] = info[key][:200]
    tags: dict[str, str] = {}
    for tag in doc.get("tags") or ():
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            tags[tag["name"]] = first_line(tag.get("description"), 200) or ""
    if tags:
        out["tags"] = tags
    return out


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
