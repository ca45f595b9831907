"""Secrets out, placeholders in: what the recorder and the HAR importer write is redacted here.

Three rules, applied to every part of an exchange:

* Headers: ``Authorization`` keeps its scheme (``Bearer {{token}}``); ``apikey`` and
  ``X-Api-Key`` become ``{{api_key}}``; ``Cookie``/``Set-Cookie`` become ``{{cookie}}``.
* Fields anywhere in JSON bodies (and query parameters, and ``name=value`` items in the
  typed command) whose name says secret: ``password`` -> ``{{password}}``,
  ``api_key``/``apikey`` -> ``{{api_key}}``, ``token``/``access_token``… -> ``{{token}}``,
  ``secret``/``client_secret`` -> ``{{secret}}``.  The Labstep login answer carries the
  key in ``api_key``: it is caught here.
* Every value learned by the two rules above, and every secret the caller knows (the
  profile's token or key), is replaced wherever else it appears, in any text.

Replay fills the placeholders back in from the current profile and ``--var``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from explorer.secrets import secret_field

#: ``{{name}}``
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
#: the names placeholders for secrets use
SECRET_NAMES = ("token", "api_key", "password", "cookie", "secret")
#: shorter secrets are only redacted by field name, never as text (too many false hits)
MIN_TEXT_SECRET = 4


def placeholder(name: str) -> str:
    return "{{" + name + "}}"


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value) is not None


_ITEM = re.compile(
    r"(?P<name>[A-Za-z_][\w-]*)(?P<sep>==|:=|=|:)(?P<value>\"[^\"]*\"|'[^']*'|\S+)"
)
_OPTION = re.compile(r"(?P<opt>--(?:token|api-key|password))(?P<sep>[= ])(?P<value>\S+)")


class Redactor:
    """Knows the secrets seen so far, and replaces them with placeholders."""

    def __init__(self, secrets: Iterable[str] = (), *, names: Mapping[str, str] | None = None):
        self._known: dict[str, str] = {}
        self._ordered: list[tuple[str, str]] = []
        names = dict(names or {})
        for secret in secrets:
            if secret:
                self.learn(secret, names.get(secret, "secret"))

    # -- learning ----------------------------------------------------------------------

    def learn(self, value: str, name: str) -> None:
        if not isinstance(value, str) or not value or is_placeholder(value):
            return
        if self._known.get(value) == name:
            return
        if value in self._known and self._known[value] != "secret":
            return  # the first, more specific name wins
        self._known[value] = name
        self._ordered = sorted(
            ((v, n) for v, n in self._known.items() if len(v) >= MIN_TEXT_SECRET),
            key=lambda item: -len(item[0]),
        )

    @property
    def known(self) -> dict[str, str]:
        return dict(self._known)

    @property
    def longest(self) -> int:
        return len(self._ordered[0][0]) if self._ordered else 0

    # -- text --------------------------------------------------------------------------

    def text(self, text: str) -> str:
        for value, name in self._ordered:
            if value in text:
                text = text.replace(value, placeholder(name))
        return text

    def data(self, data: bytes) -> bytes:
        for value, name in self._ordered:
            raw = value.encode()
            if raw in data:
                data = data.replace(raw, placeholder(name).encode())
        return data

    def command(self, text: str | None) -> str | None:
        if text is None:
            return None

        def item(match: re.Match) -> str:
            name = secret_field(match["name"])
            if name is None:
                return match[0]
            value = match["value"].strip("'\"")
            self.learn(value, name)
            return f"{match['name']}{match['sep']}{placeholder(name)}"

        def option(match: re.Match) -> str:
            name = {"--token": "token", "--api-key": "api_key"}.get(match["opt"], "password")
            self.learn(match["value"], name)
            return f"{match['opt']}{match['sep']}{placeholder(name)}"

        text = _OPTION.sub(option, text)
        text = _ITEM.sub(item, text)
        return self.text(text)

    # -- structured parts --------------------------------------------------------------

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        # Learn first, so a secret header value is also hidden in the other headers.
        for name, value in headers.items():
            self._learn_header(name, str(value))
        return {name: self._header(name, str(value)) for name, value in headers.items()}

    def _learn_header(self, name: str, value: str) -> None:
        key = name.lower()
        if key == "authorization" or key == "proxy-authorization":
            scheme, _, credential = value.partition(" ")
            if credential:
                self.learn(credential.strip(), "token" if scheme.lower() == "bearer" else "secret")
            else:
                self.learn(value, "token")
        elif key in ("apikey", "x-api-key"):
            self.learn(value, "api_key")

    def _header(self, name: str, value: str) -> str:
        key = name.lower()
        if key in ("authorization", "proxy-authorization"):
            scheme, _, credential = value.partition(" ")
            if credential and scheme.lower() == "bearer":
                return f"{scheme} {placeholder('token')}"
            if credential:
                return f"{scheme} {placeholder('secret')}"
            return placeholder("token")
        if key in ("apikey", "x-api-key"):
            return placeholder("api_key")
        if key in ("cookie", "set-cookie"):
            return placeholder("cookie")
        return self.text(value)

    def query(self, components: Iterable[str]) -> list[str]:
        components = list(components)
        for component in components:
            name, sep, value = component.partition("=")
            secret = secret_field(unquote(name)) if sep else None
            if secret:
                self.learn(unquote(value), secret)
                self.learn(value, secret)
        out = []
        for component in components:
            name, sep, value = component.partition("=")
            secret = secret_field(unquote(name)) if sep else None
            out.append(f"{name}={placeholder(secret)}" if secret else self.text(component))
        return out

    def json(self, value: Any) -> Any:
        """``value`` with secret fields and known secrets replaced (a new structure)."""
        self._learn_json(value)
        return self._redact_json(value)

    def learn_fields(self, value: Any) -> None:
        """Learn the values of secret fields in ``value`` without changing it."""
        self._learn_json(value)

    def _learn_json(self, value: Any) -> None:
        stack = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, item in node.items():
                    name = secret_field(key) if isinstance(key, str) else None
                    if name and isinstance(item, str):
                        self.learn(item, name)
                    elif isinstance(item, dict | list):
                        stack.append(item)
            elif isinstance(node, list):
                stack.extend(item for item in node if isinstance(item, dict | list))

    def _redact_json(self, value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                name = secret_field(key) if isinstance(key, str) else None
                if name and isinstance(item, str | int | float) and not isinstance(item, bool):
                    out[self.text(key)] = placeholder(name)
                else:
                    out[self.text(key) if isinstance(key, str) else key] = self._redact_json(
                        item
                    )
            return out
        if isinstance(value, list):
            return [self._redact_json(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def stream(self) -> StreamRedactor:
        return StreamRedactor(self)


class StreamRedactor:
    """Redacts known secrets in a byte stream, chunk by chunk, across chunk boundaries.

    Holds back the last ``longest - 1`` bytes of each chunk: a secret that starts there
    may end in the next one.  :meth:`finish` returns what is left.
    """

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.keep = max(redactor.longest - 1, 0)
        self.carry = b""

    def feed(self, chunk: bytes) -> bytes:
        if not self.keep:
            return chunk
        data = self.redactor.data(self.carry + chunk)
        if len(data) <= self.keep:
            self.carry = data
            return b""
        self.carry = data[-self.keep :]
        return data[: -self.keep]

    def finish(self) -> bytes:
        data, self.carry = self.carry, b""
        return self.redactor.data(data) if data else b""
