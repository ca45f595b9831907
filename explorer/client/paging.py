"""``--all``: follow pages until the end and merge them into one list.

Four styles, told apart by the first answer (and the parameters a spec declares):

* RFC 8288 links (GitHub, json-server): a ``Link: <URL>; rel="next"`` header.  Its
  URL is requested next, as given (relative ones against the answer's URL), until an
  answer has no next link; the items are the answer's list
  (:func:`explorer.envelope.list_items`: a bare list, or the list under ``data``,
  ``items``, ``results``, ``values`` or ``records``).  A next link to another origin,
  or outside the base URL, is not followed (credentials stay home): paging stops
  there with a note in :attr:`Paged.stopped`.

* skip/limit (LabOS): ``{"data": [...]}``.  The next page repeats the request with
  ``skip`` advanced by the number of items received and ``limit`` set to the page size
  (the ``limit`` given, or the size of the first page); a short or empty page ends it.
* cursor (Labstep): ``{"items": [...], "next_cursor": "..."}``; the next page sends
  ``cursor=<next_cursor>`` until the cursor is ``"-1"`` (or missing, or repeats).

* page/per_page (FastAPI apps, many others): when the route declares a ``page``
  query parameter, or the answer is an object saying ``page`` beside its list, the
  next page repeats the request with ``page`` advanced by one (``per_page`` kept as
  given), until a page is shorter than the first, empty, or past ``total_pages``.

Whatever the style, a hostile or broken server cannot make ``--all`` run away: a page
whose body is the one before it again (a server that ignores ``skip`` or ``page``;
cursors and links stop on a repeated cursor or URL) ends the paging, that page not
merged, and so do pages whose bodies come to more than
``byte_limit`` bytes together (``settings.document_limit``: the merged list is held in
memory); :attr:`Paged.stopped` says which.

A bare list is otherwise the only page.  Anything else (an error, an object, a non-JSON body)
is returned as the only page with ``merged`` false: the caller shows it as it came.
Only GET and HEAD may page: any other method is refused before anything is sent (a
``POST --all`` would create something, then have nothing to page through).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urljoin, urlsplit

from explorer.client.models import RequestSpec, Response
from explorer.client.urls import display_url
from explorer.envelope import list_items
from explorer.errors import UsageError
from explorer.record import Record

MAX_PAGES = 100_000
PAGED_METHODS = frozenset({"GET", "HEAD"})


class Paged(Record):
    """The items of all pages read; ``last``: the last answer (when it is not 2xx,
    paging stopped there); ``merged``: False when the first answer was not a list
    (``items`` is then empty, and ``last`` is that answer, to be shown as it is);
    ``stopped``: why paging stopped before the server's last page (a next link
    elsewhere), or None."""

    __slots__ = ("items", "last", "merged", "pages", "stopped")
    _fields = ("items", "pages", "last", "merged", "stopped")

    items: list[Any]
    pages: int
    last: Response
    merged: bool
    stopped: str | None

    def __init__(self, items: list[Any], pages: int, last: Response, merged: bool = True,
                 stopped: str | None = None) -> None:
        self.items = items
        self.pages = pages
        self.last = last
        self.merged = merged
        self.stopped = stopped


_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.I)


def next_link(headers) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 ``Link`` header, or None."""
    value = headers.get("Link") if headers is not None else None
    if not isinstance(value, str):
        return None
    for match in _LINK.finditer(value):
        for rel in _REL.finditer(match.group(2)):
            names = (rel.group(1) or rel.group(2) or "").lower().split()
            if "next" in names:
                return match.group(1).strip()
    return None


def _spec_for(url: str, base_url: str, spec: RequestSpec) -> RequestSpec | None:
    """``spec`` sent to ``url`` instead, when ``url`` is on ``base_url`` (same scheme,
    host and port, under its path); None otherwise."""
    target, base = urlsplit(url), urlsplit(base_url)
    if (target.scheme.lower(), target.netloc.rpartition("@")[2].lower()) != (
        base.scheme.lower(), base.netloc.rpartition("@")[2].lower()
    ) or target.netloc.rpartition("@")[0]:
        return None
    prefix = base.path.rstrip("/")
    if not target.path.startswith(prefix + "/") and target.path != prefix:
        return None
    path = target.path[len(prefix):] or "/"
    query = [c for c in target.query.split("&") if c] if target.query else []
    return spec.replace(path=path, query=query)


def _query_value(query: list[str], name: str) -> str | None:
    for component in query:
        key, sep, value = component.partition("=")
        if sep and key == name:
            return value
    return None


def _with_query(query: list[str], **values: str) -> list[str]:
    kept = [c for c in query if c.partition("=")[0] not in values]
    return kept + [f"{k}={v}" for k, v in values.items()]


class _Stop(Exception):
    """Paging must end before this page (see :class:`_Guard`); ``str()`` says why."""


