"""HTTPie 3's nested JSON syntax for field names.

::

    name=x               {"name": "x"}
    a[b][c]=x            {"a": {"b": {"c": "x"}}}
    tags[]=x tags[]=y    {"tags": ["x", "y"]}
    a[1]=x               {"a": [null, "x"]}
    [0]=x   []=y         ["x", "y"]            (a top-level array)
    a\\[b\\]=x             {"a[b]": "x"}         (escaped brackets are literal)
    a[\\1]=x              {"a": {"1": "x"}}     (an escaped number is a key)

Grammar::

    path   := root step*
    root   := TEXT | NUMBER | "[" NUMBER "]" | "[" "]"
    step   := "[" TEXT "]" | "[" NUMBER "]" | "[" "]"

A repeated plain key is overwritten (the last one wins), as in HTTPie.  Errors carry
the column of the bad token in the item, for a caret.
"""

from __future__ import annotations

import enum
from typing import Any

from explorer.errors import ItemError
from explorer.items.syntax import Char, Item
from explorer.record import Frozen, setfield

#: an index past this is refused rather than filling memory with nulls
MAX_INDEX = 100_000


class Action(enum.Enum):
    KEY = "key"
    INDEX = "index"
    APPEND = "append"


class _Tok(enum.Enum):
    LEFT = "'['"
    RIGHT = "']'"
    TEXT = "a name"
    NUMBER = "a number"


class _Token(Frozen):
    __slots__ = ("end", "kind", "start", "value")
    _fields = ("kind", "value", "start", "end")

    kind: _Tok
    value: Any
    start: int  # column in the item's text
    end: int

    def __init__(self, kind: _Tok, value: Any, start: int, end: int) -> None:
        setfield(self, "kind", kind)
        setfield(self, "value", value)
        setfield(self, "start", start)
        setfield(self, "end", end)


class Step(Frozen):
    """One step of a path: ``[b]`` (KEY), ``[0]`` (INDEX) or ``[]`` (APPEND)."""

    __slots__ = ("accessor", "action", "end", "start")
    _fields = ("action", "accessor", "start", "end")

    action: Action
    accessor: str | int | None
    start: int
    end: int

    def __init__(self, action: Action, accessor: str | int | None, start: int,
                 end: int) -> None:
        setfield(self, "action", action)
        setfield(self, "accessor", accessor)
        setfield(self, "start", start)
        setfield(self, "end", end)

    def text(self) -> str:
        if self.action is Action.APPEND:
            return "[]"
        return f"[{self.accessor}]"


def _tokens(chars: list[Char]) -> list[_Token]:
    out: list[_Token] = []
    buffer: list[Char] = []

    def flush() -> None:
        if not buffer:
            return
        raw = "".join(c.char for c in buffer)
        start, end = buffer[0].column, buffer[-1].column + 1
        any_escaped = any(c.escaped for c in buffer)
        if not any_escaped and raw.isascii() and raw.isdigit():
            out.append(_Token(_Tok.NUMBER, int(raw), start, end))
        elif not any_escaped and raw.startswith("\\") and raw[1:].isascii() and raw[1:].isdigit():
            out.append(_Token(_Tok.TEXT, raw[1:], start, end))
        else:
            out.append(_Token(_Tok.TEXT, raw, start, end))
        buffer.clear()

    for c in chars:
        if not c.escaped and c.char in "[]":
            flush()
            kind = _Tok.LEFT if c.char == "[" else _Tok.RIGHT
            out.append(_Token(kind, c.char, c.column, c.column + 1))
        else:
            buffer.append(c)
    flush()
    return out


