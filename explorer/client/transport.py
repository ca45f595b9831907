"""The seam between "what to send" and "how bytes move": a transport.

A :class:`Transport` has one method, ``handle(request) -> response``: it sends one
:class:`~explorer.client.models.Request` as it is (no redirect followed, no auth
added) and returns the :class:`~explorer.client.models.Response` as it came, its body
streaming.  The client above it keeps header layering, auth and redirects.

* :class:`RequestsTransport` is the default: a ``requests.Session`` with retries of
  idempotent methods, the raw-target adapter (:mod:`explorer.client.rawtarget`),
  proxies from the environment, a cookie jar, and every foreign failure translated
  into the package's errors, in words (:func:`_translated`, at the end of this
  module: refused, unknown host, reset, not HTTP, TLS, proxy); a whole-exchange
  deadline (``--max-time``, :mod:`explorer.client.deadline`) and a bound on what a
  compressed body may inflate to (:data:`DECODED_LIMIT`; past it the body is cut with
  ``the body from URL inflates past N bytes (gzip); cut there``).
* :class:`MockTransport` answers from a function, for unit tests that only need
  canned answers (as httpx's ``MockTransport``)::

      client = Client("http://api.test", transport=MockTransport(
          lambda request: Response.of(200, b'{"ok": true}',
                                      headers={"Content-Type": "application/json"})))

* :class:`explorer.sessions.serve.SessionTransport` answers from a recorded session
  (``replay --serve`` puts an HTTP server in front of it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from explorer.client.models import NO_BODY, Request, RequestSpec, Response
from explorer.client.urls import display_url
from explorer.errors import ResponseError, TransportError, UsageError

if TYPE_CHECKING:
    import requests

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: the most a compressed answer may inflate to before it is cut (a gzip bomb)
DECODED_LIMIT = 1 << 30


class Transport(Protocol):
    """Sends one request as it is and returns the answer (its body streaming)."""

    def handle(self, request: Request) -> Response: ...

    def close(self) -> None: ...


class MockTransport:
    """Answers every request with ``handler(request)``; ``requests`` keeps them."""

    def __init__(self, handler: Callable[[Request], Response]) -> None:
        self.handler = handler
        self.requests: list[Request] = []

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        return self.handler(request)

    def close(self) -> None:
        """Nothing to release."""


class RequestsTransport:
    """The default transport: ``requests`` and urllib3 (see the module docstring)."""

    def __init__(self, *, verify: bool | str = True, retries: int = 2,
                 user_agent: str = "explorer", decoded_limit: int | None = DECODED_LIMIT,
                 proxy: str | None = None, cert: str | tuple[str, str] | None = None,
                 cookies=None) -> None:
        self.verify = verify
        #: a gzip/deflate/brotli body is cut once it inflates past this many bytes
        self.decoded_limit = decoded_limit
        self.retries = retries
        self.user_agent = user_agent
        #: ``--proxy URL``: every request goes through it (the environment's proxies
        #: still apply to what it does not cover: none, as it covers http and https)
        self.proxy = proxy
        #: ``--cert FILE [--cert-key FILE]``: the client certificate for TLS
        self.cert = cert
        #: the cookie jar (an ``http.cookiejar.CookieJar``; None: requests' own)
        self.cookies = cookies
        self._session: requests.Session | None = None
        #: proxies per (scheme, host:port), resolved once (see :meth:`_proxies_for`)
        self._proxies: dict[tuple[str, str], dict[str, str]] = {}

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = self._make_session()
        return self._session

    def _make_session(self) -> requests.Session:
        from urllib3.util.retry import Retry

        from explorer.client.rawtarget import RawTargetAdapter

        session = _session_class()()
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
        session.headers["User-Agent"] = self.user_agent
        session.verify = self.verify
        if self.proxy:
            session.proxies = {"http": self.proxy, "https": self.proxy}
        if self.cert:
            session.cert = self.cert
        if self.cookies is not None:
            session.cookies = self.cookies
        return session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def prepare(self, request: Request) -> requests.PreparedRequest:
        """``request`` as requests sends it: the session's defaults (User-Agent,
        Accept-Encoding) and cookies merged in, the target kept exactly."""
        import requests

        wire = requests.Request(request.method, request.url, headers=request.headers,
                                data=request.body)
        try:
            prepared = self.session.prepare_request(wire)
        except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL) as exc:
            raise UsageError(f"cannot build the request: {str(exc).splitlines()[0][:200]}") from exc
        if not request.cookies and "Cookie" not in request.headers:
            prepared.headers.pop("Cookie", None)
        # Set the target ourselves: requests would re-quote characters like '>'.
        prepared.url = request.url
        return prepared

    def handle(self, request: Request) -> Response:
        import requests

        from explorer.client.deadline import Deadline
        from explorer.client.rawtarget import watching

        prepared = self.prepare(request)
        timeout = request.timeout
        shown = request.label or request.url
        deadline = Deadline(timeout.total, shown) if timeout.total else None
        left = deadline.left() if deadline is not None else timeout.read
        read_limit = min(timeout.read, left)
        connect_limit = min(timeout.read, timeout.connect, left)
        started = time.perf_counter()
        watching(deadline)
        try:
            r = self.session.send(
                prepared,
                stream=True,
                timeout=(connect_limit, read_limit),
                allow_redirects=False,
                proxies=self._proxies_for(prepared),
            )
        except BaseException as exc:
            if deadline is not None:
                deadline.cancel()
            if isinstance(exc, requests.RequestException):
                raise _translated(exc, request, deadline, connect_limit, read_limit,
                                  proxy=self.proxy) from exc
            raise
        finally:
            watching(None)
        if deadline is not None and deadline.expired:  # cut in the headers: no answer
            r.close()
            raise deadline.error()

        def close() -> None:
            if deadline is not None:
                deadline.cancel()
            r.close()

        return Response(
            status=r.status_code,
            reason=r.reason or "",
            headers=r.headers,
            url=r.url,
            elapsed=time.perf_counter() - started,
            request_headers=r.request.headers if r.request is not None else None,
            _stream=_guarded(r, shown, deadline, self.decoded_limit),
            _close=close,
        )

    def _proxies_for(self, prepared: requests.PreparedRequest) -> dict[str, str]:
        """What ``Session.send`` would work out for this URL's proxies, once per server.

        requests resolves proxies from the environment on every send (reading all of
        ``os.environ`` and ``no_proxy``); the answer depends only on the scheme and host,
        so it is kept (about 8% of a 1,000-request replay).
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


