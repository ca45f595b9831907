"""HTTP Basic: ``--auth USER[:PASS]`` as HTTPie spells it (``EXPLORER_AUTH``, a
profile's ``auth``); the password is asked without echo when it is left out
(``--auth alice``), and is never saved.  An empty password is written ``alice:``.

The header is ``Authorization: Basic base64(USER:PASS)`` (RFC 7617, UTF-8).  A
session records it as ``Basic {{secret}}``; replay fills ``{{secret}}`` from the
current ``--auth`` and ``{{password}}`` with its password.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from explorer.auth.scheme import (
    ExportAuth,
    Scheme,
    Where,
    authorization,
    register,
    same,
)
from explorer.errors import UsageError


@register
class Basic(Scheme):
    precedence = 30
    name = "basic"
    what = "user and password"
    placeholder = "secret"
    authorization = "basic"
    keys = {
        "options": ("auth",),
        "environment": ("EXPLORER_AUTH",),
        "profile": ("auth",),
    }
    secret_keys = frozenset({"auth", "EXPLORER_AUTH"})
    header_help = {"Authorization": "credentials (the profile sets it)"}

    def __init__(self, username: str, password: str) -> None:
        if not username:
            raise UsageError("the user name of --auth USER[:PASS] is empty")
        for text, what in ((username, "user name"), (password, "password")):
            if any(not c.isprintable() for c in text):
                raise UsageError(f"the {what} of --auth contains a control character")
        self.username = username
        self.password = password
        self.encoded = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")

    @classmethod
    def from_key(cls, key: str, value: str, where: Where) -> Basic:
        if key == cls.placeholder:  # the encoded pair, as replay fills it
            return cls.from_encoded(value)
        username, colon, password = value.partition(":")
        if not colon:
            asked = where.ask(f"password for {username}: ")
            if asked is None:
                raise UsageError(
                    f"--auth {username}: no password given and no terminal to ask it on "
                    "(give --auth USER:PASS, or set EXPLORER_AUTH)"
                )
            password = asked
        return cls(username, password)

    @classmethod
    def from_session(cls, value: object) -> Basic:
        return cls("{{username}}", "{{password}}")

    @classmethod
    def from_encoded(cls, encoded: str) -> Basic:
        try:
            pair = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise UsageError("not a Basic credential (base64 of USER:PASS)") from exc
        username, _, password = pair.partition(":")
        return cls(username, password)

    @classmethod
    def given_secrets(cls, get) -> list[str]:
        found = []
        for key in cls.secret_keys:
            value = get(key)
            if value and ":" in value:
                password = value.partition(":")[2]
                found += [value, password] if password else [value]
        return found

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Basic {self.encoded}"}

    def placeholders(self) -> dict[str, str]:
        found = {self.encoded: "secret"}
        if self.password:
            found[self.password] = "password"
        return found

    def value(self, name: str) -> str | None:
        if name == "username":
            return self.username
        return super().value(name)

    def _identity(self) -> tuple:
        return (self.username, self.password)

    @classmethod
    def export(cls) -> ExportAuth:
        return ExportAuth(
            env="EXPLORER_AUTH",
            variable="BASIC_AUTH",
            placeholder="basic_auth",
            curl='-u "${BASIC_AUTH}"',
            python=(
                "headers['Authorization'] = 'Basic ' + base64.b64encode(",
                "    {value}.encode()).decode()",
            ),
            python_imports=("base64",),
            hurl_section=("[BasicAuth]", "{{username}}: {{password}}"),
            hurl_variables=("username", "password"),
            fills_secret=False,
        )

    @classmethod
    def presented(cls, headers: Mapping[str, str]) -> bool:
        word, credential = authorization(headers)
        return word == "basic" and bool(credential)

    def accepts(self, headers: Mapping[str, str], query: Mapping[str, str] | None = None) -> bool:
        word, credential = authorization(headers)
        return word == "basic" and same(credential, self.encoded)


def basic(username: str, password: str) -> Basic:
    return Basic(username, password)
