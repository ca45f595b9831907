"""The HTTP client: one ``requests.Session`` per profile, and the only place bytes move.

Building a request (:meth:`Client.build`) and sending it (:meth:`Client.send`) are
separate steps.  ``send`` translates every foreign failure into the package's errors:
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
"""

from __future__ import annotations

import json as _json
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from explorer import __version__
from explorer.auth import Scheme
from explorer.client.headers import has, layered
from explorer.client.models import NO_BODY, RequestSpec, Response
from explorer.client.redirects import MAX_REDIRECTS, NotFollowed, location, next_hop
from explorer.client.urls import display_url, url_secrets
from explorer.errors import ResponseError, TransportError, UsageError
from explorer.secrets import AUTH_HEADERS, is_secret_header

if TYPE_CHECKING:
    import requests

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
        self._session: requests.Session | None = None
        #: proxies per (scheme, host:port), resolved once (see :meth:`_proxies_for`)
        self._proxies: dict[tuple[str, str], dict[str, str]] = {}

    # -- the session -----------------------------------------------------------------

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = self._make_session()
        return self._session

    def _make_session(self) -> requests.Session:
        import requests
        from urllib3.util.retry import Retry

        from explorer.client.transport import RawTargetAdapter

        session = requests.Session()
        session.trust_env = True
        retry = Retry(
            total=self.retries,
            connect=self.retries,
            read=0,
            status=self.retries,
            other=0,
            allowed_methods=IDEMPOTENT,
            status_forcelist=(502, 503, 504),
            backoff_factor=0.2,
            raise_on_status=False,
            raise_on_redirect=False,
            respect_retry_after_header=False,
        )
        adapter = RawTargetAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        session.verify = self.verify
        return session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sibling(self, base_url: str) -> Client:
        """A client for another server with this one's TLS settings, timeout and
        retries, but none of its credentials or headers (close it after use)."""
        return Client(base_url, timeout=self.timeout, verify=self.verify, retries=self.retries,
                      warn=self.warn)

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
        found += url_secrets(self.base_url)
        return list(dict.fromkeys(found))

    def url_for(self, spec: RequestSpec) -> str:
        return spec.url(self.base_url)

    def build(
        self, spec: RequestSpec, *, max_upload: int | None = None
    ) -> requests.PreparedRequest:
        """The exact request :meth:`send` would put on the wire."""
        import requests

        headers = layered(self.headers, self.auth.headers() if self.auth else None, spec.headers)
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
        _default(headers, "Accept", "application/json, */*;q=0.5")
        # A None value (typed as `Name:`) removes the header, session defaults included.
        for name, value in headers.items():
            if value is not None and (value[:1] in (" ", "\t") or _BAD_HEADER_CHARS & set(value)):
                # requests would refuse it quoting the value, which may be a secret.
                raise UsageError(
                    f"the {name} header cannot be sent: its value starts with a space "
                    "or holds a line break or NUL"
                )
        request = requests.Request(spec.method, self.base_url + "/", headers=headers, data=data)
        try:
            prepared = self.session.prepare_request(request)
        except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL) as exc:
            raise UsageError(f"cannot build the request: {str(exc).splitlines()[0][:200]}") from exc
        # Set the target ourselves: requests would re-quote characters like '>'.
        prepared.url = self.url_for(spec)
        if self.auth is not None and self.auth.query():
            joiner = "&" if "?" in prepared.url else "?"
            prepared.url += joiner + "&".join(self.auth.query())
        return prepared

    def send(
        self,
        spec: RequestSpec,
        *,
        timeout: float | None = None,
        max_upload: int | None = None,
        allow_redirects: bool = True,
    ) -> Response:
        """Send ``spec``; the body of the answer streams from :meth:`Response.iter_bytes`."""
        prepared = self.build(spec, max_upload=max_upload)
        limit = timeout or self.timeout
        started = time.perf_counter()
        r = self._hop(prepared, spec, limit)
        hops = 0
        while allow_redirects:
            target = location(r)
            if target is None:
                break
            hops += 1
            if hops > MAX_REDIRECTS:
                r.close()
                url = display_url(self.url_for(spec))
                raise ResponseError(f"too many redirects from {url}")
            try:
                prepared = next_hop(prepared, r, target, own_headers=self._own_headers,
                                    cookies=self.session.cookies)
            except NotFollowed as stop:
                self.warn(str(stop))
                break
            r.close()
            r = self._hop(prepared, spec, limit)
        elapsed = time.perf_counter() - started
        shown = self.display_url
        return Response(
            status=r.status_code,
            reason=r.reason or "",
            headers=r.headers,
            url=r.url,
            elapsed=elapsed,
            request_headers=r.request.headers if r.request is not None else None,
            _stream=_guarded(r, shown),
            _close=r.close,
        )

    @property
    def _own_headers(self) -> frozenset[str]:
        return self.auth.header_names if self.auth is not None else frozenset()

    def _hop(self, prepared, spec: RequestSpec, limit: float) -> requests.Response:
        """Send ``prepared`` as it is (no redirect followed), failures translated."""
        import requests

        connect_limit = min(limit, CONNECT_TIMEOUT)
        shown = self.display_url
        try:
            return self.session.send(
                prepared,
                stream=True,
                timeout=(connect_limit, limit),
                allow_redirects=False,
                proxies=self._proxies_for(prepared),
            )
        except requests.exceptions.SSLError as exc:
            raise TransportError(
                f"TLS error talking to {shown}: {_reason(exc)}", reason="tls"
            ) from exc
        except requests.ConnectTimeout as exc:
            raise TransportError(
                f"{shown} did not accept a connection within {connect_limit:g} s (timed out)",
                reason="timeout",
            ) from exc
        except (requests.Timeout, requests.ConnectionError) as exc:
            reason = _reason(exc)
            if isinstance(exc, requests.Timeout) or reason == "timed out":
                raise TransportError(
                    f"{shown} did not answer within {limit:g} s (timed out)", reason="timeout"
                ) from exc
            raise _connection_error(exc, shown, reason, spec) from exc
        except requests.RequestException as exc:
            raise TransportError(f"request to {shown} failed: {_reason(exc)}") from exc

    def _proxies_for(self, prepared: requests.PreparedRequest) -> dict[str, str]:
        """What ``Session.send`` would work out for this URL's proxies, once per server.

        requests resolves proxies from the environment on every send (reading all of
        ``os.environ`` and ``no_proxy``); the answer depends only on the scheme and host,
        so it is kept (about 8% of a 1,000-request replay).  Redirects are resolved by
        requests itself, hop by hop, as before.
        """
        parts = urlsplit(prepared.url)
        key = (parts.scheme, parts.netloc)
        found = self._proxies.get(key)
        if found is None:
            from requests.utils import resolve_proxies

            session = self.session
            found = self._proxies[key] = resolve_proxies(
                prepared, session.proxies, session.trust_env
            )
        return dict(found)


