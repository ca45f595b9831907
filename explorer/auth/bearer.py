"""``Authorization: Bearer TOKEN``: the LabOS token (``--token``, ``--token-file``,
``EXPLORER_TOKEN``, a profile's ``token`` or ``token_file``)."""

from __future__ import annotations

from collections.abc import Mapping

from explorer.auth.scheme import (
    ExportAuth,
    Scheme,
    Where,
    authorization,
    checked,
    register,
    same,
)


@register
class Bearer(Scheme):
    precedence = 10
    name = "bearer"
    what = "token"
    placeholder = "token"
    authorization = "bearer"
    keys = {
        "options": ("token", "token_file"),
        "environment": ("EXPLORER_TOKEN",),
        "profile": ("token", "token_file"),
        "saved": ("token",),
    }
    secret_keys = frozenset({"token", "EXPLORER_TOKEN"})
    header_help = {"Authorization": "credentials (the profile sets it)"}

    def __init__(self, token: str) -> None:
        self.token = checked(token, "token")

    @classmethod
    def from_key(cls, key: str, value: str, where: Where) -> Bearer:
        if key == "token_file":
            return cls(where.read_file(value))
        return cls(value)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def placeholders(self) -> dict[str, str]:
        return {self.token: "token"}

    @classmethod
    def export(cls) -> ExportAuth:
        return ExportAuth(
            env="EXPLORER_TOKEN",
            variable="TOKEN",
            placeholder="token",
            curl='-H "Authorization: Bearer ${TOKEN}"',
            python=("headers['Authorization'] = 'Bearer ' + {value}",),
            hurl=("Authorization: Bearer {{token}}",),
            hurl_variables=("token",),
        )

    @classmethod
    def presented(cls, headers: Mapping[str, str]) -> bool:
        word, credential = authorization(headers)
        return word == "bearer" and bool(credential)

    def accepts(self, headers: Mapping[str, str], query: Mapping[str, str] | None = None) -> bool:
        word, credential = authorization(headers)
        return word == "bearer" and same(credential, self.token)


def bearer(token: str) -> Bearer:
    return Bearer(token)
