"""What may come next on an ``explorer`` command line: pure, from the words alone.

:func:`complete` takes the words before the cursor (without the program name) and
the word being typed, and answers an :class:`Answer`: the candidates, each with a
short description, and whether the shell should complete file names instead or add
no space after the candidate.  It knows:

* the global options (read from :func:`explorer.cli.main.global_parser`, so a new
  option is completed as soon as it exists) and their values: profile names, the
  choices an option declares, file names for options that take a file;
* the built-in commands (:data:`explorer.cli.main.COMMANDS`) and their options, read
  from each command's own help;
* the generated commands of the server the line (or the profile) names, word by
  word, then their flags and request items (``limit==``, ``name=``); ``call``'s
  methods, the route paths segment by segment, and the same items.

The routes come from ``Facts.registry``, which reads the discovery cache and never
the network (see :mod:`explorer.cli.completion`).  Nothing here raises on odd input:
a line that parses as nothing gets no candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from explorer.errors import ExplorerError
from explorer.record import Frozen, Record, setfield

#: HTTP methods offered after ``call`` (the upper-case words; lower case is accepted too)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
#: global options (argparse ``dest``) whose value is a file name
FILE_OPTIONS = frozenset({"spec", "routes", "token_file", "record", "ca_bundle", "cert",
                          "cert_key", "output"})
#: methods whose ``name=value`` items are body fields (else query parameters)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
#: what a candidate may never hold (it would break the one-line protocol or the listing)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Candidate(Frozen):
    """One word to offer, and what it is (shown beside it where the shell can)."""

    __slots__ = ("help", "text")
    _fields = ("text", "help")

    def __init__(self, text: str, help: str = "") -> None:
        setfield(self, "text", text)
        setfield(self, "help", help)


class Answer(Record):
    """The candidates; ``files``: complete file names instead (the shell's own file
    completion); ``nospace``: add no space after the candidate (``/public/``,
    ``limit==``, ``--format=``)."""

    __slots__ = ("candidates", "files", "nospace")
    _fields = ("candidates", "files", "nospace")

    def __init__(self, candidates: list[Candidate] | None = None, files: bool = False,
                 nospace: bool = False) -> None:
        self.candidates: list[Candidate] = [] if candidates is None else candidates
        self.files = files
        self.nospace = nospace


class Option(Frozen):
    """One option: its spellings, whether it takes a value, its help and choices."""

    __slots__ = ("choices", "dest", "help", "names", "takes_value")
    _fields = ("names", "dest", "takes_value", "help", "choices")

    def __init__(self, names: tuple[str, ...], dest: str, takes_value: bool, help: str = "",
                 choices: tuple[str, ...] = ()) -> None:
        setfield(self, "names", names)
        setfield(self, "dest", dest)
        setfield(self, "takes_value", takes_value)
        setfield(self, "help", help)
        setfield(self, "choices", choices)


def _no_options(command: str) -> list[Option]:
    return []


class Facts(Record):
    """What :func:`complete` asks the outside world (a test passes its own): the global
    ``options``; the built-in ``commands`` (name -> what it does); ``registry``: the
    routes for the server the global words name (cache only), or None; the config's
    ``profiles``; a built-in command's options (``command_options``, from its help
    text); the flags of a request line (``request_flags``: ``-v``, ``--all`` ...)."""

    __slots__ = ("command_options", "commands", "options", "profiles", "registry",
                 "request_flags")
    _fields = ("options", "commands", "registry", "profiles", "command_options",
               "request_flags")

    def __init__(
        self,
        options: list[Option],
        commands: dict[str, str],
        registry: Callable[[list[str]], Any],
        profiles: Callable[[], list[str]] = list,
        command_options: Callable[[str], list[Option]] = _no_options,
        request_flags: list[Option] | None = None,
    ) -> None:
        self.options = options
        self.commands = commands
        self.registry = registry
        self.profiles = profiles
        self.command_options = command_options
        self.request_flags: list[Option] = [] if request_flags is None else request_flags


def complete(words: list[str], current: str, facts: Facts) -> Answer:
    """The candidates for ``current`` after ``words`` (see the module docstring)."""
    table = {name: option for option in facts.options for name in option.names}
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            index += 1
            break
        if not word.startswith("-") or word == "-":
            break
        name, eq, _value = word.partition("=")
        option = table.get(name)
        index += 2 if option is not None and option.takes_value and not eq else 1
    if index > len(words):  # the word being typed is the value of the last option
        return _option_value(table[words[-1]], current, facts)
    global_words, rest = words[:index], words[index:]
    if not rest:
        if current.startswith("--") and "=" in current:
            name, _, value = current.partition("=")
            option = table.get(name)
            if option is None or not option.takes_value:
                return Answer()
            answer = _option_value(option, value, facts)
            return _prefixed(answer, name + "=")
        if current.startswith("-"):
            return _options(facts.options, current)
        return _first_words(current, facts, global_words)
    command, args = rest[0], rest[1:]
    if command in facts.commands:
        return _builtin(command, args, current, facts, global_words)
    return _generated(rest, current, facts, global_words)


# -- global options and the first word -------------------------------------------------------


def _options(options: Iterable[Option], current: str) -> Answer:
    found = []
    for option in options:
        for name in option.names:
            if name.startswith(current) and (name.startswith("--") or current in ("", "-", name)):
                found.append(Candidate(name, option.help))
    return Answer(found)


def _option_value(option: Option, current: str, facts: Facts) -> Answer:
    if option.choices:
        return Answer([Candidate(c) for c in option.choices if c.startswith(current)])
    if option.dest == "profile":
        return Answer([Candidate(p, "profile") for p in facts.profiles() if p.startswith(current)])
    if option.dest in FILE_OPTIONS:
        return Answer(files=True)
    return Answer()


def _prefixed(answer: Answer, prefix: str) -> Answer:
    answer.candidates = [Candidate(prefix + c.text, c.help) for c in answer.candidates]
    return answer


def _first_words(current: str, facts: Facts, global_words: list[str]) -> Answer:
    found = [Candidate(name, text) for name, text in facts.commands.items()
             if name.startswith(current)]
    registry = facts.registry(global_words)
    if registry is not None:
        taken = {c.text for c in found}
        found += [c for c in _next_words(registry, [], current) if c.text not in taken]
    return Answer(found)


# -- built-in commands -------------------------------------------------------------------------


def _builtin(command: str, args: list[str], current: str, facts: Facts,
             global_words: list[str]) -> Answer:
    if command == "completion":
        if args or current.startswith("-"):
            return Answer()
        from explorer.cli.completion.scripts import SCRIPTS

        return Answer([Candidate(s, "completion script") for s in SCRIPTS if s.startswith(current)])
    if command == "call":
        return _call(args, current, facts, global_words)
    options = facts.command_options(command)
    if args:
        last = {name: o for o in options for name in o.names}.get(args[-1])
        if last is not None and last.takes_value:
            return _option_value(last, current, facts) if last.choices else Answer(files=True)
    if current.startswith("-"):
        return _options(options, current)
    if command in ("replay", "export", "import"):
        return Answer(files=True)
    return Answer()


def _request_words(words: list[str], current: str, facts: Facts
                   ) -> tuple[list[str], Answer | None]:
    """The words of a request line without its flags (and their values); an answer
    when the word being typed is a flag or a flag's value."""
    table = {name: flag for flag in facts.request_flags for name in flag.names}
    kept: list[str] = []
    it = iter(words)
    pending = None
    for word in it:
        if word == "--":
            kept.extend(it)
            return kept, None
        flag = table.get(word.partition("=")[0] if word.startswith("--") else word)
        if flag is None:
            kept.append(word)
        elif flag.takes_value and "=" not in word:
            pending = flag
            if next(it, None) is not None:
                pending = None
    if pending is not None:
        return kept, _option_value(pending, current, facts)
    if current.startswith("--") and "=" in current:
        name, _, value = current.partition("=")
        flag = table.get(name)
        if flag is not None and flag.takes_value:
            return kept, _prefixed(_option_value(flag, value, facts), name + "=")
    if current.startswith("-"):
        return kept, _options(facts.request_flags, current)
    return kept, None


