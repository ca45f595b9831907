"""Where routes come from, and how each source's document becomes :class:`Route` values.

Three sources, one interface (``describe``, ``fetch``, ``parse``):

* :class:`DiscoverSource`: ``GET {url}/discover`` answering
  ``{"data": [{"method": "GET", "path": "/public/v1/instruments/:id?"}, ...]}``
  (a bare list is accepted too).  Revalidated with ``If-None-Match``.
* :class:`SpecSource`: an OpenAPI 3.x or Swagger 2.0 document, JSON or YAML, from a
  file or a URL (see :mod:`explorer.discovery.openapi`).  JSON is the fast path; a
  ``.yaml``/``.yml`` name, a YAML content type, or a body that is not JSON and does
  not start like it is read as YAML (PyYAML's safe loader, its C version where
  installed: plain data only, no tags that build objects).
* :class:`RoutesFileSource`: a local file in the ``/discover`` format, for APIs with no
  discovery (Labstep).  Entries may add ``command``, ``summary``, ``query`` (names of
  query parameters), ``body`` (a JSON Schema) and ``max_upload`` (bytes).  Built-in
  files are named without a path: ``--routes labstep``.

Parsing never raises for a bad entry: it is skipped and a warning says which and why.
A document that is unusable as a whole raises :class:`DiscoveryError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from explorer.client.models import RequestSpec
from explorer.errors import EXIT_4XX, EXIT_5XX, EXIT_USAGE, DiscoveryError, ExplorerError
from explorer.fileio import DOCUMENT_LIMIT, UnsafeFileError, read_bounded, size_text
from explorer.nesting import too_deep
from explorer.record import Record
from explorer.registry import Route

BUILTIN_ROUTES = Path(__file__).resolve().parent.parent / "data"
DISCOVER_PATH = "/discover"
#: the longest fetching a listing or a spec may take, whole (``--max-time`` overrides it):
#: a server that drips one byte every half second cannot hang start-up
FETCH_MAX_TIME = 60.0
#: what a spec is asked for as: JSON first, YAML accepted
SPEC_ACCEPT = "application/json, application/yaml;q=0.9, text/yaml;q=0.8, */*;q=0.1"
_YAML_TYPES = ("yaml", "yml")


class Fetched(Record):
    """A source document as fetched: ``raw`` is None when the validator still holds;
    ``validator`` is the ETag for HTTP, "mtime:size" for files."""

    __slots__ = ("raw", "validator")
    _fields = ("raw", "validator")

    def __init__(self, raw: bytes | None, validator: str | None) -> None:
        self.raw = raw
        self.validator = validator


class Source(Protocol):
    """What every source offers; ``key`` identifies it within one server's cache.

    ``local`` sources are files: cheap to check, so the loader checks them against
    the disk on every load instead of trusting the cache for the TTL.
    """

    kind: str
    local: bool

    @property
    def key(self) -> str: ...

    def describe(self) -> str: ...

    def fetch(self, client, validator: str | None) -> Fetched: ...

    def parse(self, raw: bytes, warn) -> list[Route]: ...

    def unchanged(self, validator: str | None) -> bool:
        """A local source: True when the file on disk is the one ``validator`` was
        taken from (a stat; nothing read).  A remote source: False (only a request
        can tell)."""


class _Keyed:
    kind = "source"
    local = False
    #: the largest document read, decoded (``settings.document_limit``): past it the
    #: source is refused with one line and nothing is cached
    limit: int = DOCUMENT_LIMIT

    def describe(self) -> str:
        return self.kind

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.describe()}"

    def unchanged(self, validator: str | None) -> bool:
        return False


class DiscoverSource(_Keyed):
    kind = "discover"

    def __init__(self, path: str = DISCOVER_PATH) -> None:
        self.path = path

    def describe(self) -> str:
        return self.path

    def fetch(self, client, validator: str | None) -> Fetched:
        headers = {"Accept": "application/json"}
        if validator:
            headers["If-None-Match"] = validator
        response = client.send(RequestSpec("GET", self.path, headers=headers), timeout=None,
                               default_max_time=FETCH_MAX_TIME)
        if response.status == 304 and validator:
            response.close()
            return Fetched(None, validator)
        body = read_limited(response, self.limit, f"GET {self.path}")
        if response.status >= 400:
            error = DiscoveryError(
                f"GET {self.path} answered {response.status}{_error_message(body)}"
            )
            error.exit_code = EXIT_4XX if response.status < 500 else EXIT_5XX
            raise error
        return Fetched(body, response.headers.get("ETag"))

    def parse(self, raw: bytes, warn) -> list[Route]:
        return parse_route_list(raw, where=f"GET {self.path}", warn=warn, origin="discover")


class RoutesFileSource(_Keyed):
    kind = "routes"
    local = True

    def __init__(self, location: str) -> None:
        self.location = location
        self.path = resolve_routes_file(location)

    def describe(self) -> str:
        return str(self.path)

    def fetch(self, client, validator: str | None) -> Fetched:
        return _read_local(self.path, validator, what="routes file", limit=self.limit)

    def unchanged(self, validator: str | None) -> bool:
        return _unchanged(self.path, validator)

    def parse(self, raw: bytes, warn) -> list[Route]:
        return parse_route_list(raw, where=str(self.path), warn=warn, origin="routes")


class SpecSource(_Keyed):
    kind = "spec"

    def __init__(self, location: str) -> None:
        self.location = location
        self.is_url = location.startswith(("http://", "https://"))
        self.local = not self.is_url

    def describe(self) -> str:
        return self.location if self.is_url else str(Path(self.location).expanduser().resolve())

    def unchanged(self, validator: str | None) -> bool:
        return not self.is_url and _unchanged(Path(self.location).expanduser(), validator)

    def fetch(self, client, validator: str | None) -> Fetched:
        if not self.is_url:
            return _read_local(Path(self.location).expanduser(), validator, what="spec file",
                               limit=self.limit)
        headers = {"Accept": SPEC_ACCEPT}
        if validator:
            headers["If-None-Match"] = validator
        if self.location.startswith(client.base_url + "/"):  # the API's own server
            path = self.location[len(client.base_url) :]
            spec = RequestSpec("GET", path, headers=headers)
            return self._fetched(client.send(spec, default_max_time=FETCH_MAX_TIME), validator)
        # Another host: no credentials of the API go there, but its TLS settings do.
        with client.sibling(self.location) as fetcher:
            spec = RequestSpec("GET", "", headers=headers)
            return self._fetched(fetcher.send(spec, default_max_time=FETCH_MAX_TIME), validator)

    def _fetched(self, response, validator: str | None) -> Fetched:
        if response.status == 304 and validator:
            response.close()
            return Fetched(None, validator)
        body = read_limited(response, self.limit, f"GET {self.location}")
        if response.status >= 400:
            raise DiscoveryError(f"GET {self.location} answered {response.status}")
        self.content_type = response.headers.get("Content-Type")
        return Fetched(body, response.headers.get("ETag"))

    content_type: str | None = None

    def parse(self, raw: bytes, warn) -> list[Route]:
        from explorer.discovery.openapi import parse_openapi

        return parse_openapi(load_document(raw, self.location, self.content_type,
                                           limit=self.limit), warn=warn)


def resolve_routes_file(location: str) -> Path:
    """A path as given, or a built-in routes file named without a path (``labstep``)."""
    if "/" not in location and not location.endswith(".json"):
        builtin = BUILTIN_ROUTES / f"{location}-routes.json"
        if builtin.is_file():
            return builtin
        names = sorted(
            p.name.removesuffix("-routes.json") for p in BUILTIN_ROUTES.glob("*-routes.json")
        )
        raise DiscoveryError(
            f"no routes file {location!r} (built-in: {', '.join(names)}; or give a path)"
        )
    return Path(location).expanduser().resolve()


def read_limited(response, limit: int, where: str) -> bytes:
    """The whole body of ``response``, decoded, or :class:`DiscoveryError` once it is
    larger than ``limit`` (said by its Content-Length, or found while reading: the rest
    is not read)."""
    declared = response.headers.get("Content-Length", "")
    encoded = response.headers.get("Content-Encoding", "identity").strip().lower()
    if declared.isdigit() and encoded in ("", "identity") and int(declared) > limit:
        response.close()
        raise too_large(where, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_large(where, limit)
            chunks.append(chunk)
    finally:
        response.close()
    return b"".join(chunks)


def too_large(where: str, limit: int) -> DiscoveryError:
    return DiscoveryError(
        f"{where}: larger than {size_text(limit)}; not used "
        "(settings.document_limit in config.toml raises the limit)"
    )


def _stamp(path: Path) -> str:
    """A local file's validator: its modification time and size."""
    st = path.stat()
    return f"{st.st_mtime_ns}:{st.st_size}"


