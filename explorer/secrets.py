"""What counts as a secret: one list for every part that hides or must not keep one.

The renderer masks these in ``-v`` output, the recorder and the HAR import replace
them with placeholders, the shell keeps them out of its history and of what it learns,
and the exports' scripts hide them in what they print.

* :data:`NAMES`: the secret-looking names of headers and fields alike (``Authorization``,
  ``apikey``, ``X-Auth-Token``, ``password``, ``client_secret``, ``Cookie``...), each with
  the kind of secret it holds; :data:`SUFFIXES`: endings that make any name secret
  (``new_password``, ``webhookSecret``).  Names are compared in their compact form
  (:func:`compact`), so every spelling (``refreshToken``, ``REFRESH-TOKEN``) is one
  name.  :func:`secret_name` is the one test; :func:`secret_field`,
  :func:`header_secret` and :func:`is_secret_header` are it under older names.
  A script that cannot import this module (an export) embeds :data:`COMPACT_NAMES` and
  :data:`SUFFIXES` and compares ``compact(name)`` the same way.
* ``Authorization`` style headers keep their scheme visible (:data:`AUTH_HEADERS`,
  :func:`split_credential`).  :data:`CREDENTIAL_HEADERS` are the usual spellings of
  the headers that carry the client's own credential (all secret headers but cookies).
* :func:`scrub_command`: a typed command line with its secrets hidden, either masked
  with ``***`` (the shell's history) or replaced by ``{{kind}}`` placeholders (what a
  recorded session keeps of the command).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping

#: The one list of secret-looking names, for headers and fields alike, by the kind of
#: secret each holds (the placeholder a recording writes: ``{{token}}``...).  A name is
#: compared in its compact form (:func:`compact`: lower case, letters and digits only),
#: so ``refresh_token``, ``refresh-token``, ``refreshToken`` and ``REFRESH_TOKEN`` are one.
NAMES: dict[str, str] = {
    # headers of the form ``Scheme credentials``, and bearer-style tokens
    "authorization": "token", "proxy-authorization": "token",
    "token": "token", "access_token": "token", "refresh_token": "token",
    "id_token": "token", "auth_token": "token", "session_token": "token",
    "api_token": "token", "oauth_token": "token", "bearer": "token", "jwt": "token",
    "x-api-token": "token", "x-auth-token": "token", "x-access-token": "token",
    "x-session-token": "token", "private-token": "token", "x-amz-security-token": "token",
    # API keys (Labstep's ``apikey`` header)
    "apikey": "api_key", "api_key": "api_key", "api-key": "api_key", "x-api-key": "api_key",
    # passwords
    "password": "password", "passwd": "password", "pass": "password", "pwd": "password",
    "passphrase": "password",
    # other secrets
    "secret": "secret", "client_secret": "secret", "api_secret": "secret",
    "private_key": "secret", "credentials": "secret", "credential": "secret",
    "session": "secret", "session_id": "secret",
    # cookies
    "cookie": "cookie", "set-cookie": "cookie",
}  # fmt: skip
#: compact endings that make any name secret (``new_password``, ``webhookSecret``,
#: ``openai_api_key``), with their kind; a bare ``…token`` is not one of them
#: (``next_token``, ``page_token`` are paging cursors, not credentials)
SUFFIXES: tuple[tuple[str, str], ...] = (
    ("password", "password"), ("passwd", "password"), ("secret", "secret"),
    ("apikey", "api_key"), ("accesstoken", "token"), ("refreshtoken", "token"),
    ("authtoken", "token"), ("sessiontoken", "token"), ("apitoken", "token"),
    ("privatekey", "secret"),
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def compact(name: str) -> str:
    """``name`` lower-cased with everything but letters and digits left out:
    ``X-Api-Key`` -> ``xapikey``, ``refreshToken`` -> ``refreshtoken``."""
    return _NOT_ALNUM.sub("", name.lower())


#: :data:`NAMES` by compact form
COMPACT_NAMES: dict[str, str] = {compact(name): kind for name, kind in NAMES.items()}


def secret_name(name: str) -> str | None:
    """The kind of secret (``"token"``, ``"api_key"``, ``"password"``, ``"secret"``,
    ``"cookie"``) a header or field called ``name`` holds, or None when it is no secret.

    The one test every part uses: the renderer's masks (``-v``), recording and HAR
    import, the shell's history and learned store, the exports.
    """
    if not isinstance(name, str):
        return None
    key = compact(name)
    if not key:
        return None
    kind = COMPACT_NAMES.get(key)
    if kind is not None:
        return kind
    for suffix, kind in SUFFIXES:
        if key.endswith(suffix):
            return kind
    return None


#: headers of the form ``Scheme credentials`` (lower-case): their scheme may stay visible
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
#: every header name in :data:`NAMES` (lower-case, as usually written): for set
#: membership; :func:`is_secret_header` also knows the spellings and endings
SECRET_HEADERS = frozenset(
    name.replace("_", "-") for name in NAMES if name not in AUTH_HEADERS
)
#: the headers that carry a client's credential (every secret header but cookies)
CREDENTIAL_HEADERS = AUTH_HEADERS | {h for h in SECRET_HEADERS if NAMES.get(h) != "cookie"}
#: authentication schemes a typed ``Authorization`` value may start with (lower-case)
AUTH_SCHEMES = frozenset(
    {"bearer", "basic", "digest", "token", "jwt", "apikey", "negotiate", "ntlm", "hoba"}
)
#: shorter secrets are only hidden where their name says secret, never as text
MIN_TEXT_SECRET = 4
MASK = "***"

#: the names of :data:`NAMES` by kind, in the ``snake_case`` a field is most often
#: written in (for building patterns, and for the scripts an export writes)
PASSWORD_FIELDS = frozenset(n for n, k in NAMES.items() if k == "password")
API_KEY_FIELDS = frozenset(n.replace("-", "_") for n, k in NAMES.items() if k == "api_key")
TOKEN_FIELDS = frozenset(n.replace("-", "_") for n, k in NAMES.items() if k == "token")
SECRET_FIELDS = frozenset(n.replace("-", "_") for n, k in NAMES.items() if k == "secret")
FIELD_NAMES = frozenset(n.replace("-", "_") for n in NAMES)


def secret_field(name: str) -> str | None:
    """The kind of secret a field called ``name`` holds (see :func:`secret_name`)."""
    return secret_name(name)


def is_secret_header(name: str) -> bool:
    """Whether a header called ``name`` carries a secret (see :func:`secret_name`)."""
    return secret_name(name) is not None


def header_secret(name: str) -> str | None:
    """The kind of secret a header called ``name`` holds, or None when it is not secret.

    For an ``Authorization`` header this is the kind of a bare credential (``token``);
    :func:`credential_kind` gives it once the scheme is known.
    """
    return secret_name(name.strip())


def is_credential_header(name: str) -> bool:
    """A secret header other than a cookie: one that carries the client's credential."""
    kind = secret_name(name)
    return kind is not None and kind != "cookie"