class _Guard:
    """``send`` that counts the bytes of the pages and remembers the last one: raises
    :class:`_Stop` for a page that repeats the one before it, or once the pages come to
    more than ``limit`` bytes."""

    def __init__(self, send: Callable[[RequestSpec], Response], limit: int | None) -> None:
        self._send = send
        self.limit = limit
        self.spent = 0
        self._last: bytes | None = None
        #: whether a repeated page stops (the styles that have no stop of their own:
        #: cursors stop on a repeated cursor, links on a repeated URL)
        self.repeats = True

    def __call__(self, spec: RequestSpec) -> Response:
        response = self._send(spec)
        content = response.content
        if self.repeats and self._last is not None and content == self._last:
            raise _Stop("the server answered the same page again")
        self._last = content
        self.spent += len(content)
        if self.limit is not None and self.spent > self.limit:
            raise _Stop(f"the pages came to more than {self.limit:,} bytes "
                        "(settings.document_limit in config.toml raises the limit)")
        return response


def fetch_all(
    send: Callable[[RequestSpec], Response],
    spec: RequestSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    base_url: str | None = None,
    declared: Collection[str] = (),
    byte_limit: int | None = None,
) -> Paged:
    """Send ``spec`` and its following pages through ``send``; see the module docstring.

    ``base_url`` is the server's (next links are followed only on it); ``declared``
    the query parameters the route's spec declares (``page`` chooses that style);
    ``byte_limit`` the most bytes the pages may come to together."""
    if spec.method not in PAGED_METHODS:
        raise UsageError(f"--all follows the pages of a list; it cannot be used with {spec.method}")
    guard = _Guard(send, byte_limit)
    response = send(spec)
    guard.spent = len(response.content)
    guard._last = response.content
    send = guard
    body = _json(response)
    items: list[Any] = []
    pages = 1
    if not 200 <= response.status < 300:
        return Paged(items, pages, response, merged=False)
    first = list_items(body)
    link = next_link(response.headers)
    if link is not None and first is not None:
        guard.repeats = False
        return _by_links(send, spec, response, first, progress, base_url)
    cursor = isinstance(body, dict) and "next_cursor" in body
    says_page = isinstance(body, dict) and isinstance(body.get("page"), int)
    if first is not None and not cursor and ("page" in declared or says_page):
        return _by_pages(send, spec, response, body, first, progress)
    if isinstance(body, dict) and isinstance(body.get("items"), list) and "next_cursor" in body:
        items.extend(body["items"])
        guard.repeats = False
        seen: set[str] = set()
        while pages < MAX_PAGES:
            cursor = body.get("next_cursor")
            if cursor in (None, "-1", -1, "") or str(cursor) in seen:
                break
            seen.add(str(cursor))
            if progress:
                progress(len(items), pages)
            next_spec = spec.replace(query=_with_query(spec.query, cursor=str(cursor)))
            try:
                response = send(next_spec)
            except _Stop as stop:
                return Paged(items, pages, response, stopped=str(stop))
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
            next_spec = spec.replace(
                query=_with_query(spec.query, skip=str(skip), limit=str(limit))
            )
            try:
                response = send(next_spec)
            except _Stop as stop:
                return Paged(items, pages, response, stopped=str(stop))
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


def _by_links(send, spec, response, first, progress, base_url) -> Paged:
    items = list(first)
    pages = 1
    seen = {response.url}
    while pages < MAX_PAGES:
        link = next_link(response.headers)
        if link is None:
            break
        url = urljoin(response.url, link)
        if url in seen:
            break
        seen.add(url)
        next_spec = _spec_for(url, base_url or response.url, spec) if base_url else None
        if next_spec is None:
            return Paged(items, pages, response,
                         stopped=f"the next page is not on the server: {display_url(url)}")
        if progress:
            progress(len(items), pages)
        try:
            response = send(next_spec)
        except _Stop as stop:
            return Paged(items, pages, response, stopped=str(stop))
        pages += 1
        if not 200 <= response.status < 300:
            break
        page = list_items(_json(response))
        if page is None:
            break
        items.extend(page)
    return Paged(items, pages, response)


def _by_pages(send, spec, response, body, first, progress) -> Paged:
    items = list(first)
    pages = 1
    given = _query_value(spec.query, "page")
    number = int(given) if given and given.isdigit() else (
        body["page"] if isinstance(body, dict) and isinstance(body.get("page"), int) else 1)
    size = len(first)
    page = first
    while page and pages < MAX_PAGES:
        total = body.get("total_pages") if isinstance(body, dict) else None
        if isinstance(total, int) and number >= total:
            break
        if not isinstance(total, int) and len(page) < size:
            break
        number += 1
        if progress:
            progress(len(items), pages)
        try:
            response = send(spec.replace(query=_with_query(spec.query, page=str(number))))
        except _Stop as stop:
            return Paged(items, pages, response, stopped=str(stop))
        pages += 1
        if not 200 <= response.status < 300:
            break
        body = _json(response)
        page = list_items(body)
        if page is None:
            break
        items.extend(page)
    return Paged(items, pages, response)


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
