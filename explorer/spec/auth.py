"""Where a credential goes for one operation, as its API description says.

The user gives one credential (``--token``, ``--api-key``, ``--auth`` ...); an
operation's ``security`` lists the schemes it accepts (from the document's
``securitySchemes``: HTTP bearer or basic, an API key in a header, a query parameter
or a cookie).  :func:`placed` keeps the credential as it is when it fits one of them,
else puts its secret where the first scheme that takes a bare secret says::

    --api-key K, spec: apiKey in header X-API-Key   ->  X-API-Key: K
    --api-key K, spec: apiKey in query api_key      ->  ?api_key=K
    --token T,   spec: apiKey in cookie session     ->  Cookie: session=T
    --api-key K, spec: http bearer                  ->  Authorization: Bearer K

A user name and password (Basic) go only where the spec takes Basic; an operation
whose spec says nothing about auth, or needs none, gets the credential unchanged.
"""

from __future__ import annotations

from typing import Any

from explorer.errors import UsageError


def placed(auth: Any, operation: Any) -> Any:
    """``auth`` (a :class:`explorer.auth.Scheme`, or None) placed for ``operation``."""
    if auth is None or operation is None:
        return auth
    alternatives = operation.security if operation.available else None
    if not alternatives:
        return auth
    from explorer.auth import ApiKey, Basic, Bearer

    singles = [alt[0] for alt in alternatives if len(alt) == 1 and isinstance(alt[0], dict)]
    for scheme in singles:
        kind = scheme.get("type")
        if (kind == "bearer" and isinstance(auth, Bearer)) or (
            kind == "basic" and isinstance(auth, Basic)
        ):
            return auth
        if kind == "apikey" and isinstance(auth, ApiKey) and (
            auth.key_name.lower() == str(scheme.get("name", "")).lower()
            and auth.where == scheme.get("in")
        ):
            return auth
    secret = auth.token if isinstance(auth, Bearer) else (
        auth.key if isinstance(auth, ApiKey) else None)
    if secret is None:
        return auth
    for scheme in singles:
        kind = scheme.get("type")
        if kind == "bearer":
            return Bearer(secret)
        if kind == "apikey" and scheme.get("in") in ("header", "query", "cookie"):
            try:
                return ApiKey(secret, name=str(scheme.get("name")), where=scheme["in"])
            except UsageError:  # a name no header could carry: not placed there
                continue
    return auth
