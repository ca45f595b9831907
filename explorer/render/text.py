"""Text from outside (typed words, server messages) made safe to print as one line.

An error message quotes what the user typed or what the server said; a carriage
return, a line feed or an escape sequence in it would break the one-line error, or
rewrite the terminal.  :func:`one_line` shows such characters escaped instead::

    one_line("0@\\r: no such file")  ->  "0@\\\\r: no such file"

:func:`for_terminal` is the same for a whole body shown on a terminal: line feeds and
tabs stay, a CRLF line end is a line end, every other control character is escaped.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, and the Unicode line and paragraph separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every control character written as its escape (``\\r``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


#: what a body shown on a terminal may not carry as is (all but \t and \n)
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """``text`` with its control characters escaped, line feeds and tabs kept."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _TERMINAL_UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return match[0].encode("unicode_escape").decode("ascii")