def _call(args: list[str], current: str, facts: Facts, global_words: list[str]) -> Answer:
    args, answer = _request_words(args, current, facts)
    if answer is not None:
        return answer
    if not args:
        upper = current.upper()
        return Answer([Candidate(m if current.isupper() or not current else m.lower(), "method")
                       for m in METHODS if m.startswith(upper)])
    registry = facts.registry(global_words)
    if registry is None:
        return Answer()
    method = args[0].upper()
    if len(args) == 1:
        return _paths(registry, current)
    try:
        resolution = registry.resolve(method, args[1])
    except (ExplorerError, ValueError):  # an undecodable path: nothing to offer
        return Answer()
    return _items(resolution.entry, method, current)


def _paths(registry: Any, current: str) -> Answer:
    if "://" in current:
        return Answer()
    typed = current if current.startswith("/") else "/" + current
    head = typed[: typed.rfind("/") + 1]
    leaf = typed[len(head):]
    found = []
    try:
        children = registry.children(head)
    except (ExplorerError, ValueError):  # an undecodable prefix
        return Answer()
    for child in children:
        if child.kind != "literal" or not child.text.startswith(leaf):
            continue
        text = head + child.text + ("/" if child.has_children else "")
        methods = " ".join(sorted(child.methods))
        found.append(Candidate(text, methods or "…"))
    nospace = len(found) == 1 and found[0].text.endswith("/")
    return Answer(found, nospace=nospace)


