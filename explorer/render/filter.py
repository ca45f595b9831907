"""Filtering answers with JMESPath: ``--filter EXPR`` and the shell's ``... | EXPR``.

JMESPath (the ``jmespath`` package, as restish and the AWS CLI use it) is a query
language over JSON with a specification and compliance tests: ``data[].name``,
``data[?status=='idle'].{id: id, name: name}``, ``length(data)``.  An expression is
pure data: it can select, project and compute, never run code or read a file.

* :func:`compile_filter`: the expression parsed once, before any request is sent, so
  a typo costs no round trip; a bad one is a usage error with a caret under the
  position JMESPath names.
* :func:`apply_filter`: the expression over an answer's parsed JSON; a type error
  (``abs('x')``) is one line.
* :func:`filter_keys`: what may follow the expression typed so far, from the keys of
  an answer (the shell completes ``data[].`` with the items' field names).
"""

from __future__ import annotations

import json
import re
from typing import Any

from explorer.errors import ExplorerError, ItemError

#: items of a list looked at for their keys (a huge answer costs no more than this)
KEYS_SAMPLE = 200
_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$|$")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


class FilterError(ItemError):
    """A JMESPath expression that does not parse (``text``/``position`` for the caret)."""


class FilterTypeError(ExplorerError):
    """A JMESPath expression that does not apply to the answer (``abs('x')``)."""


def compile_filter(text: str) -> Any:
    """``text`` parsed as JMESPath; :class:`FilterError` when it is not one."""
    import jmespath
    from jmespath.exceptions import JMESPathError, ParseError

    if not text.strip():
        raise FilterError("--filter: the expression is empty", text=text, position=0)
    try:
        return jmespath.compile(text)
    except ParseError as exc:
        position = exc.lex_position if isinstance(exc.lex_position, int) else len(text)
        reason = str(exc).splitlines()[0].removeprefix("Invalid jmespath expression: ")
        raise FilterError(f"--filter: not a JMESPath expression ({reason.rstrip(':')})",
                          text=text, position=position) from exc
    except JMESPathError as exc:
        raise FilterError(f"--filter: {str(exc).splitlines()[0]}", text=text,
                          position=len(text)) from exc
    except RecursionError as exc:
        raise FilterError("--filter: the expression is nested too deeply", text=text[:80],
                          position=0) from exc


def apply_filter(compiled: Any, data: Any) -> Any:
    """The result of the compiled expression over ``data``."""
    from jmespath.exceptions import JMESPathError

    try:
        return compiled.search(data)
    except JMESPathError as exc:
        raise FilterTypeError(f"--filter: {str(exc).splitlines()[0]}") from exc
    except RecursionError as exc:
        raise FilterTypeError("--filter: the answer is nested too deeply for it") from exc


def filter_keys(typed: str, data: Any) -> tuple[str, list[str]]:
    """What may complete the expression ``typed`` over ``data``: the partial name at
    its end, and the keys of what the expression before it selects (``data[].na`` ->
    ``("na", ["id", "name", ...])``); no keys when that part does not apply."""
    tail = _TAIL.search(typed)
    partial = tail[0] if tail else ""
    head = typed[: len(typed) - len(partial)]
    if head.endswith("."):
        base = head[:-1]
    elif head.strip() in ("", "|") or head.rstrip().endswith("|"):
        base = "@"
        if head.rstrip().endswith("|") and head.strip() != "|":
            base = head.rstrip()[:-1] or "@"
    else:
        return partial, []
    try:
        selected = apply_filter(compile_filter(base.strip() or "@"), data)
    except ExplorerError:
        return partial, []
    names = sorted(k for k in _keys(selected) if k.startswith(partial))
    return partial, [as_identifier(k) for k in names]


def as_identifier(key: str) -> str:
    """``key`` as JMESPath writes it: bare when it is an identifier, else quoted
    (``"a b"``); the quoted form escapes every control character."""
    if _IDENTIFIER.fullmatch(key):
        return key
    quoted = json.dumps(key, ensure_ascii=False)
    if _UNSAFE.search(quoted):
        quoted = json.dumps(key)
    return quoted


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {k for k in value if isinstance(k, str)}
    if isinstance(value, list):
        found: set[str] = set()
        for item in value[:KEYS_SAMPLE]:
            if isinstance(item, dict):
                found.update(k for k in item if isinstance(k, str))
        return found
    return set()
