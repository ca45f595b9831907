"""An API key in a header, a query parameter or a cookie.

The default is Labstep's: the header ``apikey: KEY`` (``--api-key``,
``EXPLORER_API_KEY``, a profile's ``api_key``, the key ``explorer login`` saved).
Other APIs name theirs differently (OpenAPI's ``type: apiKey`` with ``name`` and
``in: header|query|cookie``)::

    ApiKey("k3y", name="X-API-Key")             # X-API-Key: k3y
    ApiKey("k3y", name="api_key", where="query")  # ?api_key=k3y
    ApiKey("k3y", name="session", where="cookie") # Cookie: session=k3y
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from explorer.auth.scheme import ExportAuth, Scheme, Where, checked, header, register, same
from explorer.errors import UsageError

LOCATIONS = ("header", "query", "cookie")
#: what a header (and here any key) name may be made of: RFC 9110's token
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
DEFAULT_NAME = "apikey"


@register
class ApiKey(Scheme):
    precedence = 20
    name = "apikey"
    what = "api key"
    placeholder = "api_key"
    keys = {
        "options": ("api_key",),
        "environment": ("EXPLORER_API_KEY",),
        "profile": ("api_key",),
        "saved": ("api_key",),
    }
    secret_keys = frozenset({"api_key", "EXPLORER_API_KEY"})
    header_help = {"apikey": "Labstep API key (the profile sets it)"}

    def __init__(self, key: str, *, name: str = DEFAULT_NAME, where: str = "header") -> None:
        if where not in LOCATIONS:
            raise UsageError(f"an API key goes in a header, a query or a cookie, not {where!r}")
        if not _TOKEN.fullmatch(name):
            raise UsageError(f"not a name for an API key: {name!r}")
        self.key = checked(key, "api key")
        self.key_name = name
        self.where = where

    @classmethod
    def from_key(cls, key: str, value: str, where: Where) -> ApiKey:
        return cls(value)

    @property
    def default(self) -> bool:
        """Labstep's ``apikey`` header."""
        return self.key_name == DEFAULT_NAME and self.where == "header"

    def headers(self) -> dict[str, str]:
        if self.where == "header":
            return {self.key_name: self.key}
        if self.where == "cookie":
            return {"Cookie": f"{self.key_name}={self.key}"}
        return {}

    def query(self) -> list[str]:
        if self.where != "query":
            return []
        return [f"{quote(self.key_name, safe='')}={quote(self.key, safe='')}"]

    def placeholders(self) -> dict[str, str]:
        found = {self.key: "api_key"}
        encoded = quote(self.key, safe="")
        if self.where == "query" and encoded != self.key:
            found[encoded] = "api_key"
        return found

    def session_value(self) -> Any:
        if self.default:
            return self.name
        return {"type": self.name, "name": self.key_name, "in": self.where}

    @classmethod
    def from_session(cls, value: Any) -> ApiKey:
        """``"apikey"``, or ``{"type": "apikey", "name": "X-API-Key", "in": "header"}``."""
        if not isinstance(value, Mapping):
            return cls("{{api_key}}")
        return cls("{{api_key}}", name=str(value.get("name") or DEFAULT_NAME),
                   where=str(value.get("in") or "header"))

    def _identity(self) -> tuple:
        return (self.key, self.key_name, self.where)

    @classmethod
    def export(cls) -> ExportAuth:
        return ExportAuth(
            env="EXPLORER_API_KEY",
            variable="API_KEY",
            placeholder="api_key",
            curl='-H "apikey: ${API_KEY}"',
            python=("headers['apikey'] = {value}",),
            hurl=("apikey: {{api_key}}",),
            hurl_variables=("api_key",),
        )

    @classmethod
    def presented(cls, headers: Mapping[str, str]) -> bool:
        """Any header whose name says it holds an API key (``apikey``, ``Api-Key``,
        ``X-Api-Key``: :func:`explorer.secrets.header_secret`)."""
        from explorer.secrets import header_secret

        return any(header_secret(name) == "api_key" for name in headers)

    def accepts(self, headers: Mapping[str, str], query: Mapping[str, str] | None = None) -> bool:
        if self.where == "header":
            given = header(headers, self.key_name)
            return given is not None and same(given.strip(), self.key)
        if self.where == "query":
            given = (query or {}).get(self.key_name)
            return given is not None and same(given, self.key)
        for part in (header(headers, "Cookie") or "").split(";"):
            name, eq, value = part.strip().partition("=")
            if eq and name == self.key_name and same(unquote(value), self.key):
                return True
        return False


def api_key(key: str) -> ApiKey:
    return ApiKey(key)
