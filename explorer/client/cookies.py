"""The cookie jar: a server's ``Set-Cookie`` kept per profile and sent back, as HTTPie's
sessions keep them.

* Where: ``~/.local/share/explorer/cookies/<profile>.txt`` (a profile-less ``--url`` gets
  a file named after the server), 0600 in a 0700 directory, in libwww-perl's
  ``Set-Cookie3`` format (``http.cookiejar.LWPCookieJar``: every attribute kept,
  session cookies too, since the next one-shot command is the same session to the user).
* What goes back where: the standard library's RFC 6265 rules (a host-only cookie to
  its host, a ``Domain`` cookie to that domain and below, ``Path``, ``Secure`` only over
  https, expiry), and stricter: a cookie is sent back only to the port that set it, so
  a server on another port of the same host (another sandbox, another service) never
  sees it (the default ports of http and https count as one, as the standard library's
  ``request_port`` reads them; ``Secure`` keeps a cookie to https).  A ``Domain`` that
  does not cover the host that sets it is refused.  The client's redirect rules add
  theirs: nothing from the jar goes to another origin on a redirect
  (:mod:`explorer.client.redirects`).
* When: the jar is read when the client is made and written when the run ends, only if
  a cookie changed, under a lock, merged with what another process wrote meanwhile (the
  cookies this run set or removed win), at most :data:`MAX_COOKIES` of them (a server
  that sets thousands fills no disk).  An unreadable jar is a warning, and starts empty.
* ``--no-cookies`` (or a profile's ``cookies = false``): :func:`refusing_jar`, which
  stores nothing and sends nothing (a ``Cookie:`` header typed on the line still goes).

Recorded sessions never hold a cookie's value: ``Cookie`` and ``Set-Cookie`` are secret
headers (:mod:`explorer.secrets`), recorded as ``{{cookie}}``.
"""

from __future__ import annotations

import http.cookiejar
import os
from collections.abc import Callable
from pathlib import Path

from explorer.fileio import atomic_write

#: the jar file's header line (``LWPCookieJar`` writes and expects it)
MAGIC = "#LWP-Cookies-2.0"
#: the most cookies a jar keeps (browsers keep a few hundred); this run's come first
MAX_COOKIES = 500


class CookieJar(http.cookiejar.LWPCookieJar):
    """``LWPCookieJar`` whose cookies go back only to the port that set them."""

    def make_cookies(self, response, request):
        cookies = super().make_cookies(response, request)
        port = http.cookiejar.request_port(request)
        for cookie in cookies:
            if not cookie.port:
                cookie.port = port  # checked by the policy's return_ok_port
        return cookies

    def fingerprint(self) -> frozenset[tuple]:
        """What the jar holds (to tell whether it changed)."""
        return frozenset((c.domain, c.path, c.name, c.value, c.port, c.expires) for c in self)


class _Refusing(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie, request) -> bool:
        return False

    def return_ok(self, cookie, request) -> bool:
        return False


def refusing_jar() -> CookieJar:
    """A jar that keeps no cookie (``--no-cookies``)."""
    return CookieJar(policy=_Refusing())


def jar_path(directory: Path, key: str) -> Path:
    """The jar of profile ``key`` (``url:...`` for a server with no profile: hashed)."""
    if key.startswith("url:") or not key.replace("-", "").replace("_", "").isalnum():
        from explorer.hashing import sha256

        digest = sha256(key.encode()).hexdigest()[:24]
        return directory / "cookies" / f"url-{digest}.txt"
    return directory / "cookies" / f"{key}.txt"


def open_jar(path: Path, *, warn: Callable[[str], None]) -> CookieJar:
    """The jar saved at ``path`` (empty when there is none, or it cannot be read)."""
    jar = CookieJar(str(path))
    try:
        jar.load(ignore_discard=True, ignore_expires=False)
    except FileNotFoundError:
        return jar  # a first run: an empty jar
    except (OSError, http.cookiejar.LoadError, ValueError) as exc:
        warn(f"cannot read the cookie jar {path}: {exc}; starting with no cookies")
        return CookieJar(str(path))
    return jar


def save_jar(jar: CookieJar, path: Path, *, before: frozenset[tuple]) -> None:
    """Write ``jar`` to ``path`` (0600 in a 0700 directory), merged with what the file
    holds now: cookies this run set win, cookies it removed since ``before`` go."""
    from explorer.config import locked

    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    with locked(path.with_name(path.name + ".lock")):
        current = CookieJar(str(path))
        try:
            current.load(ignore_discard=True)
        except (OSError, http.cookiejar.LoadError, ValueError):
            current = CookieJar(str(path))
        ours = {(c.domain, c.path, c.name) for c in jar}
        removed = {(d, p, n) for d, p, n, *_ in before} - ours
        merged = CookieJar(str(path))
        kept = list(jar)[:MAX_COOKIES]
        for cookie in kept:
            merged.set_cookie(cookie)
        room = MAX_COOKIES - len(kept)
        for cookie in current:
            key = (cookie.domain, cookie.path, cookie.name)
            if room > 0 and key not in ours and key not in removed:
                merged.set_cookie(cookie)
                room -= 1
        merged.clear_expired_cookies()
        text = MAGIC + "\n" + merged.as_lwp_str(ignore_discard=True, ignore_expires=False)
        atomic_write(path, text.encode("utf-8"), mode=0o600)


def cookie_values(jar: CookieJar | None) -> list[str]:
    """The values in ``jar``, for redaction (short ones are left: they mask too much)."""
    if jar is None:
        return []
    return [c.value for c in jar if c.value and len(c.value) >= 8]
