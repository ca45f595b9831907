"""The HTTP client: request/response values, sending, header layering, paging.

Credentials are :mod:`explorer.auth`'s schemes; the client asks one for its headers,
query and secrets.
"""

from explorer.auth import Scheme, api_key, bearer
from explorer.client.models import NO_BODY, FileField, RequestSpec, Response
from explorer.client.session import Client

__all__ = [
    "NO_BODY",
    "Client",
    "FileField",
    "RequestSpec",
    "Response",
    "Scheme",
    "api_key",
    "bearer",
]