def _default(headers: dict[str, str | None], name: str, value: str) -> None:
    """Set ``name`` unless the user gave it in any case (``content-type:`` included,
    whose None value then removes it)."""
    if not has(headers, name):
        headers[name] = value


def _guarded(r: requests.Response, base_url: str) -> Iterator[bytes]:
    import requests

    try:
        yield from r.iter_content(chunk_size=65536)
    except requests.exceptions.ContentDecodingError as exc:
        raise ResponseError(f"cannot decode the body from {base_url}: {_reason(exc)}") from exc
    except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
        raise TransportError(
            f"connection to {base_url} was lost while reading the body", reason="reset"
        ) from exc
    except requests.Timeout as exc:
        raise TransportError(
            f"{base_url} stopped sending the body (timed out)", reason="timeout"
        ) from exc


def _connection_error(
    exc: BaseException, base_url: str, reason: str, spec: RequestSpec
) -> TransportError | ResponseError:
    """Which of three things went wrong: no connection, a broken answer, or a lost one.

    * the connection could not be made (refused, unknown host): ``cannot reach``;
    * the server answered something that is not HTTP, or headers past http.client's
      limits (100 headers, 64 KB a line): a :class:`ResponseError`;
    * the server closed or reset the connection before its answer came (an upload it
      stopped reading, a crash): ``closed the connection``.
    """
    import http.client

    from urllib3.exceptions import NewConnectionError

    causes = _causes(exc)
    if any(isinstance(c, NewConnectionError) for c in causes) or not any(
        isinstance(c, OSError | http.client.HTTPException) for c in causes
    ):
        kind = {"connection refused": "refused", "unknown host": "unknown-host"}.get(reason)
        return TransportError(f"cannot reach {base_url}: {reason}", reason=kind or "unreachable")
    lost = (http.client.RemoteDisconnected, ConnectionError, http.client.IncompleteRead)
    broken = [c for c in causes if isinstance(c, http.client.HTTPException)]
    if broken and not any(isinstance(c, lost) for c in causes):
        detail = str(broken[0])[:120] or type(broken[0]).__name__
        if isinstance(broken[0], http.client.BadStatusLine):
            return ResponseError(f"{base_url} answered something that is not HTTP ({detail})")
        return ResponseError(f"{base_url} sent malformed or oversized headers ({detail})")
    during = "during the upload" if spec.files else "without answering"
    if not spec.files and (spec.form or spec.data is not None or spec.json is not NO_BODY):
        during = "while the request was being sent"
    return TransportError(f"{base_url} closed the connection {during} ({reason})", reason="reset")


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps (``args``, urllib3's ``reason``, chained causes)."""
    found: list[BaseException] = []
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        stack.extend(item.args)
        stack += [getattr(item, "reason", None), item.__cause__, item.__context__]
    return found


_REASONS = (
    ("Connection refused", "connection refused"),
    ("Name or service not known", "unknown host"),
    ("nodename nor servname", "unknown host"),
    ("Temporary failure in name resolution", "unknown host"),
    ("Connection reset", "connection reset by the server"),
    ("Broken pipe", "connection reset by the server"),
    ("Remote end closed", "the connection ended before an answer came"),
    ("RemoteDisconnected", "the connection ended before an answer came"),
    ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed (try --ca-bundle FILE)"),
    ("timed out", "timed out"),
    ("header", "the server sent malformed or oversized headers"),
)


def _reason(exc: BaseException) -> str:
    """A short human reason for a requests/urllib3 failure (their texts nest deeply)."""
    text = str(exc)
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    first = text.splitlines()[0] if text else type(exc).__name__
    return first[:200]
