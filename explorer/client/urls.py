"""URLs as people see them: a password written into a URL never reaches a message.

``http://user:s3cret@host:8080/api`` is sent with its credentials (requests turns
them into Basic auth), but every message, prompt and header echo shows
:func:`display_url` instead, and :func:`url_secrets` feeds the redaction lists::

    >>> display_url("http://user:s3cret@127.0.0.1:8080/api")
    'http://127.0.0.1:8080/api'
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit


def display_url(url: str) -> str:
    """``url`` without its ``user:password@`` part (unchanged when it has none)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=display_netloc(url)))


_USERINFO = re.compile(r"(?<=//)[^/?#@\s]*@")


def without_userinfo(text: str) -> str:
    """``text`` with the ``user:password@`` of every URL in it left out: what a file
    may keep of a URL (a cache key, a session's base URL, a credentials entry)."""
    return _USERINFO.sub("", text) if "@" in text else text


def display_netloc(url: str) -> str:
    """``host:port`` of ``url``, without credentials."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2]
    except ValueError:
        return ""


def url_secrets(url: str | None) -> list[str]:
    """The password of ``url``'s userinfo (as written and decoded), for redaction."""
    if not url or "@" not in url:
        return []
    try:
        userinfo = urlsplit(url).netloc.rpartition("@")[0]
    except ValueError:
        return []
    _user, colon, password = userinfo.partition(":")
    if not colon or not password:
        return []
    return list(dict.fromkeys([password, unquote(password), userinfo]))


def same_origin(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` share scheme, host and port (default ports filled in,
    case and credentials ignored)."""
    try:
        one, two = urlsplit(a), urlsplit(b)
        ports = (one.port, two.port)
    except ValueError:
        return False
    defaults = {"http": 80, "https": 443}

    def key(parts, port):
        scheme = parts.scheme.lower()
        return scheme, (parts.hostname or "").lower(), port or defaults.get(scheme)

    return key(one, ports[0]) == key(two, ports[1])
