"""What kind of word is expected at the cursor (pgcli's ``suggest_type``, for REST).

Pure: :func:`suggest` reads the text before the cursor and a :class:`SuggestState`
(the current directory and the generated commands) and returns small frozen values
saying what may come next.  It never touches the network, the learned store or the
registry's trie; :mod:`.completer` turns each suggestion into candidates.

    >>> suggest("get /public/v1/ins", state=SuggestState())
    [Path(directory='/public/v1/', partial='ins', method='GET')]
    >>> suggest("get /public/v1/instruments sort=-na", state=SuggestState())
    [QueryValue(target=Target(method='GET', path='/public/v1/instruments'), key='sort', \
partial='-na', operator='=')]

Every suggestion's ``partial`` is the text the candidate replaces (the completer uses
``-len(partial)`` as the start position).  Arbitrary text never raises.
"""

from __future__ import annotations

import re

from explorer.items.syntax import (
    BODY_METHODS,
    FILTER_SEPARATORS,
    QUERY_METHODS,
    SEP_DATA,
    SEP_DATA_FILE,
    SEP_JSON,
    SEP_QUERY,
    find_separator,
)
from explorer.record import Frozen, setfield
from explorer.repl.commands import BUILTINS
from explorer.repl.index import CommandIndex
from explorer.repl.line import is_item, resolve_path, tokenize
from explorer.repl.vocabulary import VERBS

# -- the suggestion types ----------------------------------------------------------------


class Target(Frozen):
    """The request the line is building: a method and a concrete path."""

    __slots__ = ("method", "path")
    _fields = ("method", "path")

    def __init__(self, method: str, path: str) -> None:
        setfield(self, "method", method)
        setfield(self, "path", path)


class Keyword(Frozen):
    """The first word: a verb, a shell command or the first word of a generated command."""

    __slots__ = ("partial",)
    _fields = ("partial",)

    def __init__(self, partial: str) -> None:
        setfield(self, "partial", partial)


class Command(Frozen):
    """The next word of a generated command (``instruments`` -> ``list``, ``commands``)."""

    __slots__ = ("partial", "words")
    _fields = ("words", "partial")

    def __init__(self, words: tuple[str, ...], partial: str) -> None:
        setfield(self, "words", words)
        setfield(self, "partial", partial)


class Path(Frozen):
    """A path segment: what may follow ``directory`` (absolute, ends with ``/``)."""

    __slots__ = ("directory", "method", "partial")
    _fields = ("directory", "partial", "method")

    def __init__(self, directory: str, partial: str, method: str | None = None) -> None:
        setfield(self, "directory", directory)
        setfield(self, "partial", partial)
        setfield(self, "method", method)


class PathParamValue(Frozen):
    """A value for path parameter ``param``: ids of the list at ``collection``."""

    __slots__ = ("collection", "param", "partial")
    _fields = ("collection", "param", "partial")

    def __init__(self, collection: str, param: str, partial: str) -> None:
        setfield(self, "collection", collection)
        setfield(self, "param", param)
        setfield(self, "partial", partial)


class QueryKey(Frozen):
    __slots__ = ("partial", "target")
    _fields = ("target", "partial")

    def __init__(self, target: Target, partial: str) -> None:
        setfield(self, "target", target)
        setfield(self, "partial", partial)


class QueryValue(Frozen):
    """The value of query parameter or filter ``key`` (``operator`` as typed)."""

    __slots__ = ("key", "operator", "partial", "target")
    _fields = ("target", "key", "partial", "operator")

    def __init__(self, target: Target, key: str, partial: str, operator: str = "=") -> None:
        setfield(self, "target", target)
        setfield(self, "key", key)
        setfield(self, "partial", partial)
        setfield(self, "operator", operator)


class BodyField(Frozen):
    __slots__ = ("partial", "target")
    _fields = ("target", "partial")

    def __init__(self, target: Target, partial: str) -> None:
        setfield(self, "target", target)
        setfield(self, "partial", partial)


class BodyValue(Frozen):
    """The value of body field ``key`` (``status=que``, ``image[url]=``)."""

    __slots__ = ("key", "operator", "partial", "target")
    _fields = ("target", "key", "partial", "operator")

    def __init__(self, target: Target, key: str, partial: str, operator: str = "=") -> None:
        setfield(self, "target", target)
        setfield(self, "key", key)
        setfield(self, "partial", partial)
        setfield(self, "operator", operator)


class Header(Frozen):
    __slots__ = ("partial",)
    _fields = ("partial",)

    def __init__(self, partial: str) -> None:
        setfield(self, "partial", partial)


class HeaderValue(Frozen):
    __slots__ = ("name", "partial", "target")
    _fields = ("name", "partial", "target")

    def __init__(self, name: str, partial: str, target: Target | None = None) -> None:
        setfield(self, "name", name)
        setfield(self, "partial", partial)
        # the request the header goes with (its spec may list the header's values)
        setfield(self, "target", target)


class FilePath(Frozen):
    __slots__ = ("partial",)
    _fields = ("partial",)

    def __init__(self, partial: str) -> None:
        setfield(self, "partial", partial)


class Variable(Frozen):
    """A reference inside ``{{``: a variable name or ``last.data.0.id``."""

    __slots__ = ("partial",)
    _fields = ("partial",)

    def __init__(self, partial: str) -> None:
        setfield(self, "partial", partial)


class FilterKey(Frozen):
    """A key inside the JMESPath expression after ``|`` (``get /x | data[].na``):
    ``expression`` as typed so far, ``partial`` the name at its end."""

    __slots__ = ("expression", "partial")
    _fields = ("expression", "partial")

    def __init__(self, expression: str, partial: str) -> None:
        setfield(self, "expression", expression)
        setfield(self, "partial", partial)


