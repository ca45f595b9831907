"""The cookie jar's rules, in-process: what goes back where, and how it is saved."""

from __future__ import annotations

import stat
import urllib.request
from email.message import Message

from explorer.client.cookies import (
    CookieJar,
    jar_path,
    open_jar,
    refusing_jar,
    save_jar,
)


class _Answer:
    """What http.cookiejar reads Set-Cookie from."""

    def __init__(self, *cookies: str) -> None:
        self.message = Message()
        for cookie in cookies:
            self.message["Set-Cookie"] = cookie

    def info(self):
        return self.message


def set_cookies(jar, url: str, *cookies: str) -> None:
    jar.extract_cookies(_Answer(*cookies), urllib.request.Request(url))


def sent(jar, url: str) -> str | None:
    request = urllib.request.Request(url)
    jar.add_cookie_header(request)
    return request.get_header("Cookie")


def test_a_cookie_goes_back_to_its_origin_only():
    jar = CookieJar()
    set_cookies(jar, "http://127.0.0.1:8001/login", "sid=abc; Path=/", "pref=x; Path=/app")
    assert sent(jar, "http://127.0.0.1:8001/items") == "sid=abc"
    assert sent(jar, "http://127.0.0.1:8001/app/x") in ("pref=x; sid=abc", "sid=abc; pref=x")
    assert sent(jar, "http://127.0.0.1:8002/items") is None  # another port
    assert sent(jar, "http://localhost:8001/items") is None  # another host


def test_a_domain_that_does_not_cover_the_host_and_secure_cookies():
    jar = CookieJar()
    set_cookies(jar, "http://lab.example.com/", "a=1; Domain=evil.com", "b=2; Secure",
                "c=3; Domain=example.com")
    assert sorted(c.name for c in jar) == ["b", "c"]
    assert sent(jar, "http://lab.example.com/") == "c=3"  # b only over https
    assert sent(jar, "https://lab.example.com/") == "b=2; c=3"  # default ports: one
    assert sent(jar, "https://lab.example.com:8443/") is None


def test_the_jar_is_saved_private_merged_and_read_back(tmp_path):
    path = jar_path(tmp_path, "labos")
    jar = open_jar(path, warn=print)
    before = jar.fingerprint()
    set_cookies(jar, "http://127.0.0.1:8001/", "sid=abc; Path=/")
    other = open_jar(path, warn=print)  # another process, meanwhile
    set_cookies(other, "http://127.0.0.1:8001/", "theirs=1; Path=/")
    save_jar(other, path, before=frozenset())
    save_jar(jar, path, before=before)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    back = open_jar(path, warn=print)
    assert sorted(c.name for c in back) == ["sid", "theirs"]
    assert sent(back, "http://127.0.0.1:8001/") in ("sid=abc; theirs=1", "theirs=1; sid=abc")
    assert sent(back, "http://127.0.0.1:8002/") is None  # the port survives the file


def test_a_broken_jar_is_a_warning_and_no_cookies(tmp_path):
    path = jar_path(tmp_path, "url:http://h:1")
    assert path.name.startswith("url-") and path.suffix == ".txt"
    path.parent.mkdir(parents=True)
    path.write_text("not a jar\n")
    said: list[str] = []
    jar = open_jar(path, warn=said.append)
    assert len(jar) == 0 and "cannot read the cookie jar" in said[0]


def test_no_cookies_keeps_nothing():
    jar = refusing_jar()
    set_cookies(jar, "http://127.0.0.1:8001/", "sid=abc; Path=/")
    assert len(jar) == 0 and sent(jar, "http://127.0.0.1:8001/") is None


def test_a_jar_keeps_at_most_max_cookies(tmp_path, monkeypatch):
    from explorer.client import cookies

    monkeypatch.setattr(cookies, "MAX_COOKIES", 5)
    path = jar_path(tmp_path, "many")
    jar = open_jar(path, warn=print)
    set_cookies(jar, "http://127.0.0.1:8001/", *(f"c{i}=v; Path=/" for i in range(20)))
    save_jar(jar, path, before=frozenset())
    assert len(open_jar(path, warn=print)) == 5
