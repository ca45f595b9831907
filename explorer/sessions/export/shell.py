"""Bash for the exports: every value a literal, every reference a variable.

A value from a session is one single-quoted word (:func:`literal`, ``shlex.quote``):
bash expands nothing inside single quotes, so ``$(touch x)``, backquotes, ``"`` and
newlines are just characters.  A reference is a double-quoted ``"$NAME"`` right beside
it, in the same word (``'/items/'"$E1"``); no value is ever put inside double quotes or
a ``${VAR:-default}``.  Values the script computes (an id as a path segment, a password
inside a JSON string) are encoded by one small Python helper the script carries
(:data:`HELPER`), never by the shell.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

from explorer.auth import exports
from explorer.errors import SessionError

#: the environment variables a script takes credentials from; without EXPLORER_URL
#: (the server the session names) a script given any of them stops (curl and python)
CREDENTIAL_ENV = tuple(dict.fromkeys([
    *(e.env for e in exports()),
    "EXPLORER_PASSWORD", "EXPLORER_COOKIE",
]))


def literal(text: str) -> str:
    """``text`` as one shell word that stands for exactly ``text``."""
    if "\x00" in text:
        raise SessionError("a value holds a NUL character, which no shell word can carry")
    return shlex.quote(text)


def word(parts: Iterable[str | Var]) -> str:
    """One shell word: literal text single-quoted, variables as ``"$NAME"``."""
    out = [literal(p) if isinstance(p, str) else f'"${p.name}"' for p in parts if p != ""]
    return "".join(out) or "''"


class Var:
    """A shell variable, in a word."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def variable(name: str) -> str:
    """A placeholder's or capture's name as a shell variable name."""
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in name).upper()


#: The script's encoder: ``python3 -c "$HELPER" OP MODE VALUE LABEL``.  OP ``at`` reads a
#: JSON answer on stdin and takes the value at the JSON path VALUE; ``json`` takes VALUE
#: as JSON, ``text`` as text.  MODE says how the value goes in (plan's encodings, and
#: ``json-inner``: inside a JSON string).  The output ends in "." so that $(...) keeps
#: trailing newlines; the caller strips it.
HELPER = '''import json, sys, urllib.parse
op, mode, value, label = sys.argv[1:5]
def fail(message):
    sys.stderr.write(label + ": " + message + "\\n")
    sys.exit(1)
if op == "at":
    try:
        answer = json.loads(sys.stdin.buffer.read())
        for key in json.loads(value):
            answer = answer[key]
    except (ValueError, LookupError, TypeError):
        fail("the answer has no value at " + value)
    value = answer
elif op == "json":
    value = json.loads(value)
text = value if isinstance(value, str) else json.dumps(value)
if mode == "json":
    out = json.dumps(value)
elif mode == "segment":
    if text in ("", ".", ".."):
        fail("refusing " + json.dumps(text) + " as a path segment")
    out = urllib.parse.quote(text, safe="")
elif mode == "query":
    out = urllib.parse.quote(text, safe="")
elif mode == "form":
    out = urllib.parse.quote_plus(text)
elif mode == "json-inner":
    out = json.dumps(text)[1:-1]
elif mode == "json-string":
    out = json.dumps(text)
elif mode == "json-number":
    digits = isinstance(value, str) and value.isascii() and value.isdigit()
    out = json.dumps(int(value) if digits else value)
else:
    out = text
sys.stdout.write(out + ".")
'''


def assign(name: str, command: str) -> list[str]:
    """``NAME=$(command)`` (a failure stops the script, under ``set -e``), then the
    helper's trailing "." stripped."""
    return [f"{name}=$({command})", f"{name}=${{{name}%.}}"]