def _translated(
    exc: Exception, request: Request, deadline, connect_limit: float, read_limit: float,
    *, proxy: str | None = None,
) -> Exception:
    """The package's error for a requests failure of ``session.send``."""
    import requests

    shown = request.label or request.url
    if deadline is not None and deadline.expired:
        return deadline.error()
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportError(f"TLS error talking to {shown}: {_reason(exc)}", reason="tls")
    if isinstance(exc, requests.exceptions.ProxyError):
        return TransportError(
            f"the proxy {display_url(proxy or 'the proxy')} failed on the way to {shown}: "
            f"{_reason(exc)}", reason="proxy")
    if isinstance(exc, requests.ConnectTimeout):
        if deadline is not None and deadline.left() <= 0.01:
            return deadline.error()
        return TransportError(
            f"{shown} did not accept a connection within {connect_limit:g} s (timed out)",
            reason="timeout",
        )
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        reason = _reason(exc)
        if isinstance(exc, requests.Timeout) or reason == "timed out":
            if deadline is not None and read_limit < request.timeout.read:
                return deadline.error()
            return TransportError(
                f"{shown} did not answer within {read_limit:g} s (timed out)", reason="timeout"
            )
        return _connection_error(exc, shown, reason, request.spec)
    return TransportError(f"request to {shown} failed: {_reason(exc)}")


def _guarded(r: requests.Response, shown: str, deadline, limit: int | None) -> Iterator[bytes]:
    """The body as it is read, decoded; failures translated; a compressed body cut
    once it inflates past ``limit`` bytes."""
    import requests

    encoding = r.headers.get("Content-Encoding", "").strip().lower()
    bounded = limit if encoding not in ("", "identity") else None
    size = 0
    try:
        for chunk in r.iter_content(chunk_size=65536):
            size += len(chunk)
            if bounded is not None and size > bounded:
                yield chunk[: len(chunk) - (size - bounded)]
                raise ResponseError(
                    f"the body from {shown} inflates past {bounded:,} bytes ({encoding}); "
                    "cut there"
                )
            yield chunk
        if deadline is not None and deadline.expired:  # the cut ended the body early
            raise deadline.error()
    except requests.RequestException as exc:
        if deadline is not None and deadline.expired:
            raise deadline.error() from exc
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            raise ResponseError(f"cannot decode the body from {shown}: {_reason(exc)}") from exc
        if isinstance(exc, requests.Timeout):
            raise TransportError(
                f"{shown} stopped sending the body (timed out)", reason="timeout"
            ) from exc
        raise TransportError(
            f"connection to {shown} was lost while reading the body", reason="reset"
        ) from exc
    finally:
        if deadline is not None:
            deadline.cancel()


# -- what went wrong, in words (requests and urllib3 nest their texts deeply) --------


def _connection_error(
    exc: BaseException, base_url: str, reason: str, spec: RequestSpec | None
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
    spec = spec or RequestSpec("GET", "/")
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


def _session_class():
    """``requests.Session`` without its own redirect handling: explorer follows
    redirects itself (:mod:`explorer.client.redirects`), and requests still parses a
    redirect's Location to compute ``Response.next`` when told not to follow, raising
    ``ValueError`` on a hostile one (``Location: http://[/y``) after the answer came."""
    import requests

    class Session(requests.Session):
        def resolve_redirects(self, resp, req, **kwargs):
            return iter(())

    return Session
