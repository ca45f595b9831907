"""Authentication: a Bearer token (LabOS), an ``apikey`` header (Labstep), and the
Labstep login flow that trades a username and password for that key.

An :class:`Auth` knows which header it sets and its secret, so the renderer and the
recorder can hide it; nothing here prints or logs a secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.errors import UsageError

BEARER = "bearer"
APIKEY = "apikey"

LOGIN_PATH = "/public-api/user/login"


@dataclass(frozen=True)
class Auth:
    kind: str
    secret: str

    def __repr__(self) -> str:
        return f"Auth({self.kind!r}, '***')"

    def headers(self) -> dict[str, str]:
        if self.kind == BEARER:
            return {"Authorization": f"Bearer {self.secret}"}
        if self.kind == APIKEY:
            return {"apikey": self.secret}
        return {}


def bearer(token: str) -> Auth:
    return Auth(BEARER, _checked(token, "token"))


def api_key(key: str) -> Auth:
    return Auth(APIKEY, _checked(key, "api key"))


def _checked(secret: str, what: str) -> str:
    """``secret`` without surrounding whitespace (a pasted token often ends in a newline);
    one with a space or control character inside cannot go in a header.  The message
    never quotes the secret."""
    secret = secret.strip()
    if not secret:
        raise UsageError(f"the {what} is empty")
    if any(c.isspace() or not c.isprintable() for c in secret):
        raise UsageError(
            f"the {what} contains a space or a control character, so it cannot be sent "
            "in a header; check where it was copied from"
        )
    return secret
