"""Output formats of a JSON answer: ``--format json|table|csv|tsv|yaml`` (and the
shell's ``output``), after an optional ``--filter`` (:mod:`.filter`).

* ``json``: indented JSON (highlighted on a terminal).
* ``yaml``: YAML (PyYAML's safe dumper, keys in the server's order).
* ``table``: a list as the aligned table of :mod:`.table`; a single object as a
  ``field  value`` table of its flattened fields.
* ``csv`` / ``tsv``: a list answer (a bare list, or the list in ``data``, ``items``...:
  :mod:`explorer.envelope`) as one row per item and one column per field, ready for a
  spreadsheet: nested objects become dotted columns (``location.room``), a list of
  plain values one cell joined with ``; ``, a list holding objects one cell of compact
  JSON; cells are quoted by the csv module's Excel dialects (a comma, tab, quote or
  line break inside a cell stays inside it), lines end in CRLF as RFC 4180 says.  A
  single object is one row; a plain value is written alone.

Spreadsheet formulas: a cell is data, never a formula.  A text cell (a JSON string,
a field name) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(or their full-width forms) is written with a leading ``'``, as OWASP recommends
against CSV injection, so Excel and LibreOffice show ``=HYPERLINK(...)`` as text
instead of running it.  JSON numbers and booleans are written as they are (``-5``
stays a number).

Piped, an answer is the body exactly as received unless a format or a filter is
asked for; :func:`render_view` is the path for one that is, on a terminal (its text
escaped by :func:`explorer.render.text.for_terminal`, paged) and piped (the text
alone).  It reads at most :data:`VIEW_LIMIT` bytes of the body.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from explorer.errors import ResponseError
from explorer.render.text import for_terminal

if TYPE_CHECKING:
    from explorer.client.models import RequestSpec, Response
    from explorer.render.env import OutputEnv

#: format name -> what it is (argparse choices, help and the shell's ``output``)
FORMATS: dict[str, str] = {
    "json": "indented JSON",
    "table": "lists as an aligned table, an object as field and value",
    "csv": "comma-separated, one column per field (nested fields dotted)",
    "tsv": "tab-separated, one column per field (nested fields dotted)",
    "yaml": "YAML",
}
#: the largest body a format or a filter reads (it must be parsed whole)
VIEW_LIMIT = 64 * 1024 * 1024
#: what starts a formula in a spreadsheet cell (OWASP's list, and the full-width forms)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: how the items of a list of plain values are joined in one cell
JOIN = "; "
#: what :func:`answer_data` gives for an empty body
_EMPTY = object()


class ViewError(ResponseError):
    """An answer a format or filter cannot show (not JSON, too large, nested too deeply);
    ``body`` holds what was read of it (None when it was not kept)."""

    def __init__(self, message: str, *, body: bytes | None = None) -> None:
        super().__init__(message)
        self.body = body


# -- the formats -------------------------------------------------------------------------------


def format_data(data: Any, name: str, *, width: int = 80) -> str:
    """``data`` in the format ``name`` (one of :data:`FORMATS`), ending in a newline."""
    try:
        if name == "json":
            text = json.dumps(data, indent=2, ensure_ascii=False)
        elif name == "yaml":
            text = to_yaml(data)
        elif name == "table":
            text = to_table(data, width=width)
        elif name in ("csv", "tsv"):
            return to_csv(data, delimiter="," if name == "csv" else "\t")
        else:
            raise ValueError(f"unknown format {name!r}")
    except RecursionError as exc:
        raise ViewError(f"the answer is nested too deeply to show as {name}") from exc
    return text if text.endswith("\n") else text + "\n"


def to_yaml(data: Any) -> str:
    import yaml  # PyYAML, on first use

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def to_table(data: Any, *, width: int) -> str:
    from explorer.render.table import render_table, table_rows

    found = table_rows(data)
    if found is not None and found[0]:
        rows = [flatten(row) for row in found[0]]
        return render_table(rows, width=width)
    if isinstance(data, dict):
        pairs = [{"field": key, "value": value} for key, value in flatten(data).items()]
        return render_table(pairs, columns=["field", "value"], width=width) if pairs else ""
    if isinstance(data, list):
        return render_table([{"value": _cell(v)} for v in data], width=width) if data else ""
    return _cell(data)


def to_csv(data: Any, *, delimiter: str = ",") -> str:
    """``data`` as CSV (``delimiter=","``) or TSV (``"\\t"``); see the module docstring."""
    rows = list_rows(data)
    out = io.StringIO()
    dialect = "excel" if delimiter == "," else "excel-tab"
    writer = csv.writer(out, dialect=dialect)
    if rows is None:  # a plain value, alone
        writer.writerow([guard(_cell(data))])
        return out.getvalue()
    if not rows:
        return ""  # an empty list: no columns to name
    flat = [flatten(row) if isinstance(row, dict) else {"value": row} for row in rows]
    columns = _columns(flat)
    writer.writerow([guard(c) for c in columns])
    for row in flat:
        writer.writerow([_spreadsheet_cell(row.get(c)) for c in columns])
    return out.getvalue()


def list_rows(data: Any) -> list[Any] | None:
    """The items of a list answer (:func:`explorer.render.table.table_rows`, over the
    list envelope of :mod:`explorer.envelope`), ``[data]`` for a single object, None
    for a plain value."""
    from explorer.render.table import table_rows

    found = table_rows(data)
    if found is not None:
        return found[0]
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return [data]
    return None


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted keys: ``{"a": {"b": 1}}`` -> ``{"a.b": 1}`` (iteratively:
    depth costs no stack)."""
    out: dict[str, Any] = {}
    stack: list[tuple[str, Iterator[tuple[Any, Any]]]] = [(prefix, iter(row.items()))]
    while stack:
        base, items = stack[-1]
        for key, value in items:
            name = f"{base}{key}"
            if isinstance(value, dict) and value:
                stack.append((name + ".", iter(value.items())))
                break
            out[name] = value
        else:
            stack.pop()
    return out


