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

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from explorer.client.urls import display_url, same_origin
from explorer.secrets import AUTH_HEADERS, SECRET_HEADERS

if TYPE_CHECKING:
    import requests

#: hops followed before the answer is "too many redirects"
MAX_REDIRECTS = 30
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_BODY_HEADERS = ("Content-Type", "Content-Length", "Transfer-Encoding")
#: what proves who the client is (Proxy-Authorization is for the proxy, which stays)
CREDENTIAL_HEADERS = (SECRET_HEADERS | AUTH_HEADERS) - {"proxy-authorization"}


class NotFollowed(Exception):
    """A redirect the rules do not follow; ``str()`` says where it pointed and why."""


def location(response: requests.Response) -> str | None:
    """The absolute URL a redirect answer points at, or None when it is no redirect."""
    if response.status_code not in REDIRECTS:
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
    return requote_uri(urljoin(response.url, target))


def next_hop(
    previous: requests.PreparedRequest,
    response: requests.Response,
    target: str,
    *,
    own_headers: frozenset[str] = frozenset(),
    cookies=None,
) -> requests.PreparedRequest:
    """The request that follows ``response`` (a redirect of ``previous``) to
    ``target``, by the rules of the module docstring; raises :class:`NotFollowed`.

    ``own_headers`` are the lower-case names the auth scheme set; ``cookies`` the jar
    whose cookies may go to the same origin (a ``Cookie`` header already there, typed
    or from the jar, goes on as it was)."""
    status = response.status_code
    method = previous.method or "GET"
    has_body = previous.body is not None
    crossing = not same_origin(previous.url or "", target)
    if status in (307, 308) and has_body and crossing:
        raise NotFollowed(
            f"the answer {status} points to {display_url(target)}, another origin: not "
            "followed, so the request's body and credentials were not sent there"
        )
    hop = previous.copy()
    hop.url = target
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method not in (
        "GET", "HEAD"
    )):
        hop.method = "GET"
        hop.body = None
        for name in _BODY_HEADERS:
            hop.headers.pop(name, None)
    if crossing:
        for name in list(hop.headers):
            if name.lower() in CREDENTIAL_HEADERS or name.lower() in own_headers:
                del hop.headers[name]
    elif cookies is not None and "Cookie" not in hop.headers:
        hop.prepare_cookies(cookies)  # what the redirect itself set
    # A body that is a stream was read by the first hop: send it again from the start.
    rewind = getattr(hop.body, "rewind", None)
    if rewind is not None:
        rewind()
    return hop
