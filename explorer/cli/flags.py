"""The flags of a request line, anywhere among its words, as HTTPie reads them.

``call GET /x a==1 -v``, ``instruments list sort==name --all`` and, in the shell,
``get /x -v`` all take their flags before, between or after the items; ``--`` ends
the flags, so an item that starts with ``-`` can follow it.  One table,
:data:`TABLE`, serves the one-shot commands, the shell, their help (:data:`FLAGS_HELP`)
and shell completion; a flag that takes a value is written ``--format csv`` or
``--format=csv``:

* ``-v`` / ``--verbose``: show the request and response headers (credentials masked)
* ``--all``: follow the pages of a list and show one merged list
* ``--format FORMAT``, ``--filter EXPR``: the answer in a format, through a JMESPath
  filter (:mod:`explorer.render.formats`, :mod:`explorer.render.filter`)
* ``-d`` / ``--download``, ``-o`` / ``--output FILE``, ``-c`` / ``--continue``,
  ``--force``: save the body to a file (:mod:`explorer.download`)
* ``--offline``, ``--curl``, ``--show-secrets``: print the request (as HTTP, or as a
  curl command line) instead of sending it (:mod:`explorer.cli.preview`)
* ``-h`` / ``--help``: the command's help instead of a request
* ``--strict``: refuse a request the route's API description finds problems in
  (:mod:`explorer.spec.check`), exit 2; without it they are warnings

Any other word that starts with ``--`` and has no item separator in it (``--x=1`` is
an item) is a usage error naming it, rather than something the server would be sent.
"""

from __future__ import annotations

from explorer.errors import UsageError
from explorer.record import Frozen, Record, setfield

#: the formats of ``--format`` (:data:`explorer.render.formats.FORMATS`, without its import)
FORMAT_NAMES = ("json", "table", "csv", "tsv", "yaml")


class Flag(Frozen):
    """One flag: the attribute of :class:`Flags` it sets, its spellings, its help,
    and for a flag that takes a value its ``metavar`` (and ``choices``)."""

    __slots__ = ("choices", "help", "metavar", "name", "spellings")
    _fields = ("name", "spellings", "help", "metavar", "choices")

    name: str
    spellings: tuple[str, ...]
    help: str
    metavar: str | None
    choices: tuple[str, ...]

    def __init__(self, name: str, spellings: tuple[str, ...], help: str,
                 metavar: str | None = None, choices: tuple[str, ...] = ()) -> None:
        setfield(self, "name", name)
        setfield(self, "spellings", spellings)
        setfield(self, "help", help)
        setfield(self, "metavar", metavar)
        setfield(self, "choices", choices)


TABLE: tuple[Flag, ...] = (
    Flag("verbose", ("-v", "--verbose"),
         "show the request and response headers (credentials as ***)"),
    Flag("all", ("--all",), "follow the pages of a list; one merged list"),
    Flag("format", ("--format",), "the answer as " + "|".join(FORMAT_NAMES)
         + " (csv/tsv: a column per field)", metavar="FORMAT", choices=FORMAT_NAMES),
    Flag("filter", ("--filter",), "only what the JMESPath EXPR selects: 'data[].name'",
         metavar="EXPR"),
    Flag("download", ("-d", "--download"),
         "save the body to a file named by the server (Content-Disposition) or the path"),
    Flag("output", ("-o", "--output"), "save the body to FILE (- : standard output)",
         metavar="FILE"),
    Flag("resume", ("-c", "--continue"), "resume a partial -o FILE with a Range request"),
    Flag("force", ("--force",), "let -o replace an existing FILE"),
    Flag("offline", ("--offline",), "print the request that would be sent; send nothing"),
    Flag("curl", ("--curl",), "print the request as a curl command line; send nothing"),
    Flag("show_secrets", ("--show-secrets",),
         "with --offline or --curl: credentials in clear, not ***"),
    Flag("strict", ("--strict",), "refuse a request its API description finds problems in "
         "(exit 2)"),
    Flag("help", ("-h", "--help"), "this help"),
)

#: spelling -> the flag
FLAGS: dict[str, Flag] = {spelling: flag for flag in TABLE for spelling in flag.spellings}


