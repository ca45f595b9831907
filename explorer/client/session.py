"""The HTTP client: one per server, over a transport (:mod:`explorer.client.transport`).

Building a request (:meth:`Client.build`: a :class:`~explorer.client.models.Request`)
and sending it (:meth:`Client.send`: the transport's ``handle``, then redirects) are
separate steps.  The default transport translates every foreign failure into the
package's errors:
refused, unreachable and timed out become :class:`TransportError` (exit 3), and so
does a connection the server closes before it answers (``closed the connection during
the upload``) or in the middle of the body (when the body is read); a redirect loop,
headers past http.client's limits or an answer that is not HTTP become
:class:`ResponseError` (exit 1).

Every :class:`TransportError` carries a ``reason`` (``refused``, ``timeout``,
``reset``, ...) for callers that act on the kind of failure.

Timeouts: the ``timeout`` given is the limit for each read; making the connection
has its own limit, :data:`CONNECT_TIMEOUT` (10 s) or the read limit when that is
shorter, and the message of a connect timeout names that limit.

Retries: only idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) are retried, on a
failed connection and on 502/503/504, twice with a short backoff; a read timeout is
never retried (a server that does not answer would otherwise cost three timeouts).

Redirects are followed here, one hop at a time, by the rules of
:mod:`explorer.client.redirects`: nothing that says who the client is (the auth
scheme's headers, every credential header whatever its source, cookies) goes to
another origin (scheme, host, port), a body goes nowhere but its own origin, and a
307/308 that would take it elsewhere is not followed (``warn`` says where it pointed).
Messages show the base URL without any ``user:password@`` (see
:mod:`explorer.client.urls`).

A challenge-response scheme (HTTP Digest): a 401 to the first request, whose
``WWW-Authenticate`` the auth scheme answers (:meth:`Scheme.answer`), is sent once more
with that answer; a challenge from a redirect's target is never answered.

``proxy``, ``cert`` and ``cookies`` (``--proxy``, ``--cert``/``--cert-key``, the
profile's cookie jar, :mod:`explorer.client.cookies`) go to the default transport;
a sibling (another server) gets the proxy only.
"""

from __future__ import annotations

import json as _json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from explorer import __version__
from explorer.auth import Scheme
from explorer.client.headers import has, layered
from explorer.client.models import NO_BODY, Request, RequestSpec, Response, Timeout
from explorer.client.redirects import MAX_REDIRECTS, NotFollowed, location, next_hop
from explorer.client.urls import display_url, url_secrets
from explorer.errors import ResponseError, TransportError, UsageError
from explorer.secrets import AUTH_HEADERS, is_secret_header

#: "the client's own credential" (``auth=None`` means none at all)
_OWN: Any = object()

if TYPE_CHECKING:
    from explorer.client.transport import Transport

_BAD_HEADER_CHARS = frozenset("\r\n\x00")
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
USER_AGENT = f"explorer/{__version__}"
#: the longest wait for a connection to be made (seconds), whatever the read timeout
CONNECT_TIMEOUT = 10.0


