"""The help of one generated command, shared by ``explorer COMMAND --help`` and the
shell's ``help COMMAND``: usage, route, path parameters, query parameters and body
fields, from the route (a routes file or an OpenAPI document) and, in the shell, from
what earlier answers and bodies showed.

    usage: explorer experiment create [ITEM...]
      POST /api/generic/experiment
      Create an experiment
    body fields:
      name         string (required)
      protocol_id  integer
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from explorer.registry.model import arg_name
from explorer.render.text import one_line

#: what every LabOS list route understands (named when a route declares no query)
READ_PARAMS = ("sort", "limit", "skip", "fields")
#: wrap field lists at this width
WIDTH = 88


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
    usage = " ".join([f"usage: {prog}{entry.usage}", "[ITEM...]", *flags])
    lines = [usage, f"  {entry.method} {route.path}"]
    if route.summary:
        lines.append(f"  {route.summary}")
    params = list(entry.params)
    if params:
        rows = [(arg_name(p, params), _param_form(p, route.path)) for p in params]
        lines += ["path parameters:", *_table(rows)]
    if route.query_params:
        lines += ["query parameters:", *_wrapped(route.query_params)]
    elif entry.method == "GET":
        lines += [
            "query parameters:",
            "  " + ", ".join(READ_PARAMS) + "; filters on fields (name=v, name>v, ...)",
        ]
    if seen:
        lines += [seen_title or "fields:", *_wrapped(seen)]
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


def _param_form(param: str, path: str) -> str:
    """How the parameter appears in the pattern: ``:id``, ``*`` (Express 4's unnamed
    wildcard) or ``*rest`` (an Express 5 wildcard)."""
    if param.isdigit():
        return "*"
    if f"*{param}" in path or f'*"{param}"' in path:
        return f"*{param}"
    return f":{param}"


def _type_text(prop: Any) -> str:
    """A JSON Schema property's type: ``string``, ``string|null``, ``array of integer``."""
    if not isinstance(prop, dict):
        return ""
    kind = prop.get("type")
    if isinstance(kind, list):
        text = "|".join(str(k) for k in kind)
    elif isinstance(kind, str):
        text = kind
    elif "enum" in prop and isinstance(prop["enum"], list):
        text = "one of " + ", ".join(str(v) for v in prop["enum"][:6])
    else:
        text = ""
    items = prop.get("items")
    if text == "array" and isinstance(items, dict) and _type_text(items):
        text = f"array of {_type_text(items)}"
    return text


def _table(rows: Sequence[tuple[str, str]]) -> list[str]:
    """Two columns, the first padded to its longest cell."""
    width = max(len(name) for name, _ in rows) + 2
    return [f"  {name:<{width}}{value}".rstrip() for name, value in rows]


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