def _help_lines() -> str:
    rows = []
    for flag in TABLE:
        names = ", ".join(flag.spellings) + (f" {flag.metavar}" if flag.metavar else "")
        rows.append((names, flag.help))
    width = max(len(names) for names, _ in rows)
    lines = ["flags (anywhere on the line; -- ends them):"]
    lines += [f"  {names:<{width}}  {text}" for names, text in rows]
    return "\n".join(lines)


FLAGS_HELP = _help_lines()


class Flags(Record):
    """What the flags of :data:`TABLE` set, each under its ``name``; ``rest``: the
    words that are not flags, in order."""

    __slots__ = ("all", "curl", "download", "filter", "force", "format", "help", "offline",
                 "output", "rest", "resume", "show_secrets", "strict", "verbose")
    _fields = ("verbose", "all", "help", "strict", "format", "filter", "download", "output",
               "resume", "force", "offline", "curl", "show_secrets", "rest")

    verbose: bool
    all: bool
    help: bool
    strict: bool
    format: str | None
    filter: str | None
    download: bool
    output: str | None
    resume: bool
    force: bool
    offline: bool
    curl: bool
    show_secrets: bool
    rest: list[str]

    def __init__(
        self,
        verbose: bool = False,
        all: bool = False,
        help: bool = False,
        strict: bool = False,
        format: str | None = None,
        filter: str | None = None,
        download: bool = False,
        output: str | None = None,
        resume: bool = False,
        force: bool = False,
        offline: bool = False,
        curl: bool = False,
        show_secrets: bool = False,
        rest: list[str] | None = None,
    ) -> None:
        self.verbose = verbose
        self.all = all
        self.help = help
        self.strict = strict
        self.format = format
        self.filter = filter
        self.download = download
        self.output = output
        self.resume = resume
        self.force = force
        self.offline = offline
        self.curl = curl
        self.show_secrets = show_secrets
        self.rest = [] if rest is None else rest

    @property
    def saving(self) -> bool:
        """The body goes to a file (``--download`` or ``-o``)."""
        return self.download or self.output is not None

    @property
    def preview(self) -> bool:
        """The request is printed, not sent (``--offline`` or ``--curl``)."""
        return self.offline or self.curl

    def check(self) -> None:
        """Usage errors for flags that do not go together."""
        if self.resume and self.output in (None, "-"):
            raise UsageError("--continue resumes a download into a file: give -o FILE too")
        if self.force and self.output in (None, "-"):
            raise UsageError("--force lets -o FILE replace an existing file: give -o FILE")
        if self.show_secrets and not self.preview:
            raise UsageError("--show-secrets goes with --offline or --curl")
        if self.saving and (self.format or self.filter):
            raise UsageError("a saved body is written as it came: --format and --filter "
                             "cannot go with --download or -o")
        if self.offline and self.curl:
            raise UsageError("--offline and --curl each print the request: choose one")


def split_flags(words: list[str], *, usage: str = "") -> Flags:
    """Take the flags out of ``words`` (see the module docstring)."""
    found = Flags()
    hint = f" ({usage})" if usage else ""
    it = iter(words)
    for word in it:
        if word == "--":
            found.rest.extend(it)
            break
        spelling, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        flag = FLAGS.get(spelling)
        if flag is not None and flag.metavar is not None:
            value = inline if eq else next(it, None)
            if value is None:
                raise UsageError(f"{spelling} needs {flag.metavar}{hint}")
            if flag.choices and value not in flag.choices:
                raise UsageError(f"{spelling} {value!r}: choose one of "
                                 f"{', '.join(flag.choices)}{hint}")
            setattr(found, flag.name, value)
        elif flag is not None and not eq:
            setattr(found, flag.name, True)
        elif word.startswith("--") and len(word) > 2 and not _item_like(word):
            raise UsageError(f"unknown option {word}{hint}")
        else:
            found.rest.append(word)
    found.check()
    return found


def _item_like(word: str) -> bool:
    """``--x=1``, ``--h:v``: written as an item (with a separator), not as an option."""
    return any(sep in word for sep in ("=", ":", "@", ">", "<"))