class Client:
    """Sends :class:`RequestSpec` values to one server."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: Scheme | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        verify: bool | str = True,
        retries: int = 2,
        warn: Callable[[str], None] = lambda message: None,
        transport: Transport | None = None,
        max_time: float | None = None,
        proxy: str | None = None,
        cert: str | tuple[str, str] | None = None,
        cookies=None,
    ) -> None:
        try:
            parts = urlsplit(base_url)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"not an http(s) URL: {display_url(base_url)!r}")
        self.base_url = base_url.rstrip("/")
        #: the base URL as messages show it (no ``user:password@``)
        self.display_url = display_url(self.base_url)
        self.auth = auth
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.verify = verify
        self.retries = retries
        #: hears about a redirect that was not followed
        self.warn = warn
        #: the longest a whole exchange may take (``--max-time``), None: unbounded
        self.max_time = max_time
        #: how bytes move (:mod:`explorer.client.transport`); made on first use
        self._transport = transport
        #: for the default transport: ``--proxy``, ``--cert``, the cookie jar
        self.proxy = proxy
        self.cert = cert
        self.cookies = cookies
        #: a ``user:password@`` in the base URL, sent as Basic when no auth is given
        self._userinfo = _userinfo_auth(self.base_url)
        self._wire_base = _without_userinfo(self.base_url)

    # -- the transport ----------------------------------------------------------------

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            from explorer.client.transport import RequestsTransport

            self._transport = RequestsTransport(
                verify=self.verify, retries=self.retries, user_agent=USER_AGENT,
                proxy=self.proxy, cert=self.cert, cookies=self.cookies,
            )
        return self._transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sibling(self, base_url: str) -> Client:
        """A client for another server with this one's TLS settings, proxy, timeout and
        retries, but none of its credentials, client certificate, cookies or headers
        (close it after use)."""
        return Client(base_url, timeout=self.timeout, verify=self.verify, retries=self.retries,
                      warn=self.warn, max_time=self.max_time, proxy=self.proxy)

    # -- building and sending --------------------------------------------------------

    @property
    def secrets(self) -> list[str]:
        """Secret values this client sends, for redaction by renderers and recorders:
        the auth secret, the values of credential headers among the fixed headers
        (a profile's ``X-Auth-Token``), and a password written into the base URL."""
        found = list(self.auth.secrets) if self.auth else []
        for name, value in self.headers.items():
            if not value or not is_secret_header(name):
                continue
            found.append(value)
            _scheme, space, credentials = value.strip().partition(" ")
            if space and credentials.strip() and name.lower() in AUTH_HEADERS:
                found.append(credentials.strip())
        found += url_secrets(self.base_url) + url_secrets(self.proxy)
        return list(dict.fromkeys(found))

    def url_for(self, spec: RequestSpec) -> str:
        return spec.url(self.base_url)

    def build(
        self,
        spec: RequestSpec,
        *,
        max_upload: int | None = None,
        timeout: float | None = None,
        max_time: float | None = None,
        auth: Any = _OWN,
    ) -> Request:
        """The exact request :meth:`send` would hand the transport first: headers
        layered (:mod:`explorer.client.headers`), the body encoded, the target as typed.
        ``auth`` replaces the client's credential for this request (the same secret
        placed where an API description says: :func:`explorer.spec.auth.placed`)."""
        auth = (self.auth or self._userinfo) if auth is _OWN else auth
        headers = layered(
            {"Accept": "application/json, */*;q=0.5"},
            self.headers,
            auth.headers() if auth else None,
            spec.headers,
        )
        data = None
        if spec.files or spec.form:
            from explorer.client.multipart import MultipartBody

            body = MultipartBody(spec.form, spec.files)
            if max_upload is not None and body.file_bytes > max_upload:
                raise UsageError(
                    f"upload of {body.file_bytes:,} bytes is over the server's limit of "
                    f"{max_upload:,} bytes; nothing was sent"
                )
            data = body
            _default(headers, "Content-Type", body.content_type)
        elif spec.json is not NO_BODY:
            data = _json.dumps(spec.json, ensure_ascii=False).encode()
            _default(headers, "Content-Type", "application/json")
        elif spec.data is not None:
            data = spec.data
        for name, value in headers.items():
            if value is not None and (value[:1] in (" ", "\t") or _BAD_HEADER_CHARS & set(value)):
                # requests would refuse it quoting the value, which may be a secret.
                raise UsageError(
                    f"the {name} header cannot be sent: its value starts with a space "
                    "or holds a line break or NUL"
                )
        url = spec.url(self._wire_base)
        if auth is not None and auth.query():  # not twice (a replayed session holds it)
            have = set(urlsplit(url).query.split("&"))
            extra = [c for c in auth.query() if c not in have]
            if extra:
                url += ("&" if "?" in url else "?") + "&".join(extra)
        limit = timeout or self.timeout
        return Request(
            spec.method,
            url,
            # A None value (typed as `Name:`) removes the header, defaults included.
            headers={k: v for k, v in headers.items() if v is not None},
            body=data,
            timeout=Timeout(connect=CONNECT_TIMEOUT, read=limit,
                            total=self.max_time or max_time),
            label=self.display_url,
            spec=spec,
        )

    def send(
        self,
        spec: RequestSpec,
        *,
        timeout: float | None = None,
        max_upload: int | None = None,
        allow_redirects: bool = True,
        default_max_time: float | None = None,
        auth: Any = _OWN,
    ) -> Response:
        """Send ``spec``; the body of the answer streams from :meth:`Response.iter_bytes`.

        ``default_max_time`` bounds the whole exchange when the client has no
        ``max_time`` of its own (discovery and ``probe`` pass theirs); ``auth``: see
        :meth:`build`."""
        auth = (self.auth or self._userinfo) if auth is _OWN else auth
        own = auth.header_names if auth is not None else frozenset()
        request = self.build(spec, max_upload=max_upload, timeout=timeout,
                             max_time=default_max_time, auth=auth)
        started = time.perf_counter()
        response = self.transport.handle(request)
        again = auth.answer(request, response) if auth is not None else None
        if again:  # a challenge the scheme answers (Digest): once more, with its headers
            response.close()
            rewind = getattr(request.body, "rewind", None)
            if rewind is not None:
                rewind()
            request = request.replace(headers=layered(request.headers, again))
            response = self.transport.handle(_within(request, started))
        hops = 0
        while allow_redirects:
            try:
                target = location(response)
            except NotFollowed as stop:
                self.warn(str(stop))
                break
            if target is None:
                break
            hops += 1
            if hops > MAX_REDIRECTS:
                response.close()
                url = display_url(self.url_for(spec))
                raise ResponseError(f"too many redirects from {url}")
            try:
                request = next_hop(request, response, target, own_headers=own)
            except NotFollowed as stop:
                self.warn(str(stop))
                break
            response.close()
            response = self.transport.handle(_within(request, started))
        response.elapsed = time.perf_counter() - started
        response.credential_headers = own
        response.request_url = request.url
        response.credential_query = auth.query_names if auth is not None else frozenset()
        return response

    @property
    def _own_headers(self) -> frozenset[str]:
        auth = self.auth or self._userinfo
        return auth.header_names if auth is not None else frozenset()


def _within(request: Request, started: float) -> Request:
    """``request`` with what is left of its whole-exchange deadline (a redirect's hop
    gets no fresh one)."""
    total = request.timeout.total
    if total is None:
        return request
    left = total - (time.perf_counter() - started)
    if left <= 0:
        raise TransportError(
            f"{request.label} did not finish within {total:g} s (--max-time)", reason="timeout"
        )
    return request.replace(timeout=request.timeout.replace(total=left))


def _userinfo_auth(url: str):
    """The Basic credential of a ``user:password@`` in ``url`` (decoded), or None."""
    netloc = urlsplit(url).netloc
    if "@" not in netloc:
        return None
    userinfo = netloc.rpartition("@")[0]
    user, _, password = userinfo.partition(":")
    if not user:
        return None
    from explorer.auth import Basic

    try:
        return Basic(unquote(user), unquote(password))
    except UsageError:
        return None


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _default(headers: dict[str, str | None], name: str, value: str) -> None:
    """Set ``name`` unless the user gave it in any case (``content-type:`` included,
    whose None value then removes it)."""
    if not has(headers, name):
        headers[name] = value