def split_credential(value: str) -> tuple[str, str]:
    """``"Bearer abc"`` -> ``("Bearer", "abc")``; a bare ``"abc"`` -> ``("", "abc")``."""
    scheme, space, credential = value.strip().partition(" ")
    if space and credential.strip():
        return scheme, credential.strip()
    return "", value.strip()


def credential_kind(scheme: str) -> str:
    """The kind of secret behind an ``Authorization`` scheme: the auth scheme's own
    placeholder (a bearer, or bare, token is a ``token``), else a ``secret``."""
    from explorer.auth import placeholder_for_authorization

    return placeholder_for_authorization(scheme)


# -- typed command lines -----------------------------------------------------------------


def _alternation(names: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


def _spelled(word: str) -> str:
    """A pattern for a compact name in any spelling: ``apikey`` -> ``a[_-]?p[_-]?i...``."""
    return r"[_-]?".join(map(re.escape, word))


#: a secret name as typed (any case, ``_``/``-`` anywhere): an exact name, or any word
#: ending in a secret suffix; :func:`secret_name` has the last word on each match
_NAME = r"(?:{}|[\w-]*?(?:{}))".format(
    "|".join(_spelled(c) for c in sorted(COMPACT_NAMES, key=len, reverse=True)),
    "|".join(_spelled(suffix) for suffix, _ in SUFFIXES),
)
_SCHEMES = _alternation(AUTH_SCHEMES)
#: a value: quoted, ``Scheme credential``, or one unquoted word
_VALUE = rf"(?P<value>\"[^\"]*\"|'[^']*'|(?:{_SCHEMES})\s+[^\s'\"]+|[^\s'\"]+)"
#: an item that is a whole quoted word (``'Authorization:Custom x y'``): its value runs to
#: the closing quote; otherwise the value is :data:`_VALUE`
_ITEM_VALUE = rf"(?(open)(?P<inner>[^'\"]*)(?=(?P=open))|{_VALUE})"
#: not in the middle of a word, an option or a URL query (the query rule takes those)
_START = r"(?<![\w?&-])(?P<open>['\"])?"


@functools.cache
def _rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The rules of :func:`scrub_command`, compiled on first use: compiling them takes
    20-30 ms, which every command would pay at import (a one-shot call never scrubs)."""
    return (
        # --token T, --api-key=K, --apikey K, --password P
        ("option", re.compile(r"(?i)(?P<name>--(?:token|api-key|apikey|password))"
                              r"(?P<sep>\s+|=)" + _VALUE)),
        # a URL's query: /x?limit=1&api_key=K&sort=name (the value ends at & or #)
        ("query", re.compile(rf"(?i)(?<=[?&])(?P<name>{_NAME})(?P<sep>=)"
                             r"(?P<value>[^\s'\"&#]+)")),
        # items: Authorization:Bearer x, apikey:k, password=x, api_key:=..., token==x
        # (also as a quoted word)
        ("item", re.compile(rf"(?i){_START}(?P<name>{_NAME})(?P<sep>:=|==|=|:\s*)"
                            + _ITEM_VALUE)),
        # JSON bodies: "password": "x"
        ("json", re.compile(rf'(?i)(?P<name>"{_NAME}")(?P<sep>\s*:\s*)'
                            r'(?P<value>"(?:[^"\\]|\\.)*")')),
    )


#: a URL's ``user:password@`` (or a token written as the user): hidden whole
_USERINFO = re.compile(r"(?<=://)[^/?#@\s'\"]+(?=@)")
_OPTION_KINDS = {"--token": "token", "--api-key": "api_key", "--apikey": "api_key"}
_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


def scrub_command(
    line: str,
    *,
    placeholders: bool = False,
    known: Mapping[str, str] | Iterable[str] = (),
    found: Callable[[str, str], None] | None = None,
) -> str:
    """``line`` (a command as typed) with every secret it carries hidden.

    It hides a URL's ``user:password@`` (the whole userinfo), the values of
    ``--token``/``--api-key``/``--password`` options, of
    credential header items (``Authorization:Bearer x`` keeps its scheme word, which is
    never taken for the secret), of secret fields in items, URL queries and JSON bodies,
    then every ``known`` value and every value hidden so far wherever else it appears.

    ``placeholders=False`` masks with ``***`` (the shell's history);
    ``placeholders=True`` writes ``{{kind}}`` (``token``, ``api_key``, ``password``,
    ``cookie``, ``secret``; ``known`` may map values to their kind) and calls
    ``found(value, kind)`` for each secret it found by name, so a recorder can hide the
    same value in the rest of what it writes.
    """
    names: dict[str, str] = {}

    def hide(rule: str, match: re.Match) -> str:
        name = match["name"].strip('"')
        if rule != "option" and secret_name(name) is None:
            return match[0]  # a word that only looks like a secret name
        part = "value" if match["value"] is not None else "inner"
        value = match[part]
        quoted = len(value) >= 2 and value[0] in "'\"" and value[-1] == value[0]
        quote = value[0] if quoted else ""
        inner = value[1:-1] if quote else value
        if rule == "json":
            try:
                inner = json.loads(value)
            except ValueError:
                return match[0]
        elif match["sep"] == ":=":
            try:
                decoded = json.loads(inner)
            except ValueError:
                decoded = None
            if isinstance(decoded, str):
                inner = decoded
        auth = name.lower() in AUTH_HEADERS
        scheme, secret = "", inner.strip()
        if auth or (part == "value" and not quote and " " in secret):  # ``Scheme cred``
            scheme, secret = split_credential(inner)
        if not secret or secret == MASK or _PLACEHOLDER.fullmatch(secret):
            return match[0]  # already hidden
        if auth and not scheme and secret.lower() in AUTH_SCHEMES:
            return match[0]  # a scheme word alone is no secret
        if rule == "option":
            kind = _OPTION_KINDS.get(name.lower(), "password")
        elif auth:
            kind = credential_kind(scheme)
        else:
            kind = secret_name(name) or "secret"
        names.setdefault(secret, kind)
        if found is not None:
            found(secret, kind)
        if placeholders:
            shown = "{{" + kind + "}}"
            shown = f"{scheme} {shown}" if scheme else shown
        else:
            shown = MASK
        head = match[0][: match.start(part) - match.start()]
        return f"{head}{quote}{shown}{quote}"

    def userinfo(match: re.Match) -> str:
        text = match[0]
        if text == MASK or _PLACEHOLDER.fullmatch(text):
            return text
        _user, colon, password = text.partition(":")
        secret = password if colon and password else text
        names.setdefault(secret, "password" if colon and password else "secret")
        if found is not None:
            found(secret, names[secret])
        return "{{secret}}" if placeholders else MASK

    line = _USERINFO.sub(userinfo, line)
    for rule, pattern in _rules():
        line = pattern.sub(lambda m, rule=rule: hide(rule, m), line)
    values = dict(names)
    if isinstance(known, Mapping):
        values.update(known)
    else:
        values.update((value, "secret") for value in known if value)
    values = {v: k for v, k in values.items() if len(v) >= MIN_TEXT_SECRET}
    if not values:
        return line
    # One pass, longest value first; a placeholder already written is left as it is.
    every = re.compile(_PLACEHOLDER.pattern + "|" + _alternation(values))

    def replace(match: re.Match) -> str:
        text = match[0]
        if text not in values:
            return text
        return "{{" + values[text] + "}}" if placeholders else MASK

    return every.sub(replace, line)
