"""Auth schemes: each one a class that knows everything explorer does with it.

* :mod:`.scheme`: the :class:`Scheme` interface and the table :data:`SCHEMES`;
* :mod:`.bearer`: ``Authorization: Bearer`` (LabOS), :mod:`.apikey`: an API key in a
  header, query or cookie (Labstep's ``apikey`` header), :mod:`.basic`: HTTP Basic
  (``--auth USER[:PASS]``), :mod:`.digest`: HTTP Digest (``--auth-type digest``), a
  challenge-response scheme the client answers through :meth:`Scheme.answer`;
* :mod:`.resolve`: precedence between options, environment, profile and saved
  credentials, in one function.

Adding a scheme is one module here (a class decorated with ``@register`` and imported
below) and its command-line option; the client, recorder, replay, exports, ``-v``,
the shell and the sandbox ask the scheme and never compare its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from explorer.auth.apikey import ApiKey, api_key
from explorer.auth.basic import Basic, basic
from explorer.auth.bearer import Bearer, bearer
from explorer.auth.digest import Digest, digest
from explorer.auth.resolve import Place, given_secrets, resolve
from explorer.auth.scheme import SCHEMES, ExportAuth, Scheme, register

__all__ = [
    "SCHEMES",
    "ApiKey",
    "Basic",
    "Bearer",
    "Digest",
    "ExportAuth",
    "Place",
    "Scheme",
    "api_key",
    "basic",
    "bearer",
    "by_name",
    "by_placeholder",
    "digest",
    "exports",
    "from_session",
    "given_secrets",
    "header_help",
    "placeholder_for_authorization",
    "recognise",
    "register",
    "resolve",
]


def from_session(value: Any) -> Scheme | None:
    """The scheme a session's header names in ``"auth"`` (``"bearer"``, or a mapping
    with ``"type"``) as a template whose secrets are placeholders
    (:meth:`Scheme.from_session`); None when it names none or one not known here."""
    name = value.get("type") if isinstance(value, Mapping) else value
    cls = SCHEMES.get(name) if isinstance(name, str) else None
    return cls.from_session(value) if cls is not None else None


def exports() -> list[ExportAuth]:
    """How generated scripts send each scheme, in order of precedence."""
    return [cls.export() for cls in SCHEMES.values()]


def by_name(name: str) -> type[Scheme] | None:
    """The scheme whose placeholder is ``name`` (``api_key`` -> ApiKey), if any."""
    return next((cls for cls in SCHEMES.values() if cls.placeholder == name), None)


def recognise(headers: Mapping[str, str]) -> Any | None:
    """The session value (``"bearer"``) of the first scheme whose credential
    ``headers`` carry, or None (a HAR's request headers, say)."""
    for cls in SCHEMES.values():
        if cls.presented(headers):
            return cls.name
    return None


def by_placeholder(captured: Mapping[str, str]) -> Scheme | None:
    """The credential a value captured during a run gives (a login's ``api_key``),
    from the first scheme whose placeholder was captured; None when none was."""
    for cls in SCHEMES.values():
        value = captured.get(cls.placeholder)
        if value and cls.placeholder != "secret":
            return cls.from_value(value)
    return None


def placeholder_for_authorization(word: str) -> str:
    """The placeholder of a typed ``Authorization: WORD credential`` header: the
    scheme's own (``Bearer`` -> ``token``); ``token`` for a bare credential, ``secret``
    for a word no scheme claims."""
    if not word:
        return "token"
    low = word.lower()
    for cls in SCHEMES.values():
        if cls.authorization == low:
            return cls.placeholder
    return "secret"


def header_help() -> dict[str, str]:
    """The headers the schemes set, with what each is, for the shell's completion."""
    found: dict[str, str] = {}
    for cls in SCHEMES.values():
        for name, text in cls.header_help.items():
            found.setdefault(name, text)
    return found
