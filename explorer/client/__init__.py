"""The HTTP client: request/response values, sending, header layering, paging.

* :mod:`.models`: ``RequestSpec`` (what to send), ``Request`` (what goes on the wire),
  ``Response`` (public constructors ``of``/``streaming``, ``tee`` for observers);
* :mod:`.session`: :class:`Client` builds a ``Request`` (:mod:`.headers` layers the
  headers once), hands it to its transport and follows redirects by
  :mod:`.redirects`' origin rules;
* :mod:`.transport`: the seam, ``handle(request) -> response``; ``RequestsTransport``
  (default, with :mod:`.rawtarget`) and ``MockTransport`` for tests;
* :mod:`.multipart`, :mod:`.urls`, :mod:`.paging`.

Credentials are :mod:`explorer.auth`'s schemes; the client asks one for its headers,
query and secrets.

The names below are imported on first use, so a module that needs only the request
and response values (:mod:`explorer.client.models`) does not load the client.
"""

from typing import TYPE_CHECKING

from explorer.lazy import lazy_names

if TYPE_CHECKING:
    from explorer.auth import Scheme, api_key, bearer
    from explorer.client.models import NO_BODY, FileField, RequestSpec, Response
    from explorer.client.session import Client

__getattr__ = lazy_names(globals(), {
    "Scheme": "explorer.auth",
    "api_key": "explorer.auth",
    "bearer": "explorer.auth",
    "NO_BODY": "explorer.client.models",
    "FileField": "explorer.client.models",
    "RequestSpec": "explorer.client.models",
    "Response": "explorer.client.models",
    "Client": "explorer.client.session",
})

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
