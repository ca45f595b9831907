"""Syntax highlighting of the input line: a small pygments lexer and the shell's style.

``get /public/v1/instruments sort=-name {{pid}}``: the verb or command, the path,
item names and separators, values, ``{{variables}}`` and a trailing JSON body each get
their own token type.
"""

from __future__ import annotations

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

from explorer.repl.vocabulary import SHELL_COMMANDS, VERBS

_VERBS = "|".join(VERBS)
_SHELL = "|".join(SHELL_COMMANDS)
_SEP = r"(:=@|=@|==|:=|>=|<=|!=|=|:|@|>|<)"


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
            (r"([^\s=:@<>!'\"{]+)" + _SEP, bygroups(Name.Attribute, Operator), "value"),
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
