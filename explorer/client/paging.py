"""``--all``: follow pages until the end and merge them into one list.

Two styles, told apart by the first answer:

* skip/limit (LabOS): ``{"data": [...]}``.  The next page repeats the request with
  ``skip`` advanced by the number of items received and ``limit`` set to the page size
  (the ``limit`` given, or the size of the first page); a short or empty page ends it.
* cursor (Labstep): ``{"items": [...], "next_cursor": "..."}``; the next page sends
  ``cursor=<next_cursor>`` until the cursor is ``"-1"`` (or missing, or repeats).

A bare list is the only page.  Anything else (an error, an object, a non-JSON body)
is returned as the only page with ``merged`` false: the caller shows it as it came.
Only GET and HEAD may page: any other method is refused before anything is sent (a
``POST --all`` would create something, then have nothing to page through).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from explorer.client.models import RequestSpec, Response
from explorer.errors import UsageError

MAX_PAGES = 100_000
PAGED_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class Paged:
    items: list[Any]
    pages: int
    #: the last answer; when it is not 2xx, paging stopped there
    last: Response
    #: False when the first answer was not a list (``items`` is then empty, and
    #: ``last`` is that answer, to be shown as it is)
    merged: bool = True


def _query_value(query: list[str], name: str) -> str | None:
    for component in query:
        key, sep, value = component.partition("=")
        if sep and key == name:
            return value
    return None


def _with_query(query: list[str], **values: str) -> list[str]:
    kept = [c for c in query if c.partition("=")[0] not in values]
    return kept + [f"{k}={v}" for k, v in values.items()]


def fetch_all(
    send: Callable[[RequestSpec], Response],
    spec: RequestSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Paged:
    """Send ``spec`` and its following pages through ``send``; see the module docstring."""
    if spec.method not in PAGED_METHODS:
        raise UsageError(f"--all follows the pages of a list; it cannot be used with {spec.method}")
    response = send(spec)
    body = _json(response)
    items: list[Any] = []
    pages = 1
    if not 200 <= response.status < 300:
        return Paged(items, pages, response, merged=False)
    if isinstance(body, dict) and isinstance(body.get("items"), list) and "next_cursor" in body:
        items.extend(body["items"])
        seen: set[str] = set()
        while pages < MAX_PAGES:
            cursor = body.get("next_cursor")
            if cursor in (None, "-1", -1, "") or str(cursor) in seen:
                break
            seen.add(str(cursor))
            if progress:
                progress(len(items), pages)
            next_spec = replace(spec, query=_with_query(spec.query, cursor=str(cursor)))
            response = send(next_spec)
            body = _json(response)
            pages += 1
            if not 200 <= response.status < 300 or not isinstance(body, dict):
                break
            page = body.get("items")
            if not isinstance(page, list) or not page:
                break
            items.extend(page)
        return Paged(items, pages, response)
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        page = body["data"]
        items.extend(page)
        given = _query_value(spec.query, "limit")
        limit = int(given) if given and given.isdigit() and int(given) > 0 else len(page)
        start = _query_value(spec.query, "skip")
        skip = int(start) if start and start.isdigit() else 0
        while page and limit and len(page) >= limit and pages < MAX_PAGES:
            skip += len(page)
            if progress:
                progress(len(items), pages)
            next_spec = replace(
                spec, query=_with_query(spec.query, skip=str(skip), limit=str(limit))
            )
            response = send(next_spec)
            body = _json(response)
            pages += 1
            if not 200 <= response.status < 300 or not isinstance(body, dict):
                break
            page = body.get("data")
            if not isinstance(page, list):
                break
            items.extend(page)
        return Paged(items, pages, response)
    if isinstance(body, list):
        return Paged(body, pages, response)
    return Paged(items, pages, response, merged=False)


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
