"""What counts as a secret: one list for every part that hides or must not keep one.

The renderer masks these in ``-v`` output, the recorder and the HAR import replace
them with placeholders, the shell keeps them out of its history and of what it learns.

* Headers whose whole value is secret (:data:`SECRET_HEADERS`, :func:`header_secret`
  says which kind), and ``Authorization`` style headers whose scheme may stay visible
  (:data:`AUTH_HEADERS`, :func:`split_credential`).  :data:`CREDENTIAL_HEADERS` are the
  ones that carry the client's own credential (all of them but cookies).
* Field names (in JSON bodies, request items and query parameters) whose values are
  secret: :func:`secret_field` says which kind of secret, for placeholders.
* :func:`scrub_command`: a typed command line with its secrets hidden, either masked
  with ``***`` (the shell's history) or replaced by ``{{kind}}`` placeholders (what a
  recorded session keeps of the command).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping

#: headers whose whole value is secret (lower-case), and the kind of secret each holds
_HEADER_KINDS = {
    "apikey": "api_key", "api-key": "api_key", "x-api-key": "api_key",
    "x-auth-token": "token", "x-access-token": "token",
    "cookie": "cookie", "set-cookie": "cookie",
}  # fmt: skip
SECRET_HEADERS = frozenset(_HEADER_KINDS)
#: headers of the form ``Scheme credentials`` (lower-case)
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
#: the headers that carry a client's credential (every secret header but cookies)
CREDENTIAL_HEADERS = AUTH_HEADERS | {h for h, kind in _HEADER_KINDS.items() if kind != "cookie"}
#: authentication schemes a typed ``Authorization`` value may start with (lower-case)
AUTH_SCHEMES = frozenset(
    {"bearer", "basic", "digest", "token", "jwt", "apikey", "negotiate", "ntlm", "hoba"}
)
#: shorter secrets are only hidden where their name says secret, never as text
MIN_TEXT_SECRET = 4
MASK = "***"

PASSWORD_FIELDS = frozenset({"password", "passwd", "pass", "pwd", "passphrase"})
API_KEY_FIELDS = frozenset({"api_key", "apikey", "x_api_key", "api_secret"})
TOKEN_FIELDS = frozenset(
    {
        "token", "access_token", "refresh_token", "id_token", "auth_token", "session_token",
        "bearer", "authorization", "jwt",
    }
)  # fmt: skip
SECRET_FIELDS = frozenset({"secret", "client_secret", "private_key"})
#: every field name whose value is secret, as typed most often (for pattern building)
FIELD_NAMES = PASSWORD_FIELDS | API_KEY_FIELDS | TOKEN_FIELDS | SECRET_FIELDS


def secret_field(name: str) -> str | None:
    """The kind of secret a field called ``name`` holds (``"password"``, ``"api_key"``,
    ``"token"``, ``"secret"``), or None when its value is not secret."""
    key = name.strip().lower().replace("-", "_")
    if key in PASSWORD_FIELDS or key.endswith("_password"):
        return "password"
    if key in API_KEY_FIELDS:
        return "api_key"
    if key in TOKEN_FIELDS:
        return "token"
    if key in SECRET_FIELDS:
        return "secret"
    return None


def is_secret_header(name: str) -> bool:
    low = name.lower()
    return low in SECRET_HEADERS or low in AUTH_HEADERS


def header_secret(name: str) -> str | None:
    """The kind of secret a header called ``name`` holds, or None when it is not secret.

    For an ``Authorization`` header this is the kind of a bare credential (``token``);
    :func:`credential_kind` gives it once the scheme is known.
    """
    low = name.strip().lower()
    if low in AUTH_HEADERS:
        return "token"
    return _HEADER_KINDS.get(low)


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


_FIELD_NAMES = FIELD_NAMES | {name.replace("_", "-") for name in FIELD_NAMES}
_FIELDS = rf"(?:\w*_password|{_alternation(_FIELD_NAMES)})"
_HEADERS = _alternation(SECRET_HEADERS | AUTH_HEADERS)
_SCHEMES = _alternation(AUTH_SCHEMES)
#: a value: quoted, ``Scheme credential``, or one unquoted word
_VALUE = rf"(?P<value>\"[^\"]*\"|'[^']*'|(?:{_SCHEMES})\s+[^\s'\"]+|[^\s'\"]+)"
#: an item that is a whole quoted word (``'Authorization:Custom x y'``): its value runs to
#: the closing quote; otherwise the value is :data:`_VALUE`
_ITEM_VALUE = rf"(?(open)(?P<inner>[^'\"]*)(?=(?P=open))|{_VALUE})"
#: not in the middle of a word, an option or a URL query (the query rule takes those)
_START = r"(?<![\w?&-])(?P<open>['\"])?"
_RULES = (
    # --token T, --api-key=K, --apikey K, --password P
    ("option", re.compile(r"(?i)(?P<name>--(?:token|api-key|apikey|password))(?P<sep>\s+|=)"
                          + _VALUE)),
    # a URL's query: /x?limit=1&api_key=K&sort=name (the value ends at & or #)
    ("query", re.compile(rf"(?i)(?<=[?&])(?P<name>{_FIELDS}|{_HEADERS})(?P<sep>=)"
                         r"(?P<value>[^\s'\"&#]+)")),
    # header items: Authorization:Bearer x, apikey:k (also as a quoted word)
    ("header", re.compile(rf"(?i){_START}(?P<name>{_HEADERS})(?P<sep>:=|==|=|:\s*)"
                          + _ITEM_VALUE)),
    # field items: password=x, api_key:=..., token==x
    ("field", re.compile(rf"(?i){_START}(?P<name>{_FIELDS})(?P<sep>:=|==|=)" + _ITEM_VALUE)),
    # JSON bodies: "password": "x"
    ("json", re.compile(rf'(?i)(?P<name>"(?:{_FIELDS}|{_HEADERS})")(?P<sep>\s*:\s*)'
                        r'(?P<value>"(?:[^"\\]|\\.)*")')),
)
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

    It hides the values of ``--token``/``--api-key``/``--password`` options, of
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
        name = match["name"]
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
            name = name.strip('"')
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
            kind = secret_field(name) or header_secret(name) or "secret"
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

    for rule, pattern in _RULES:
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
