"""Which credential a run uses: the one place precedence is decided.

Four places are asked in turn, and in each the schemes in :data:`SCHEMES` order; the
first credential found wins (a scheme with ``chosen_by``, Digest, only where its key
names it: ``--auth-type digest``, ``EXPLORER_AUTH_TYPE``, a profile's ``auth_type``):

1. the global options (``--token``, ``--token-file``, ``--api-key``, ``--auth``);
2. the environment (``EXPLORER_TOKEN``, ``EXPLORER_API_KEY``, ``EXPLORER_AUTH``);
3. the profile (``token``, ``token_file``, ``api_key``, ``auth``);
4. what ``explorer login`` saved for the profile (``api_key``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from explorer.auth.scheme import SCHEMES, Scheme
from explorer.record import Record

PLACES = ("options", "environment", "profile", "saved")


def _no_answer(prompt: str) -> str | None:
    return None


class Place(Record):
    """One place credentials are read from (the :class:`~explorer.auth.scheme.Where`
    every scheme's ``from_key`` gets): its ``kind`` (:data:`PLACES`), its values, how
    it reads a file and how it asks the user (``asker``: by default it does not)."""

    __slots__ = ("asker", "kind", "read_file", "values")
    _fields = ("kind", "values", "read_file", "asker")

    def __init__(
        self,
        kind: str,
        values: Callable[[], Mapping[str, Any]],
        read_file: Callable[[str], str],
        asker: Callable[[str], str | None] = _no_answer,
    ) -> None:
        self.kind = kind
        self.values = values
        self.read_file = read_file
        self.asker = asker

    def get(self, key: str) -> str | None:
        value = self.values().get(key)
        return value if isinstance(value, str) and value else None

    def ask(self, prompt: str) -> str | None:
        return self.asker(prompt)


def resolve(places: list[Place]) -> Scheme | None:
    """The credential of the first place (in the order given) that holds one."""
    for place in places:
        for cls in SCHEMES.values():
            chooser = cls.chosen_by.get(place.kind)
            if chooser is not None and (place.get(chooser) or "").lower() != cls.name:
                continue
            for key in cls.keys.get(place.kind, ()):
                value = place.get(key)
                if value:
                    return cls.from_key(key, value, place)
    return None


def holds(place: Place) -> bool:
    """Whether ``place`` gives any credential (without reading or asking for it)."""
    return any(place.get(key) for cls in SCHEMES.values() for key in cls.keys.get(place.kind, ()))


def keys(kind: str) -> frozenset[str]:
    """Every key a scheme reads in places of ``kind`` (``"profile"``: config.toml's
    credential keys)."""
    return frozenset(key for cls in SCHEMES.values() for key in cls.keys.get(kind, ()))


def choice_keys(kind: str) -> frozenset[str]:
    """The keys that choose between schemes sharing their keys (``auth_type``)."""
    return frozenset(key for cls in SCHEMES.values()
                     for k, key in cls.chosen_by.items() if k == kind)


def choices() -> tuple[str, ...]:
    """What ``--auth-type`` may name: the schemes read from ``--auth``."""
    return tuple(cls.name for cls in SCHEMES.values() if "auth" in cls.keys.get("options", ()))


def secret_keys() -> frozenset[str]:
    """The keys (options, variables, profile keys) whose value is a secret in itself."""
    return frozenset(key for cls in SCHEMES.values() for key in cls.secret_keys)


def given_secrets(get: Callable[[str], str | None]) -> list[str]:
    """Every secret value ``get`` (the options, the environment) holds, for redaction
    while anything else may be broken: never raises."""
    found: list[str] = []
    for cls in SCHEMES.values():
        found += cls.given_secrets(get)
    return list(dict.fromkeys(v for v in found if v))