def _unchanged(path: Path, validator: str | None) -> bool:
    try:
        return validator is not None and _stamp(path) == validator
    except OSError:
        return False  # a read says why


def _read_local(path: Path, validator: str | None, *, what: str, limit: int) -> Fetched:
    try:
        stamp = _stamp(path)
        if validator == stamp:
            return Fetched(None, stamp)
        return Fetched(read_bounded(path, limit), stamp)
    except FileNotFoundError as exc:
        error = DiscoveryError(f"{what} {path} does not exist")
        error.exit_code = EXIT_USAGE  # a path the user gave, like --token-file's
        raise error from exc
    except UnsafeFileError as exc:
        error = DiscoveryError(f"cannot read {what} {path}: {exc.strerror}")
        error.exit_code = EXIT_USAGE
        raise error from exc
    except OSError as exc:
        raise DiscoveryError(f"cannot read {what} {path}: {exc.strerror}") from exc


def _load_json(raw: bytes, where: str) -> Any:
    from explorer import jsonbytes  # only where a document is parsed

    try:
        return jsonbytes.loads(raw)  # json.loads(raw), from a narrower text
    except (ValueError, UnicodeDecodeError) as exc:
        raise DiscoveryError(f"{where}: not JSON ({exc})") from exc
    except RecursionError as exc:
        raise DiscoveryError(f"{where}: {too_deep(raw)}, too deep to read") from exc


