"""The help of generated commands, shared by ``explorer COMMAND --help`` and the
shell's ``help COMMAND`` (:func:`command_help`), and of a group of them, shared by
``explorer GROUP`` and ``help GROUP`` (:func:`group_help`).

For a route from an API description the help says what the spec says and nothing
else: its summary, its path parameters (type, enum values), its query, header and
cookie parameters (type, enum, default, a required mark, the first line of the
description), and its body fields (JSON or form) with types, required marks and
nesting as HTTPie's syntax spells it::

    usage: explorer repos get OWNER REPO [ITEM...] [--all]
      GET /repos/:owner/:repo
      Get a repository
    path parameters:
      OWNER  string  The account owner of the repository. The name is not case sensitive.
      REPO   string  The name of the repository without the `.git` extension.

For a route from a LabOS ``/discover`` listing, a GET lists LabOS's read
conventions (``sort, limit, skip, fields``; filters); a routes file's route shows its
declared query names and body schema.  In the shell, field names learned from
answers and bodies are added.  Every piece of text from a document or a server is
shown with its control characters escaped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from explorer.errors import UsageError
from explorer.registry.model import arg_name
from explorer.render.text import one_line

#: what every LabOS list route understands (named for its /discover routes only)
READ_PARAMS = ("sort", "limit", "skip", "fields")
#: wrap field lists at this width
WIDTH = 88
#: body fields listed at most (a document may declare thousands)
MAX_FIELDS = 200


def command_help(
    entry,
    *,
    prog: str = "",
    flags: Sequence[str] = (),
    seen: Sequence[str] = (),
    seen_title: str = "",
) -> str:
    """The help text of ``entry`` (a registry Entry).  ``prog`` goes before the usage
    (``"explorer "``), ``flags`` after it (``["--all"]``); ``seen`` are field names
    learned from answers or earlier bodies, listed under ``seen_title``."""
    route = entry.route
    operation = route.operation
    usage = " ".join([f"usage: {prog}{entry.usage}", "[ITEM...]", *flags])
    lines = [usage, f"  {entry.method} {route.path}"]
    summary = route.summary
    if summary:
        lines.append(f"  {summary}")
    if operation is not None and operation.deprecated:
        lines.append("  (deprecated)")
    params = list(entry.params)
    if operation is not None:
        lines += _spec_sections(entry, operation)
    else:
        if params:
            rows = [(arg_name(p, params), _param_form(p, route.path)) for p in params]
            lines += ["path parameters:", *_table(rows)]
        if route.query_params:
            lines += ["query parameters:", *_wrapped(route.query_params)]
        elif route.read_conventions:
            lines += [
                "query parameters:",
                "  " + ", ".join(READ_PARAMS) + "; filters on fields (name=v, name>v, ...)",
            ]
    if seen:
        lines += [seen_title or "fields:", *_wrapped(seen)]
    if operation is None:
        schema = route.body_schema if isinstance(route.body_schema, dict) else {}
        props = schema.get("properties")
        if isinstance(props, dict) and props:
            required = set(schema.get("required") or ())
            rows = [
                (key, _type_text(prop) + (" (required)" if key in required else ""))
                for key, prop in props.items()
            ]
            lines += ["body fields:", *_table(rows)]
    # Paths, summaries, names and types come from the server: shown escaped.
    return "\n".join(one_line(line) for line in lines)


def _spec_sections(entry, operation) -> list[str]:
    lines: list[str] = []
    if not operation.available:
        return ["  (the spec data of this route could not be read: `refresh` reads it again)"]
    params = list(entry.params)
    if params:
        rows = []
        for name in params:
            p = operation.param("path", name) or {}
            rows.append((arg_name(name, params), _param_cells(operation, p, path=True)))
        lines += ["path parameters:", *_table3(rows)]
    for location, title in (("query", "query parameters:"), ("header", "header parameters:"),
                            ("cookie", "cookie parameters:")):
        found = operation.params_in(location)
        if found:
            rows = [(str(p.get("name")), _param_cells(operation, p)) for p in found]
            lines += [title, *_table3(rows)]
    body = operation.body
    if body is not None:
        media = body.get("media") if isinstance(body.get("media"), str) else "?"
        required = " (required)" if body.get("required") else ""
        rows = []
        all_fields = operation.body_fields()
        for f in all_fields[:MAX_FIELDS]:
            kind = operation.type_text(f.schema) or "any"
            mark = " (required)" if f.required and not f.read_only else ""
            mark += " (read-only)" if f.read_only else ""
            rows.append(("  " * f.depth + f.path, (kind + mark, "")))
        if rows:
            lines.append(f"body fields ({media}){required}:")
            lines += _table3(rows)
            if len(all_fields) > MAX_FIELDS:
                lines.append(f"  … {len(all_fields) - MAX_FIELDS} more")
        else:
            kind = operation.type_text(operation.body_schema) or "any"
            lines.append(f"body ({media}){required}: {kind}")
    return lines


def _param_cells(operation, p: dict, *, path: bool = False) -> tuple[str, str]:
    """(type and marks, description) of one parameter."""
    schema = p.get("schema", {})
    kind = operation.type_text(schema) or "any"
    marks = []
    if p.get("required") and not path:
        marks.append("required")
    view = operation.view(schema)
    if view.has_default:
        marks.append(f"default {_value(view.default)}")
    if p.get("deprecated"):
        marks.append("deprecated")
    text = kind + (f" ({', '.join(marks)})" if marks else "")
    description = p.get("description") if isinstance(p.get("description"), str) else ""
    return text, description


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 30 else text[:29] + "…"


def _param_form(param: str, path: str) -> str:
    """How the parameter appears in the pattern: ``:id``, ``*`` (Express 4's unnamed
    wildcard) or ``*rest`` (an Express 5 wildcard)."""
    if param.isdigit():
        return "*"
    if f"*{param}" in path or f'*"{param}"' in path:
        return f"*{param}"
    return f":{param}"


def _type_text(prop: Any) -> str:
    """A routes file's JSON Schema property type (see :func:`explorer.spec.schema.type_text`)."""
    from explorer.spec.schema import type_text

    return type_text(prop)


