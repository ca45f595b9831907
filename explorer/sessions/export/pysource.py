"""Python for the exports (the python and locust formats): every value a literal.

A value from a session is a ``repr`` (a string, a number, a key), never text inside a
docstring, an f-string or a comment (:func:`explorer.sessions.export.plan.one_line`
keeps comments on one line).  A reference is a name (a global, ``self.v['x']``) wrapped
in one of the helpers of :data:`HELPERS` that says how its value goes in: ``segment``
(a path segment: percent-encoded, ``.``, ``..`` and empty refused), ``quote``,
``quote_plus``, ``text`` and ``same_type`` (a captured id keeps the JSON type the
session used).  A string with references is a ``+`` of literals and those calls.
"""

from __future__ import annotations

import json
import keyword
import math
from collections.abc import Callable
from typing import Any

from explorer.errors import SessionError
from explorer.sessions.export.plan import (
    FORM,
    JSON,
    QUERY,
    SEGMENT,
    FileBody,
    JsonBody,
    MultipartBody,
    Ref,
    Step,
    Template,
    TextBody,
)

#: a JSON body nested deeper than this is written as ``json.loads('...')``
PRETTY_DEPTH = 20

#: The helpers every Python export carries (after ``import json, os, sys`` and
#: ``from urllib.parse import quote, quote_plus``); the format defines ``fail(message)``,
#: what a refused value does (the python script exits, a locust step fails).
HELPERS = '''

def var(name):
    return os.environ.get('EXPLORER_VAR_' + name.upper(), '')


def text(value):
    # a captured value as text: a string as it is, anything else as JSON
    return value if isinstance(value, str) else json.dumps(value)


def segment(value, label):
    # a captured id as one path segment: percent-encoded; '', '.' and '..' would name
    # another resource (DELETE /items/..), so they stop the run
    value = text(value)
    if value in ('', '.', '..'):
        fail(f'{label}: refusing {value!r} as a path segment')
    return quote(value, safe='')


def same_type(value, number):
    # a captured id in a JSON body keeps the type the session used: a number stays one
    if not number:
        return text(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value
'''

#: names a script defines itself: a captured value never takes one of them
_TAKEN = frozenset({
    "json", "os", "sys", "requests", "quote", "quote_plus", "var", "text", "segment",
    "same_type", "auth_headers", "hidden", "check", "send", "url", "data", "files", "body",
    "headers", "r", "parsed", "SESSION", "RECORDED_URL", "RECORDED_FILES", "API_ROOT",
    "TOKEN", "API_KEY", "PASSWORD", "COOKIE", "FILES", "SECRET_FIELDS", "threading",
    "contextmanager", "HttpUser", "SequentialTaskSet", "between", "task", "self",
})  # fmt: skip


def name(text: str) -> str:
    """A captured value's name as a Python identifier of its own."""
    if keyword.iskeyword(text) or text in _TAKEN or not text.isidentifier():
        return f"v_{text}" if text.isidentifier() else "v_" + "".join(
            c if c.isalnum() else "_" for c in text)
    return text


def literal(value: Any) -> str:
    """A JSON scalar or a string as a Python literal."""
    if isinstance(value, float) and not math.isfinite(value):
        raise SessionError(f"{value!r} is not a JSON number")
    return repr(value)


class Source:
    """Python expressions for a step's parts; ``ref(r)`` is the plain expression of a
    reference's value (a global, ``self.v['x']``), which :meth:`use` wraps by its
    encoding."""

    def __init__(self, ref: Callable[[Ref], str], label: str) -> None:
        self.ref = ref
        self.label = literal(label)

    def use(self, ref: Ref, encoding: str | None = None) -> str:
        encoding = encoding or ref.encoding
        value = self.ref(ref)
        if encoding == SEGMENT:
            return f"segment({value}, {self.label})"
        if encoding == QUERY:
            return f"quote(text({value}), safe='')"
        if encoding == FORM:
            return f"quote_plus(text({value}))"
        if encoding == JSON:
            return f"same_type({value}, {ref.number})"
        return f"text({value})"

    def string(self, template: Template | str) -> str:
        if isinstance(template, str):
            return literal(template)
        parts = [literal(p) if isinstance(p, str) else self.use(p) for p in template]
        return " + ".join(parts) if parts else "''"

    def value(self, value: Any, indent: int = 0) -> str:
        """A JSON body as a Python expression, pretty when it is shallow."""
        if _depth(value) > PRETTY_DEPTH:
            if any(True for _ in _refs(value)):
                raise SessionError("a JSON body with references is nested too deeply")
            return f"json.loads({literal(json.dumps(value, ensure_ascii=False))})"
        return self._value(value, indent)

    def _value(self, value: Any, indent: int) -> str:
        if isinstance(value, Ref):
            return self.use(value, JSON)
        if isinstance(value, Template | str):
            return self.string(value)
        if isinstance(value, dict | list):
            if not value:
                return "{}" if isinstance(value, dict) else "[]"
            pad = " " * (indent + 4)
            if isinstance(value, dict):
                items = [f"{pad}{literal(str(k))}: {self._value(v, indent + 4)},"
                         for k, v in value.items()]
                opening, closing = "{", "}"
            else:
                items = [f"{pad}{self._value(v, indent + 4)}," for v in value]
                opening, closing = "[", "]"
            return opening + "\n" + "\n".join(items) + "\n" + " " * indent + closing
        return literal(value)  # numbers, True/False/None

    def request(self, step: Step, url: str, auth: str) -> tuple[list[str], list[str]]:
        """Lines that set ``url`` (to ``url``, an expression), ``data``/``files``/
        ``body`` and ``headers`` (``auth``, an expression, under the recorded ones), and
        the keyword arguments that send the request."""
        lines = [f"url = {url}"]
        kwargs = []
        body = step.body
        if isinstance(body, JsonBody):
            lines.append(f"data = {self.value(body.value)}")
            kwargs.append("json=data")
        elif isinstance(body, MultipartBody):
            fields = {k: v for k, v in body.fields}
            lines.append(f"data = {self._value(fields, 0)}")
            lines.append("files = [")
            for upload in body.files:
                lines.append(
                    f"    ({literal(upload.field)}, ({literal(upload.filename)}, "
                    f"open(os.path.join(FILES, {literal(upload.file)}), 'rb'), "
                    f"{literal(upload.type)})),"
                )
            lines.append("]")
            kwargs += ["data=data", "files=files"]
        elif isinstance(body, TextBody):
            lines.append(f"body = ({self.string(body.text)}).encode()")
            kwargs.append("data=body")
        elif isinstance(body, FileBody):
            lines.append(f"body = open(os.path.join(FILES, {literal(body.file)}), 'rb').read()")
            kwargs.append("data=body")
        if step.headers:
            recorded = self._value({k: v for k, v in step.headers}, 0)
            lines.append(f"headers = {{**{auth}, **{recorded}}}")
        else:
            lines.append(f"headers = {auth}")
        kwargs.append("headers=headers")
        return lines, kwargs


def path(keys: tuple) -> str:
    """``parsed['data'][0]['id']``'s subscripts."""
    return "".join(f"[{literal(k)}]" for k in keys)


def _depth(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        nxt = []
        for node in level:
            if isinstance(node, dict):
                nxt.extend(node.values())
            elif isinstance(node, list):
                nxt.extend(node)
        level = nxt
    return depth - 1


def _refs(value: Any):
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            yield node
        elif isinstance(node, Template):
            yield from node.refs
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
