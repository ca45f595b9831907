"""What counts as a secret: one list for every part that hides or must not keep one.

The renderer masks these in ``-v`` output, the recorder and the HAR import replace
them with placeholders, the shell keeps them out of its history and of what it learns.

* Headers whose whole value is secret (:data:`SECRET_HEADERS`), and ``Authorization``
  style headers whose scheme may stay visible (:data:`AUTH_HEADERS`).
* Field names (in JSON bodies, request items and query parameters) whose values are
  secret: :func:`secret_field` says which kind of secret, for placeholders.
"""

from __future__ import annotations

#: headers whose whole value is secret (lower-case)
SECRET_HEADERS = frozenset(
    {"apikey", "api-key", "x-api-key", "cookie", "set-cookie", "x-auth-token", "x-access-token"}
)
#: headers of the form ``Scheme credentials`` (lower-case)
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})

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
