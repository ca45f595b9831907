"""Following redirects: credentials stay with their origin.

The client sends one hop at a time and follows 301, 302, 303, 307 and 308 itself, at
most :data:`MAX_REDIRECTS` times, by these rules:

* an origin is (scheme, host, port), the default port filled in: ``http://h`` and
  ``https://h`` are two origins, and so are two ports of one host.  (requests' own
  ``should_strip_auth`` keeps credentials from ``http`` to ``https`` on one host and
  treats default ports as the same; the rule here is strict.)
* to another origin nothing that says who the client is goes along: the auth scheme's
  headers, every credential header whatever its source (``Authorization``, ``apikey``,
  ``X-Api-Key``, ``Cookie`` ...: :data:`explorer.secrets.SECRET_HEADERS`), and no
  cookie from the jar.  A password in the base URL's userinfo became an
  ``Authorization`` header, so it stays behind too.
* 303, and 301/302 after anything but GET and HEAD: the next request is a GET
  without a body, as browsers and ``curl -L`` do; a password in a login's body is not
  sent again.
* 307 and 308 keep the method and the body, on the same origin only.  To another
  origin a request with a body is not followed: the 3xx is the answer, and
  :func:`next_hop` says where it pointed (the front end warns with it).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from explorer.client.models import Request, Response
from explorer.client.urls import display_url, same_origin
from explorer.secrets import AUTH_HEADERS, SECRET_HEADERS, secret_name

#: hops followed before the answer is "too many redirects"
MAX_REDIRECTS = 30
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_BODY_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding"})
#: what proves who the client is (Proxy-Authorization is for the proxy, which stays)
CREDENTIAL_HEADERS = (SECRET_HEADERS | AUTH_HEADERS) - {"proxy-authorization"}


class NotFollowed(Exception):
    """A redirect the rules do not follow; ``str()`` says where it pointed and why."""


def location(response: Response) -> str | None:
    """The absolute URL a redirect answer points at, or None when it is no redirect;
    :class:`NotFollowed` when its Location is no http(s) URL (a server's bytes)."""
    if response.status not in REDIRECTS:
        return None
    target = response.headers.get("Location")
    if not target:
        return None
    from requests.utils import requote_uri

    # Location is latin-1 on the wire; requests decodes it as UTF-8 bytes would be.
    try:
        target = target.encode("latin1").decode("utf8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    refused = NotFollowed(f"the answer {response.status} points to a Location that is no "
                          f"URL ({ascii(target)[:120]}): not followed")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in target):
        raise refused  # control characters: no URL holds them
    try:
        url = requote_uri(urljoin(response.url, target))
        parts = urlsplit(url)
        _ = parts.port  # a port that is no number raises here
    except ValueError as exc:
        raise refused from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise refused
    return url


def next_hop(
    previous: Request,
    response: Response,
    target: str,
    *,
    own_headers: frozenset[str] = frozenset(),
) -> Request:
    """The request that follows ``response`` (a redirect of ``previous``) to
    ``target``, by the rules of the module docstring; raises :class:`NotFollowed`.

    ``own_headers`` are the lower-case names the auth scheme set.  On the same origin
    the transport's cookies go along (those the redirect set included); to another
    none does."""
    status = response.status
    method = previous.method or "GET"
    crossing = not same_origin(previous.url, target)
    headers = dict(previous.headers)
    body = previous.body
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method not in (
        "GET", "HEAD"
    )):
        method, body = "GET", None
        headers = {k: v for k, v in headers.items() if k.lower() not in _BODY_HEADERS}
    # Any body that would still go along (a 307/308, or a GET or HEAD that carries one
    # through a 301/302/303) stays at home: it may hold a password.
    if body is not None and crossing:
        raise NotFollowed(
            f"the answer {status} points to {display_url(target)}, another origin: not "
            "followed, so the request's body and credentials were not sent there"
        )
    if crossing:
        headers = {k: v for k, v in headers.items() if not _credential(k, own_headers)}
    # A body that is a stream was read by the first hop: send it again from the start.
    rewind = getattr(body, "rewind", None)
    if rewind is not None:
        rewind()
    return previous.replace(method=method, url=target, headers=headers, body=body,
                   cookies=previous.cookies and not crossing,
                   label=display_origin(target) if crossing else previous.label)


def _credential(name: str, own_headers: frozenset[str]) -> bool:
    """Whether a header says who the client is: the auth scheme's own, or any name the
    shared list calls secret in any spelling (``X-ApiKey``, ``x_api_key``,
    ``X-Service-Api-Key``, ``X-Webhook-Secret``), as ``-v`` masks them."""
    lower = name.lower()
    if lower in own_headers or lower in CREDENTIAL_HEADERS:
        return True
    return lower != "proxy-authorization" and secret_name(name) is not None


def display_origin(url: str) -> str:
    """``scheme://host:port`` of ``url``, as messages name a server."""
    parts = urlsplit(display_url(url))
    return f"{parts.scheme}://{parts.netloc}"
