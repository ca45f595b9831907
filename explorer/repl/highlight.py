"""Syntax highlighting of the input line: a small pygments lexer and the shell's style.

``get /public/v1/instruments sort=-name {{pid}}``: the verb or command, the path,
item names and separators, values, ``{{variables}}`` and a trailing JSON body each get
their own token type.
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, using
from pygments.lexers.data import JsonLexer
from pygments.token import (
    Keyword,
    Name,
    Operator,
    String,
    Text,
    Whitespace,
)

from explorer.items.syntax import SEP_EMPTY_HEADER, SEPARATORS
from explorer.repl.commands import BUILTINS
from explorer.repl.vocabulary import VERBS

_VERBS = "|".join(VERBS)
_SHELL = "|".join(BUILTINS)
# The request items' separators, longest first (``:=@`` before ``:=`` before ``:``);
# ``;`` only ends an item, so it never starts a value.
_SEPARATORS = sorted((s for s in SEPARATORS if s != SEP_EMPTY_HEADER), key=len, reverse=True)
_SEP = "(" + "|".join(map(re.escape, _SEPARATORS)) + ")"
_KEY = "([^\\s" + re.escape("".join(sorted(set("".join(_SEPARATORS))))) + "'\"{]+)"


class ShellLexer(RegexLexer):
    name = "explorer shell"
    aliases = ["explorer-shell"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (rf"(?i)({_VERBS})(?=\s|$)", Keyword, "args"),
            (rf"({_SHELL})(?=\s|$)", Name.Builtin, "args"),
            (r"[^\s]+", Name.Function, "args"),
        ],
        "args": [
            (r"\s+", Whitespace),
            (r"\{\{[^{}]*\}\}", Name.Variable),
            (r"(?s)(\{(?!\{)|\[(?=\s*[\[{\"\]]))(.*)", bygroups(Operator, using(JsonLexer))),
            (r"/[^\s{]*", Name.Tag),
            (_KEY + _SEP, bygroups(Name.Attribute, Operator), "value"),
            (r"'[^']*'?|\"(?:[^\"\\]|\\.)*\"?", String),
            (r"[^\s{]+|\{", Text),
        ],
        "value": [
            (r"\{\{[^{}]*\}\}", Name.Variable),
            (r"'[^']*'?|\"(?:[^\"\\]|\\.)*\"?", String),
            (r"[^\s{'\"]+|\{", String),
            (r"(?=\s)|$", Text, "#pop"),
        ],
    }
