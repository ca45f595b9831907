"""Text from outside shown on a terminal: its control characters escaped, never obeyed.

A server controls a lot of what explorer shows: the reason phrase, header names and
values, route paths, command names and summaries from discovery, JSON keys and values,
error messages, HTML pages.  An escape sequence in any of them (an ``ESC ] 0`` title, an
``ESC ] 8`` hyperlink, a CSI that clears the screen, their one-byte C1 forms such as
U+009B) or a bare carriage return would act on the user's terminal.  Every front end
shows such text through this module, which writes each control character as its
escape instead (``\\x1b``, ``\\x9b``, ``\\r``):

* :func:`one_line`: for a name, a phrase or a message: every control character is
  escaped, line breaks too (``"0@\\r: no such file"`` -> ``"0@\\\\r: no such file"``).
* :func:`for_terminal`: for a whole body: line feeds and tabs stay, a CRLF line end is a
  line end, every other control character (C0, DEL, C1) is escaped.
* :func:`terminal_safe`: the last guard before the terminal, for text explorer has
  already put together (its own colours in it): SGR colour sequences
  (``ESC [ ... m``) stay, every other control character but line feeds and tabs is
  escaped.  The pager writer and the shell's messages apply it to all they write to a
  terminal, so a string that skipped the two above still cannot move the cursor, set
  the title or open a hyperlink.

Piped output never comes through here: a body piped stays byte for byte.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, and the Unicode line and paragraph separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: what a body shown on a terminal may not carry as is (all but \t and \n)
_BODY_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: what explorer's own terminal text may not carry: any control character but \t, \n,
#: the \r of a CRLF, and ESC starting an SGR sequence (a colour)
_SINK_UNSAFE = re.compile(
    "\x1b(?!\\[[0-9;]*m)|\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f\u2028\u2029]"
)


def _escape(match: re.Match[str]) -> str:
    return match[0].encode("unicode_escape").decode("ascii")


def has_control(text: str) -> bool:
    """Whether :func:`one_line` would change ``text``."""
    return _CONTROL.search(text) is not None


def one_line(text: str) -> str:
    """``text`` with every control character written as its escape (``\\r``, ``\\x1b``)."""
    return _CONTROL.sub(_escape, text)


def for_terminal(text: str) -> str:
    """``text`` with its control characters escaped, line feeds and tabs kept."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _BODY_UNSAFE.sub(_escape, text)


def terminal_safe(text: str) -> str:
    """``text`` (explorer's own output) with every control character escaped but line
    feeds, tabs, CRLF line ends and SGR colour sequences."""
    return _SINK_UNSAFE.sub(_escape, text)