def _columns(rows: Iterable[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def _cell(value: Any) -> str:
    """One value as the text of a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        return JOIN.join(_cell(v) for v in value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _spreadsheet_cell(value: Any) -> str:
    text = _cell(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text  # a JSON number is a number: -5 stays -5
    return guard(text)


def guard(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# -- showing an answer in a format --------------------------------------------------------------


def render_view(
    response: Response,
    env: OutputEnv,
    *,
    format: str | None = None,
    query: Any = None,
    verbose: bool = False,
    spec: RequestSpec | None = None,
    base_url: str | None = None,
) -> None:
    """Show ``response``'s JSON body through the filter ``query`` (compiled by
    :func:`explorer.render.filter.compile_filter`) in ``format`` (default ``json``):
    piped, the text alone on stdout; on a terminal, the status line and the text,
    escaped and paged.  :class:`ViewError` when the body is not JSON or too large."""
    from explorer.render.pager import emit, write_text
    from explorer.render.response import request_head, response_head
    from explorer.render.status import status_line

    data = answer_data(response)
    if data is _EMPTY:  # 204, or an empty 200: nothing to format
        if env.stdout_isatty:
            line = status_line(response.status, response.reason, response.elapsed,
                               color=env.color)
            emit(line + "\n", env)
        return
    if query is not None:
        from explorer.render.filter import apply_filter

        data = apply_filter(query, data)
    text = format_data(data, format or "json", width=env.width)
    heads = []
    if verbose:
        if spec is not None:
            heads.append(request_head(spec, base_url, color=env.color and env.stdout_isatty,
                                      sent=response))
        heads.append(response_head(response, color=env.color and env.stdout_isatty))
        heads = [env.redact(head) for head in heads]  # (a server may echo a credential)
    if not env.stdout_isatty:
        if heads:
            write_text(env.stderr, "\n".join(heads) + "\n")
        env.stdout.write(text)
        env.stdout.flush()
        return
    from explorer.render.body import cut_line, cut_to

    text, size, total = cut_to(text, env.max_render_bytes)
    shown = for_terminal(text)
    if size < total:  # past settings.render_limit: the first part, then one line
        if not shown.endswith("\n"):
            shown += "\n"
        shown += cut_line(size, total, env.max_render_bytes, f"the {format or 'json'} view") + "\n"
    elif (format or "json") == "json" and env.color and len(text) <= env.max_highlight_bytes:
        from explorer.render.body import highlight

        shown = highlight(shown, "application/json", color_256=env.color_256)
    if heads:
        emit("\n".join(heads) + "\n" + shown, env)
        return
    line = status_line(response.status, response.reason, response.elapsed, color=env.color)
    emit(line + "\n" + shown, env)


def answer_data(response: Response) -> Any:
    """The body parsed as JSON, read up to :data:`VIEW_LIMIT` bytes."""
    kept = bytearray()
    for chunk in response.iter_bytes():
        kept += chunk
        if len(kept) > VIEW_LIMIT:
            response.close()
            raise ViewError(
                f"the answer is larger than {VIEW_LIMIT // (1024 * 1024)} MB, more than "
                "--format and --filter read; leave them out to stream it, or save it with -o"
            )
    if not kept:
        return _EMPTY
    what = response.content_type or "no content type"
    body = bytes(kept)
    try:
        return json.loads(body.decode(response.charset))
    except RecursionError as exc:
        raise ViewError("the answer is nested too deeply to parse as JSON", body=body) from exc
    except (ValueError, LookupError) as exc:
        size = f"{len(kept):,} bytes"
        raise ViewError(
            f"the answer is not JSON ({what}, {size}), so --format and --filter cannot apply",
            body=body,
        ) from exc
