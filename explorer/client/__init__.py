"""The HTTP client: request/response values, auth, sending, paging."""

from explorer.client.auth import Auth, api_key, bearer
from explorer.client.models import NO_BODY, FileField, RequestSpec, Response
from explorer.client.session import Client

__all__ = [
    "NO_BODY",
    "Auth",
    "Client",
    "FileField",
    "RequestSpec",
    "Response",
    "api_key",
    "bearer",
]