def parse_path(item: Item, key_chars: list[Char]) -> list[Step]:
    """The steps of the field name of ``item`` (``key_chars`` from :func:`split_item`)."""
    tokens = _tokens(key_chars)
    cursor = 0
    end_column = key_chars[-1].column + 1 if key_chars else 0

    def expect(*kinds: _Tok) -> _Token:
        nonlocal cursor
        if cursor < len(tokens):
            token = tokens[cursor]
            cursor += 1
            if token.kind in kinds:
                return token
            position = token.start
            got = f"{token.value!r}" if token.kind is _Tok.TEXT else token.kind.value
        else:
            position, got = end_column, "the end of the name"
        wanted = " or ".join(k.value for k in kinds)
        raise ItemError(
            f"request item {item.text!r}: bad field name: expected {wanted}, got {got}",
            text=item.text,
            position=position,
        )

    steps: list[Step] = []
    first = expect(_Tok.TEXT, _Tok.NUMBER, _Tok.LEFT)
    if first.kind is _Tok.LEFT:
        inner = expect(_Tok.NUMBER, _Tok.RIGHT)
        if inner.kind is _Tok.RIGHT:
            steps.append(Step(Action.APPEND, None, first.start, inner.end))
        else:
            close = expect(_Tok.RIGHT)
            steps.append(Step(Action.INDEX, inner.value, first.start, close.end))
    else:
        raw = "".join(c.char for c in key_chars if first.start <= c.column < first.end)
        steps.append(
            Step(
                Action.KEY,
                raw if first.kind is _Tok.NUMBER else first.value,
                first.start,
                first.end,
            )
        )
    while cursor < len(tokens):
        left = expect(_Tok.LEFT)
        inner = expect(_Tok.TEXT, _Tok.NUMBER, _Tok.RIGHT)
        if inner.kind is _Tok.RIGHT:
            steps.append(Step(Action.APPEND, None, left.start, inner.end))
            continue
        close = expect(_Tok.RIGHT)
        action = Action.INDEX if inner.kind is _Tok.NUMBER else Action.KEY
        steps.append(Step(action, inner.value, left.start, close.end))
    for step in steps:
        if step.action is Action.INDEX and step.accessor > MAX_INDEX:  # type: ignore[operator]
            raise ItemError(
                f"request item {item.text!r}: index {step.accessor} is over the limit of "
                f"{MAX_INDEX}",
                text=item.text,
                position=step.start + 1,
            )
    return steps


_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def path_text(steps: list[Step]) -> str:
    """``a[b][0]`` for the steps of that name (a root key is written bare)."""
    parts = [s.text() for s in steps]
    if steps and steps[0].action is Action.KEY:
        parts[0] = str(steps[0].accessor)
    return "".join(parts)


def assign(document: Any, item: Item, steps: list[Step], value: Any) -> Any:
    """Set ``value`` at ``steps`` inside ``document`` (None: start one); return the document."""
    if document is None:
        document = {} if steps[0].action is Action.KEY else []
    cursor = document
    for index, step in enumerate(steps):
        wanted = dict if step.action is Action.KEY else list
        if not isinstance(cursor, wanted):
            where = repr(path_text(steps[:index])) if index else "the body"
            found = _TYPE_NAMES.get(type(cursor), type(cursor).__name__)
            need = "an object" if wanted is dict else "an array"
            raise ItemError(
                f"request item {item.text!r}: {path_text(steps[: index + 1])!r} needs "
                f"{where} to be {need}, but it is {found}",
                text=item.text,
                position=step.start,
            )
        if index == len(steps) - 1:
            _set(cursor, step, value)
            break
        fresh: Any = {} if steps[index + 1].action is Action.KEY else []
        if step.action is Action.KEY:
            cursor = cursor.setdefault(step.accessor, fresh)
        elif step.action is Action.INDEX:
            position = step.accessor
            cursor.extend([None] * (position - len(cursor) + 1))
            if cursor[position] is None:
                cursor[position] = fresh
            cursor = cursor[position]
        else:
            cursor.append(fresh)
            cursor = cursor[-1]
    return document


def _set(cursor: Any, step: Step, value: Any) -> None:
    if step.action is Action.KEY:
        cursor[step.accessor] = value
    elif step.action is Action.INDEX:
        position = step.accessor
        cursor.extend([None] * (position - len(cursor) + 1))
        cursor[position] = value
    else:
        cursor.append(value)