class ShellCommandArg(Frozen):
    """An argument of a shell command (``help``, ``record``, ``set``, ``unset``)."""

    __slots__ = ("args", "command", "partial")
    _fields = ("command", "args", "partial")

    def __init__(self, command: str, args: tuple[str, ...], partial: str) -> None:
        setfield(self, "command", command)
        setfield(self, "args", args)
        setfield(self, "partial", partial)


Suggestion = (
    Keyword
    | Command
    | Path
    | PathParamValue
    | QueryKey
    | QueryValue
    | BodyField
    | BodyValue
    | Header
    | HeaderValue
    | FilePath
    | Variable
    | ShellCommandArg
    | FilterKey
)


class SuggestState(Frozen):
    __slots__ = ("commands", "cwd")
    _fields = ("cwd", "commands")

    def __init__(self, cwd: str = "/", commands: CommandIndex | None = None) -> None:
        setfield(self, "cwd", cwd)
        setfield(self, "commands", commands)


# -- the logic ---------------------------------------------------------------------------

_PATH_COMMANDS = frozenset({"cd", "ls"})


def suggest(text: str, *, state: SuggestState) -> list[Suggestion]:
    """What may be typed at the end of ``text`` (see the module docstring)."""
    line = tokenize(text)
    if line.body_start is not None:
        return []  # inside a raw JSON body
    pipe = _pipe(line)
    if pipe is not None:
        expression = text[pipe:].lstrip()
        name = _NAME_AT_END.search(expression)
        return [FilterKey(expression, name[0] if name else "")]
    words = list(line.words)
    partial = "" if line.at_new_word else words.pop().value
    variable = _open_variable(partial)
    if variable is not None:
        return [Variable(variable)]
    if not words:
        return [Keyword(partial)]
    first = words[0].value
    rest = [w.value for w in words[1:]]
    lowered = first.lower()
    if lowered in VERBS:
        return _verb(lowered.upper(), rest, partial, state)
    if lowered in _PATH_COMMANDS:
        return [_path(partial, state.cwd, None)] if not rest else []
    if lowered in BUILTINS:
        return [ShellCommandArg(lowered, tuple(rest), partial)]
    return _generated([w.value for w in words], partial, state)


_NAME_AT_END = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def _pipe(line) -> int | None:
    """Where the JMESPath expression after a ``|`` word starts, or None (a ``|`` still
    being typed is not one yet)."""
    words = line.words if line.at_new_word else line.words[:-1]
    for word in words:
        if line.text[word.start:word.end] == "|":
            return word.end
    return None


def _open_variable(partial: str) -> str | None:
    start = partial.rfind("{{")
    if start < 0 or "}}" in partial[start:]:
        return None
    return partial[start + 2 :].lstrip()


def _path(partial: str, cwd: str, method: str | None) -> Path:
    head, slash, tail = partial.rpartition("/")
    directory = (resolve_path(cwd, head + "/") if head else "/") if slash else cwd
    if not directory.endswith("/"):
        directory += "/"
    return Path(directory, tail, method)


def _verb(method: str, args: list[str], partial: str, state: SuggestState) -> list[Suggestion]:
    if not args:
        if is_item(partial):
            return _item(Target(method, state.cwd), partial)
        if partial.startswith(".") or "/" in partial or "?" in partial or state.cwd == "/":
            return [_path(partial, state.cwd, method)]
        # After ``cd``: a relative path (an id) or an item for the current path.
        return [_path(partial, state.cwd, method), *_item(Target(method, state.cwd), partial)]
    path = state.cwd if is_item(args[0]) else resolve_path(state.cwd, args[0])
    return _item(Target(method, path.partition("?")[0]), partial)


def _generated(words: list[str], partial: str, state: SuggestState) -> list[Suggestion]:
    index = state.commands
    if index is None:
        return []
    out: list[Suggestion] = []
    lowered = [w.lower() for w in words]
    if index.has_following(lowered):
        out.append(Command(tuple(lowered), partial))
    found = index.longest(lowered)
    if found is None:
        return out
    shape, used = found
    args = words[used:]
    if len(args) < len(shape.params):
        collection = shape.fill(args, upto=len(args))
        if collection is not None:
            out.append(PathParamValue(collection, shape.params[len(args)], partial))
        return out
    path = shape.fill(args[: len(shape.params)])
    if path is not None:
        out.extend(_item(Target(shape.method, path), partial))
    return out


def _item(target: Target, partial: str) -> list[Suggestion]:
    found = find_separator(partial)
    if found is None:
        out: list[Suggestion] = [QueryKey(target, partial)]
        if target.method in BODY_METHODS:
            out.append(BodyField(target, partial))
        out.append(Header(partial))
        return out
    index, sep = found
    key, value = partial[:index], partial[index + len(sep) :]
    if sep == SEP_DATA_FILE and target.method in QUERY_METHODS:
        return [QueryValue(target, key, "@" + value, SEP_DATA)]  # family=@LiquidHandler
    if "@" in sep:
        return [FilePath(value)]
    if sep == SEP_QUERY or sep in FILTER_SEPARATORS:
        return [QueryValue(target, key, value, sep)]
    if sep == SEP_DATA and target.method in QUERY_METHODS:
        return [QueryValue(target, key, value, sep)]
    if sep == ":":
        return [HeaderValue(key, value, target)]
    if sep in (SEP_DATA, SEP_JSON) and target.method in BODY_METHODS:
        return [BodyValue(target, key, value, sep)]
    return []