def is_yaml(location: str, content_type: str | None = None) -> bool:
    """A ``.yaml``/``.yml`` name (before any ``?query``) or a YAML content type."""
    name = location.split("?", 1)[0].split("#", 1)[0].lower()
    if name.endswith((".yaml", ".yml")):
        return True
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return any(media.endswith(("/" + t, "+" + t, "-" + t)) for t in _YAML_TYPES)


def load_document(raw: bytes, where: str, content_type: str | None = None, *,
                  limit: int = DOCUMENT_LIMIT) -> Any:
    """An API description's data: JSON (the fast path), or YAML when the name or the
    content type says so, or when the text does not start like JSON.  A gzip file
    (``api.github.com.json.gz``, as published specs and tests/data/openapi ship them)
    is read decompressed, at most ``limit`` bytes of it, and named without ``.gz``."""
    name = where
    if raw[:2] == _GZIP_MAGIC:
        raw = gunzip_limited(raw, where, limit)
        bare = where.split("?", 1)[0]
        name = bare[: -len(".gz")] if bare.lower().endswith(".gz") else bare
    head = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not is_yaml(name, content_type) and head[:1] in (b"{", b"["):
        return _load_json(raw, where)
    return load_yaml(raw, where)


_GZIP_MAGIC = b"\x1f\x8b"


def gunzip_limited(raw: bytes, where: str, limit: int) -> bytes:
    """``raw`` (gzip) decompressed; :func:`too_large` past ``limit`` bytes, which are
    all that is ever inflated (a small bomb costs nothing), a one-line error when it
    is not whole gzip."""
    import zlib

    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise DiscoveryError(f"{where}: a broken gzip file ({exc})") from exc
    if len(out) > limit:
        raise too_large(where, limit)
    if not inflater.eof:
        raise DiscoveryError(f"{where}: a gzip file cut short")
    return out


