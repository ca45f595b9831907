"""From request items to the parts of a request, and merging them into a RequestSpec.

Where each item goes:

* ``name==v`` and filters (``field>v`` ...) always go to the query, in the order
  typed, as wire-ready components (see :mod:`explorer.items.quoting`).  A filter
  keeps its operator: ``updatedAt>2023-05-01`` is sent as exactly that.
* ``name=v``: with a file item anywhere on the line, a multipart form field; else,
  for GET, DELETE, HEAD and OPTIONS, a query parameter; else a JSON string field.
  For those query methods ``name=@v`` is a query parameter too (``family=@Liquid``
  is a LabOS filter; a GET has no body to embed a file into).
* ``name:=json``: a JSON field of any type, for any method.  With a file item on the
  line it is refused: a multipart body has no JSON fields (send ``name=v`` instead).
* ``Header:value`` sets a header; ``Header:`` unsets a default one (its value is
  ``None`` in :attr:`RequestItems.headers`); ``Header;`` sends it empty.  Header
  names are case-insensitive: the last spelling typed wins.
* ``field@path[;type=mime]``: a file part.  ``=@`` and ``:=@`` name files whose
  contents become a field; until :func:`explorer.items.files.load_file_refs` reads
  them (this module does no I/O) they are :meth:`RequestItems.pending`, and listed
  by :attr:`RequestItems.file_refs`.

JSON field names use HTTPie 3's nested syntax (:mod:`explorer.items.nested`).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from explorer.client.models import NO_BODY, FileField, RequestSpec
from explorer.errors import ItemError, UsageError
from explorer.items.nested import assign, parse_path
from explorer.items.quoting import quote_query, quote_query_key
from explorer.items.syntax import QUERY_METHODS, SEP_FILE_TYPE, Item, Kind, split_item
from explorer.record import Record


class _Pending:
    def __repr__(self) -> str:
        return "<file not read yet>"


_PENDING = _Pending()


class _Field(Record):
    """One body field in the order typed; ``value`` is _PENDING until its file is read."""

    __slots__ = ("item", "steps", "value")
    _fields = ("item", "steps", "value")

    item: Item
    steps: list | None  # nested JSON path; None for a form field
    value: Any

    def __init__(self, item: Item, steps: list | None, value: Any) -> None:
        self.item = item
        self.steps = steps
        self.value = value


class RequestItems(Record):
    """The parts of a request the items describe.

    ``query``: wire-ready query components, in the order typed; ``headers``: header
    name -> value (``None`` unsets a default header, ``""`` sends it empty); ``json``:
    the JSON body, or NO_BODY when no JSON field was given; ``form``: multipart form
    fields (only when there are files); ``_typed``: the body fields in the order typed
    (no part of ``repr`` or equality).
    """

    __slots__ = ("_typed", "files", "form", "headers", "json", "multipart", "query")
    _fields = ("query", "headers", "json", "form", "files", "multipart")
    _extra = ("_typed",)

    query: list[str]
    headers: dict[str, str | None]
    json: Any
    form: dict[str, str]
    files: list[FileField]
    multipart: bool
    _typed: list[_Field]

    def __init__(
        self,
        query: list[str] | None = None,
        headers: dict[str, str | None] | None = None,
        json: Any = NO_BODY,
        form: dict[str, str] | None = None,
        files: list[FileField] | None = None,
        multipart: bool = False,
        _typed: list[_Field] | None = None,
    ) -> None:
        self.query = [] if query is None else query
        self.headers = {} if headers is None else headers
        self.json = json
        self.form = {} if form is None else form
        self.files = [] if files is None else files
        self.multipart = multipart
        self._typed = [] if _typed is None else _typed

    def rebuild(self) -> None:
        """Recompute :attr:`json` and :attr:`form` from the fields, in the order typed."""
        document: Any = None
        form: dict[str, str] = {}
        for f in self._typed:
            if f.value is _PENDING:
                continue
            if f.steps is None:
                form[f.item.key] = f.value
            else:
                document = assign(document, f.item, f.steps, f.value)
        self.form = form
        self.json = NO_BODY if document is None else document

    def pending(self) -> list[tuple[Item, _Field]]:
        """The fields whose files are not read yet (for the file loader)."""
        return [(f.item, f) for f in self._typed if f.value is _PENDING]

    @property
    def file_refs(self) -> list[tuple[str, str]]:
        """``=@`` / ``:=@`` items still to be read, as (field, path)."""
        return [(item.key, item.value) for item, _ in self.pending()]


def parse_items(args: Sequence[str], *, method: str) -> RequestItems:
    """Parse request items for a request with ``method``; raises :class:`ItemError`."""
    method = method.upper()
    splits = [split_item(text) for text in args]
    items = RequestItems(multipart=any(s.item.kind is Kind.FILE for s in splits))
    query_method = method in QUERY_METHODS
    value: Any
    for item, key_chars, value_columns in splits:
        kind = item.kind
        if kind is Kind.QUERY or (
            kind in (Kind.DATA, Kind.DATA_FILE) and query_method and not items.multipart
        ):
            value = item.value if kind is not Kind.DATA_FILE else "@" + item.value
            items.query.append(quote_query_key(item.key) + "=" + quote_query(value))
        elif kind is Kind.FILTER:
            items.query.append(quote_query(item.key) + item.sep + quote_query(item.value))
        elif kind is Kind.HEADER:
            _set_header(items.headers, item.key, item.value.strip() or None)
        elif kind is Kind.EMPTY_HEADER:
            _set_header(items.headers, item.key, "")
        elif kind is Kind.FILE:
            path, _, mime = item.value.partition(SEP_FILE_TYPE)
            if not path:
                raise ItemError(
                    f"request item {item.text!r}: no file name after '@'",
                    text=item.text,
                    position=item.value_column,
                )
            items.files.append(FileField(item.key, path, mime.strip() or None))
        elif items.multipart and kind in (Kind.JSON, Kind.JSON_FILE):
            raise ItemError(
                f"request item {item.text!r}: a raw JSON field cannot be sent with a file "
                f"upload (the body is multipart); use {item.key}=VALUE for a form field",
                text=item.text,
                position=item.value_column - len(item.sep),
            )
        else:
            steps = None if items.multipart else parse_path(item, key_chars)
            if kind in (Kind.DATA_FILE, Kind.JSON_FILE):
                if not item.value:
                    raise ItemError(
                        f"request item {item.text!r}: no file name after {item.sep!r}",
                        text=item.text,
                        position=item.value_column,
                    )
                value = _PENDING
            elif kind is Kind.JSON:
                value = parse_json(item, item.value, value_columns)
            else:
                value = item.value
            items._typed.append(_Field(item, steps, value))
    items.rebuild()
    return items


class _NotJSON(Exception):
    pass


def _refuse(token: str) -> Any:
    raise _NotJSON(token)


def _finite(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _NotJSON(token)
    return value


_STRING_OR_NUMBER = re.compile(
    r'"(?:[^"\\]|\\.)*"|-?(?:Infinity|NaN|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)'
)


def decode_json(text: str) -> Any:
    """Strict JSON: ``NaN``, ``Infinity`` and a number too large for a float (``1e400``,
    which would go on the wire as ``Infinity``) are refused with a ``JSONDecodeError``
    whose ``pos`` points at them; too deep a nesting is a ``ValueError``."""
    try:
        return json.loads(text, parse_constant=_refuse, parse_float=_finite)
    except _NotJSON as exc:
        token = exc.args[0]
        position = next((m.start() for m in _STRING_OR_NUMBER.finditer(text) if m[0] == token), 0)
        what = "" if token.lstrip("-")[:1].isalpha() else " (too large a number)"
        raise json.JSONDecodeError(f"{token} is not valid JSON{what}", text, position) from None
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def parse_json(item: Item, text: str, columns: list[int] | None = None) -> Any:
    """``text`` as JSON; an ItemError with a caret where the JSON goes wrong.

    ``columns`` maps each character of ``text`` to its column in the item.
    """
    try:
        return decode_json(text)
    except json.JSONDecodeError as exc:
        position = item.value_column
        if columns is not None:
            position = columns[exc.pos] if exc.pos < len(columns) else len(item.text)
        raise ItemError(
            f"request item {item.text!r}: invalid JSON after {item.sep!r}: {exc.msg} "
            f"(line {exc.lineno} column {exc.colno})",
            text=item.text,
            position=position,
        ) from exc
    except ValueError as exc:
        raise ItemError(
            f"request item {item.text!r}: invalid JSON after {item.sep!r}: {exc}",
            text=item.text,
            position=item.value_column,
        ) from exc


def _set_header(headers: dict[str, str | None], name: str, value: str | None) -> None:
    for existing in [k for k in headers if k.lower() == name.lower()]:
        del headers[existing]
    headers[name] = value


def apply_items(spec: RequestSpec, items: RequestItems) -> RequestSpec:
    """Merge ``items`` into ``spec`` (in place) and return it.

    Query components are appended; headers replace same-named ones (``None`` values
    are kept so the client can drop its default); a JSON object merges into an
    existing one key by key (recursively), any other JSON replaces it; form fields
    and files are added.  Raises :class:`UsageError` when file items were not read
    yet, or when the result would need two kinds of body.
    """
    pending = items.pending()
    if pending:
        names = ", ".join(repr(item.text) for item, _ in pending)
        raise UsageError(f"file items not read yet: {names} (load_file_refs first)")
    has_multipart = bool(items.form or items.files or items.multipart)
    has_json = items.json is not NO_BODY
    if (has_json and (spec.form or spec.files)) or (has_multipart and spec.json is not NO_BODY):
        raise UsageError("cannot send a JSON body and a multipart body in one request")
    if (has_json or has_multipart) and spec.data is not None:
        raise UsageError("the request already has a raw body; fields cannot be added to it")
    spec.query.extend(items.query)
    for name, value in items.headers.items():
        _set_header(spec.headers, name, value)  # type: ignore[arg-type]
    if has_json:
        spec.json = _merge(spec.json, copy.deepcopy(items.json))
    spec.form.update(items.form)
    spec.files.extend(items.files)
    return spec


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(merged[key], value) if key in merged else value
        return merged
    return extra
