"""How deep a JSON (or TOML, or flow-style YAML) text nests, for the one line that
refuses it: ``nested 100,000 levels deep``.

Python's parsers stop with a ``RecursionError`` somewhere near a thousand levels and do
not say how deep the text went.  :func:`depth` counts it without parsing: brackets and
braces outside strings, in one linear pass (only on the error path, so its cost is paid
when a document is refused, never when one is read).
"""

from __future__ import annotations

import re

#: a JSON string (its escapes included), or one bracket or brace
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


def depth(text: str | bytes) -> int:
    """The deepest nesting of ``[``/``{`` in ``text``, strings skipped."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    level = deepest = 0
    for match in _TOKENS.finditer(data):
        token = match[0]
        if token in (b"[", b"{"):
            level += 1
            if level > deepest:
                deepest = level
        elif token in (b"]", b"}"):
            level = max(0, level - 1)
    return deepest


def too_deep(text: str | bytes) -> str:
    """``nested 100,000 levels deep``, or ``nested too deeply`` when the brackets do
    not tell (a YAML document in block style)."""
    levels = depth(text)
    return f"nested {levels:,} levels deep" if levels > 100 else "nested too deeply"