# -- generated commands ---------------------------------------------------------------------


def _generated(rest: list[str], current: str, facts: Facts, global_words: list[str]) -> Answer:
    rest, answer = _request_words(rest, current, facts)
    if answer is not None:
        return answer
    registry = facts.registry(global_words)
    if registry is None:
        return Answer()
    following = _next_words(registry, rest, current)
    if following:
        return Answer(following)
    try:
        entry, args = registry.lookup_command(rest)
    except ExplorerError:  # an unknown command: nothing to offer
        return Answer()
    positional = [a for a in args if "=" not in a and ":" not in a]
    if len(positional) < len(entry.required):
        return Answer()  # a path parameter (an id) comes next
    return _items(entry, entry.method, current)


def _next_words(registry: Any, words: list[str], current: str) -> list[Candidate]:
    found = []
    low = current.lower()
    for word in registry.commands_starting(words):
        if not word.lower().startswith(low):
            continue
        text = "…"  # a group of commands
        if not registry.commands_starting([*words, word]):  # a whole command name
            try:
                entry, _extra = registry.lookup_command([*words, word])
            except ExplorerError:
                entry = None
            if entry is not None:
                text = entry.route.summary or f"{entry.method} {entry.route.path}"
        found.append(Candidate(word, text))
    return found


def _items(entry: Any, method: str, current: str) -> Answer:
    """``name==`` query parameters and ``name=`` body fields a route is known to take."""
    if entry is None or "=" in current or ":" in current:
        return Answer()
    route = entry.route
    found: list[Candidate] = []
    body = method in BODY_METHODS
    for name in route.declared_query:
        found.append(Candidate(f"{name}==", "query parameter"))
    if route.read_conventions:  # a LabOS list: its read parameters
        from explorer.render.command_help import READ_PARAMS

        found += [Candidate(f"{name}==", "read parameter") for name in READ_PARAMS]
    schema = route.request_schema
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if body and isinstance(properties, dict):
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        for name in properties:
            if isinstance(name, str):
                mark = "body field (required)" if name in required else "body field"
                found.append(Candidate(f"{name}=", mark))
    found = [c for c in found if c.text.startswith(current)]
    return Answer(found, nospace=bool(found))


# -- from the outside world ---------------------------------------------------------------------


def options_of(parser: Any) -> list[Option]:
    """The options of an argparse parser, help hidden ones left out."""
    import argparse

    found = []
    for action in parser._actions:  # argparse has no public list of its actions
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        found.append(Option(
            tuple(action.option_strings),
            action.dest,
            takes_value=action.nargs != 0,
            help=(action.help or "").split(" (")[0],
            choices=tuple(str(c) for c in action.choices) if action.choices else (),
        ))
    return found


def options_in_help(text: str, *, with_values: Iterable[str] = ()) -> list[Option]:
    """The options a command's help text names (``--json``, ``--max N``): the help is
    where a command says what it takes, so completion reads it there."""
    names = dict.fromkeys(_OPTION.findall(text))
    valued = set(with_values)
    for match in re.finditer(r"(--?[A-Za-z][\w-]*)[ =]([A-Z][A-Z_]*)\b", text):
        valued.add(match[1])
    return [Option((name,), name.lstrip("-").replace("-", "_"), takes_value=name in valued)
            for name in names if name not in ("-h", "--help")] + [
        Option(("--help", "-h"), "help", takes_value=False, help="this help")]


def shown(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates a shell can show and insert: none holding a control character
    (from a server's route list, they would act on the terminal), no duplicates."""
    seen: set[str] = set()
    found = []
    for c in candidates:
        if not c.text or _UNSAFE.search(c.text) or c.text in seen:
            continue
        seen.add(c.text)
        found.append(Candidate(c.text, _UNSAFE.sub(" ", c.help)))
    return found
