"""Secrets out, placeholders in: what the recorder and the HAR importer write is redacted here.

Three rules, applied to every part of an exchange:

* Headers (which ones: :mod:`explorer.secrets`): ``Authorization`` keeps its scheme
  (``Bearer {{token}}``, ``Basic {{secret}}``); ``apikey``, ``Api-Key`` and ``X-Api-Key``
  become ``{{api_key}}``; ``X-Auth-Token`` and ``X-Access-Token`` ``{{token}}``;
  ``Cookie``/``Set-Cookie`` ``{{cookie}}``.
* Fields anywhere in JSON bodies (and query parameters, form-urlencoded bodies, and the
  typed command, see :func:`explorer.secrets.scrub_command`) whose name says secret:
  ``password`` -> ``{{password}}``, ``api_key``/``apikey`` -> ``{{api_key}}``,
  ``token``/``access_token``… -> ``{{token}}``, ``secret``/``client_secret`` ->
  ``{{secret}}``.  The Labstep login answer carries the key in ``api_key``: it is
  caught here.
* Every value learned by the two rules above, and every secret the caller knows (the
  profile's token or key), is replaced wherever else it appears, in any text.
  :meth:`Redactor.strings` does only this, for a whole exchange written before a
  secret was learned: it never applies the field rules again (they would turn the
  ``Authorization`` header's ``Bearer {{token}}`` into ``{{token}}``).

Replay fills the placeholders back in from the current profile and ``--var``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import unquote, unquote_plus

from explorer.secrets import (
    AUTH_HEADERS,
    MIN_TEXT_SECRET,
    credential_kind,
    header_secret,
    scrub_command,
    secret_field,
    split_credential,
)
from explorer.sessions.format import PLACEHOLDER, escape_braces, escape_json

#: the names placeholders for secrets use
SECRET_NAMES = ("token", "api_key", "password", "cookie", "secret")
__all__ = ["MIN_TEXT_SECRET", "PLACEHOLDER", "SECRET_NAMES", "Redactor", "StreamRedactor",
           "StreamReplacer",
           "is_placeholder", "placeholder", "secret_field"]


def placeholder(name: str) -> str:
    return "{{" + name + "}}"


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value) is not None


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
        if "{{" in value:  # as it reads in a recorded request, where {{ is escaped
            self._known.setdefault(escape_braces(value), name)
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

    def data(self, data: bytes, *, seen: set[str] | None = None) -> bytes:
        """``data`` with known secrets replaced; the names replaced are added to ``seen``."""
        for value, name in self._ordered:
            raw = value.encode()
            if raw in data:
                data = data.replace(raw, placeholder(name).encode())
                if seen is not None:
                    seen.add(name)
        return data

    def command(self, text: str | None) -> str | None:
        """The typed command with its secrets as placeholders (they are learned too)."""
        if text is None:
            return None
        return scrub_command(text, placeholders=True, known=self._known, found=self.learn)

    def strings(self, value: Any) -> Any:
        """``value`` with every known secret replaced in its strings (keys included), and
        nothing else changed: no field rule, so ``Bearer {{token}}`` stays as it is."""
        return _rebuild(value, self.text)

    def leaks(self, line: bytes) -> bool:
        """Whether ``line`` (a JSON line) holds a known secret, as text or JSON-escaped."""
        for value, _ in self._ordered:
            if value.encode() in line:
                return True
            escaped = json.dumps(value, ensure_ascii=False)[1:-1]
            if escaped != value and escaped.encode() in line:
                return True
        return False

    # -- structured parts --------------------------------------------------------------

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        # Learn first, so a secret header value is also hidden in the other headers.
        for name, value in headers.items():
            self._learn_header(name, str(value))
        return {name: self._header(name, str(value)) for name, value in headers.items()}

    def _learn_header(self, name: str, value: str) -> None:
        kind = header_secret(name)
        if kind is None:
            return
        if name.lower() in AUTH_HEADERS:
            scheme, credential = split_credential(value)
            self.learn(credential, credential_kind(scheme))
        else:
            self.learn(value, kind)

    def _header(self, name: str, value: str) -> str:
        kind = header_secret(name)
        if kind is None:
            return self.text(value)
        if name.lower() in AUTH_HEADERS:
            scheme, _ = split_credential(value)
            shown = placeholder(credential_kind(scheme))
            return f"{scheme} {shown}" if scheme else shown
        return placeholder(kind)

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

    def form(self, text: str) -> str:
        """A form-urlencoded body with its secret fields as placeholders (and learned)."""
        components = text.split("&")
        for component in components:
            name, sep, value = component.partition("=")
            kind = secret_field(unquote_plus(name)) if sep else None
            if kind:
                self.learn(unquote_plus(value), kind)
        return "&".join(self.query(components))

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
        def secret(key: Any, item: Any) -> str | None:
            name = secret_field(key) if isinstance(key, str) else None
            scalar = isinstance(item, str | int | float) and not isinstance(item, bool)
            return placeholder(name) if name and scalar else None

        return _rebuild(value, self.text, secret)

    def stream(self) -> StreamRedactor:
        return StreamRedactor(self)

    # -- request templates -------------------------------------------------------------
    # A recorded request is a template (see explorer.sessions.format): the data is
    # escaped first, so a {{ the user sent reads as a literal, and the only placeholders
    # are the secrets put here.  Secrets are learned from the data as it was sent.

    def template_text(self, text: str) -> str:
        return self.text(escape_braces(text))

    def template_json(self, value: Any) -> Any:
        self._learn_json(value)
        return self._redact_json(escape_json(value))

    def template_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            self._learn_header(name, str(value))
        return {name: self._header(name, escape_braces(str(value)))
                for name, value in headers.items()}

    def template_query(self, components: Iterable[str]) -> list[str]:
        components = list(components)
        escaped = [escape_braces(c) for c in components]
        if escaped != components:
            self.query(components)  # learn the secrets as sent
        return self.query(escaped)

    def template_form(self, text: str) -> str:
        escaped = escape_braces(text)
        if escaped != text:
            self.form(text)
        return self.form(escaped)


def _rebuild(
    value: Any,
    text: Callable[[str], str],
    secret: Callable[[Any, Any], str | None] | None = None,
) -> Any:
    """A copy of a JSON value with ``text`` applied to every string (keys included), and
    each member for which ``secret(key, item)`` gives a placeholder replaced by it.
    Walked without recursion: no body is nested too deeply for it."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        node, parent, slot = stack.pop()
        if isinstance(node, dict):
            copy: dict[Any, Any] = {}
            parent[slot] = copy
            for key, item in node.items():
                new_key = text(key) if isinstance(key, str) else key
                shown = secret(key, item) if secret is not None else None
                copy[new_key] = shown
                if shown is None:
                    stack.append((item, copy, new_key))
        elif isinstance(node, list):
            items: list[Any] = [None] * len(node)
            parent[slot] = items
            stack.extend((item, items, i) for i, item in enumerate(node))
        elif isinstance(node, str):
            parent[slot] = text(node)
        else:
            parent[slot] = node
    return root[0]


class StreamReplacer:
    """Applies ``replace`` to a byte stream chunk by chunk, across chunk boundaries.

    Holds back the last ``keep`` bytes (one less than the longest text replaced) of each
    chunk: a text that starts there may end in the next one.  :meth:`finish` returns
    what is left.
    """

    def __init__(self, replace: Callable[[bytes], bytes], *, keep: int) -> None:
        self.replace = replace
        self.keep = max(keep, 0)
        self.carry = b""

    def feed(self, chunk: bytes) -> bytes:
        if not self.keep:
            return self.replace(chunk)
        data = self.replace(self.carry + chunk)
        if len(data) <= self.keep:
            self.carry = data
            return b""
        self.carry = data[-self.keep :]
        return data[: -self.keep]

    def finish(self) -> bytes:
        data, self.carry = self.carry, b""
        return self.replace(data) if data else b""


class StreamRedactor(StreamReplacer):
    """Redacts known secrets in a byte stream; ``seen`` names the placeholders written
    (the recorder notes them beside an upload's copy, so replay fills them back in)."""

    def __init__(self, redactor: Redactor) -> None:
        self.seen: set[str] = set()
        super().__init__(lambda data: redactor.data(data, seen=self.seen),
                         keep=redactor.longest - 1)