def load_yaml(raw: bytes, where: str) -> Any:
    """YAML through PyYAML's safe loader (the C one where available): plain data only.
    Aliases are shared, not copied, so an alias bomb costs nothing here; what reads the
    document bounds how far it expands (:data:`explorer.spec.schema.MAX_NODES`)."""
    import yaml  # only for YAML documents (an import of ~10 ms)

    try:
        data = yaml.load(raw, Loader=_yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where_in = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise DiscoveryError(f"{where}: neither JSON nor YAML: {problem}{where_in}") from exc
    except (RecursionError, MemoryError) as exc:
        raise DiscoveryError(f"{where}: {too_deep(raw)}, too deep to read") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # timestamps, big ints ...
        raise DiscoveryError(f"{where}: unreadable YAML ({exc})") from exc
    return data


def _error_message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return f": {data['message']}"
    return ""


_ENTRY_KEYS = {"method", "path", "command", "summary", "query", "body", "max_upload"}


_LOADER: Any = None


def _yaml_loader():
    """PyYAML's safe loader whose values are all JSON's: timestamps and ``!!binary``
    stay text, a ``!!set`` is a list (the document is cached as JSON)."""
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loader = type("SpecLoader", (base,), {})
        as_text = yaml.constructor.SafeConstructor.construct_yaml_str
        loader.add_constructor("tag:yaml.org,2002:timestamp", as_text)
        loader.add_constructor("tag:yaml.org,2002:binary", as_text)
        loader.add_constructor(
            "tag:yaml.org,2002:set", lambda self, node: list(self.construct_mapping(node))
        )
        _LOADER = loader
    return _LOADER


def parse_route_list(raw: bytes, *, where: str, warn, origin: str | None = None) -> list[Route]:
    """Routes from a ``/discover``-format document; bad entries are skipped with a warning."""
    data = _load_json(raw, where)
    if isinstance(data, dict):
        if "data" not in data:
            if "message" in data or "code" in data:
                raise DiscoveryError(f"{where} answered an error: {data.get('message', data)}")
            raise DiscoveryError(f'{where}: expected a list of routes or {{"data": [...]}}')
        data = data["data"]
    if not isinstance(data, list):
        raise DiscoveryError(f'{where}: "data" is not a list of routes')
    routes: list[Route] = []
    for index, entry in enumerate(data):
        try:
            routes.append(_route_from_entry(entry, origin))
        except (ExplorerError, TypeError, ValueError) as exc:
            warn(f"{where}: entry {index} skipped: {exc}")
    return routes


def _route_from_entry(entry: Any, origin: str | None = None) -> Route:
    if not isinstance(entry, dict):
        raise ValueError(f"not an object: {json.dumps(entry)[:60]}")
    method, path = entry.get("method"), entry.get("path")
    if not isinstance(method, str) or not method.strip():
        raise ValueError("no method")
    if not isinstance(path, str) or not path.startswith(("/", "*")):
        raise ValueError(f"no path, or a path not starting with '/': {path!r}")
    query = entry.get("query") or ()
    if not isinstance(query, list | tuple) or not all(isinstance(q, str) for q in query):
        raise ValueError("'query' must be a list of names")
    body = entry.get("body")
    if body is not None and not isinstance(body, dict):
        raise ValueError("'body' must be a JSON Schema object")
    max_upload = entry.get("max_upload")
    if max_upload is not None and (isinstance(max_upload, bool) or not isinstance(max_upload, int)):
        raise ValueError("'max_upload' must be a number of bytes")
    command = entry.get("command")
    summary = entry.get("summary")
    return Route(
        method.strip().upper(),
        path,
        command=command if isinstance(command, str) and command.strip() else None,
        summary=summary if isinstance(summary, str) else None,
        query_params=tuple(query),
        body_schema=body,
        max_upload=max_upload,
        origin=origin,
    )
