"""Minimal quoting of query components.

A query component typed by the user goes on the wire as close to verbatim as the URL
syntax allows, so LabOS filters reach the server as written::

    >>> quote_query("updatedAt>2023-05-01")
    'updatedAt>2023-05-01'
    >>> quote_query("name=a b&c")
    'name=a%20b%26c'

Kept as they are: ASCII letters and digits, ``><=!@,:/-._~*$'()+;``, and ``%``
followed by two hex digits (an escape the user already wrote).  Everything else is
percent-encoded as UTF-8: space, ``&`` (it would split the component), ``#`` (it
would end the query), ``?``, quotes, brackets and braces, backslash, ``|``, ``^``,
backquote, control characters, non-ASCII, and a ``%`` that does not start an escape.

``<`` and ``>`` are not RFC 3986 query characters, but curl and Express pass them
through and the LabOS filter syntax depends on them (``updatedAt%3E2023-05-01``
would be a different query).  ``+`` is kept too: it is what the user typed, and
form decoders read it as a space, as they would from any other client.

Quoting is idempotent: quoting a quoted component changes nothing.
"""

from __future__ import annotations

import string

from explorer.routing.codec import is_escape

#: characters that go on the wire unchanged (besides valid ``%XX`` escapes)
QUERY_SAFE = frozenset(string.ascii_letters + string.digits + "><=!@,:/-._~*$'()+;")


def quote_query(text: str) -> str:
    """Percent-encode what cannot appear in a query component; keep the rest."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in QUERY_SAFE:
            out.append(ch)
        elif ch == "%" and is_escape(text, i):
            out.append(text[i : i + 3])
            i += 3
            continue
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def quote_query_key(text: str) -> str:
    """Like :func:`quote_query`, and ``=`` encoded too: a key ends at the first ``=``."""
    return quote_query(text).replace("=", "%3D")