def _table(rows: Sequence[tuple[str, str]]) -> list[str]:
    """Two columns, the first padded to its longest cell."""
    width = max(len(name) for name, _ in rows) + 2
    return [f"  {name:<{width}}{value}".rstrip() for name, value in rows]


def _table3(rows: Sequence[tuple[str, tuple[str, str]]]) -> list[str]:
    """Three columns (name, type, description), padded to their longest cells (a type
    column of more than 40 characters is not padded past that)."""
    width = max(len(name) for name, _ in rows) + 2
    kinds = min(40, max(len(kind) for _, (kind, _d) in rows))
    out = []
    for name, (kind, description) in rows:
        line = f"  {name:<{width}}{kind:<{kinds}}  {description}" if description else (
            f"  {name:<{width}}{kind}")
        out.append(line.rstrip())
    return out


def _wrapped(names: Sequence[str], width: int = WIDTH) -> list[str]:
    """``names`` joined by commas, in lines of at most ``width`` (indented)."""
    lines: list[str] = []
    current = ""
    for name in names:
        piece = f"{current}, {name}" if current else name
        if current and len(piece) + 2 > width:
            lines.append("  " + current + ",")
            piece = name
        current = piece
    if current:
        lines.append("  " + current)
    return lines


# -- groups ------------------------------------------------------------------------------


def group_entries(registry, words: Sequence[str]) -> tuple[list, str | None]:
    """The entries of the group ``words``: the commands whose names start with them,
    else, for one word, the operations the API description tags with it.  Returns
    ``(entries, tag description)``."""
    from explorer.registry.naming import fold_words

    key = fold_words(list(words))
    entries = [e for e in registry.entries if fold_words(e.command[: len(words)]) == key]
    tag = None
    if len(words) == 1:
        tagged = [e for e in registry.entries if any(t.lower() == key for t in e.route.tags)]
        if tagged:
            tag = next(t for t in tagged[0].route.tags if t.lower() == key)
            if not entries:
                entries = tagged
    description = None
    if tag is not None:
        document = registry.document
        description = document.tag_description(tag) if document is not None else None
    entries.sort(key=lambda e: e.command)
    return entries, description


def is_group(registry, words: Sequence[str]) -> bool:
    """True when ``words`` start longer command names without being one
    (``instruments commands``), or are one tag of the API description that is not
    a command."""
    if not words:
        return False

    words = list(words)
    try:
        _entry, rest = registry.lookup_command(words)
    except UsageError:
        return bool(registry.commands_starting(words)) or bool(group_entries(registry, words)[0])
    return bool(rest) and bool(registry.commands_starting(words))


def group_help(registry, words: Sequence[str], *, prog: str = "") -> str:
    """Every command of the group ``words``, with its usage, route and summary: the one
    text of ``explorer GROUP`` (``prog="explorer "``) and the shell's ``help GROUP``.
    ``COMMAND --help`` works in both, so that is the hint."""
    entries, description = group_entries(registry, words)
    typed = " ".join(words)
    lines = []
    if description:
        lines.append(f"{typed}: {description}")
    lines += [f"usage: {prog}{typed} COMMAND [ARG...] [ITEM...] [-v] [--all]", "",
              f"commands ({len(entries)}; COMMAND --help shows one):"]
    if entries:
        width = min(60, max(len(e.usage) for e in entries))
        pwidth = min(50, max(len(e.route.path) for e in entries))
        for e in entries:
            line = f"  {e.usage:<{width}}  {e.method:<6} {e.route.path}"
            if e.route.summary:
                line = f"{line:<{width + pwidth + 12}} {e.route.summary}"
            lines.append(line.rstrip())
    return "\n".join(one_line(line) for line in lines)


def summary_line(entry) -> str | None:
    """``repos: Get a repository``: the first tag and the summary of a command (for the
    shell's toolbar), or None when the route has neither."""
    route = entry.route
    parts = [p for p in ((route.tags[0] if route.tags else None), route.summary) if p]
    if not parts:
        return None
    return one_line(": ".join(parts))[:90]
