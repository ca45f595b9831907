"""``explorer completion bash|zsh|fish``: shell completion for the one-shot command line.

    eval "$(explorer completion bash)"       # in ~/.bashrc (zsh: ~/.zshrc, after compinit)
    explorer completion fish > ~/.config/fish/completions/explorer.fish

The script (:mod:`.scripts`) asks ``explorer completion --query SHELL -- LINE WORD``
on every Tab; that answers from the words of the line (:mod:`.candidates`), the config
(profile names) and the discovery cache of the server the line names (``--url``,
``--profile``, ``--spec``, ``--routes``, or the environment and the default profile),
read from disk only: never a request, however old the cache.  A server never seen has
no generated commands to offer until one command (``explorer routes``) has cached them.

The answer's first line is a directive (``files``, ``nospace``, or ``-``); each
further line is one candidate.  For bash a candidate is what replaces the word bash
is completing (bash splits ``limit==5`` at ``=``), shell-quoted when it holds a
character the shell would read (a route segment ``$(x)`` is inserted as ``'$(x)'``,
never as code); zsh and fish quote what they insert themselves.  A candidate holding
a control character is never offered.
"""

from __future__ import annotations

import io
import shlex
import sys

from explorer.cli.completion.candidates import Answer, Candidate, Facts, complete, shown
from explorer.cli.completion.scripts import INSTALL, SCRIPTS
from explorer.errors import EXIT_USAGE, ExplorerError, UsageError

USAGE = "usage: explorer completion bash|zsh|fish"
HELP = f"""{USAGE}

Print a completion script for the shell; it completes the global options, the
built-in commands, and the generated commands of the server on the line (or the
profile) and their options, from the discovery cache (never the network).

install:
  bash  {INSTALL["bash"]}
  zsh   {INSTALL["zsh"]}   (after compinit)
  fish  {INSTALL["fish"]}"""


def main(context, args: list[str]) -> int:
    if args[:1] == ["--query"]:
        return query(args[1:], out=sys.stdout)
    if not args or args[0] in ("-h", "--help"):
        print(HELP)
        return 0
    if len(args) > 1 or args[0] not in SCRIPTS:
        raise UsageError(f"completion: give one of {', '.join(SCRIPTS)} ({USAGE})")
    sys.stdout.write(SCRIPTS[args[0]])
    return 0


def query(args: list[str], *, out) -> int:
    """``--query SHELL -- LINE WORD``: print the directive and the candidates."""
    if len(args) < 3 or args[1] != "--" or args[0] not in SCRIPTS:
        print(f"explorer: completion --query SHELL -- LINE WORD ({USAGE})", file=sys.stderr)
        return EXIT_USAGE
    shell, line = args[0], args[2]
    word = args[3] if len(args) > 3 else ""
    words, current = split_line(line)
    answer = complete(words, current, system_facts())
    out.write(format_answer(answer, shell, current=current, word=word))
    return 0


def split_line(line: str) -> tuple[list[str], str]:
    """The words after the program name, and the word being typed (unquoted)."""
    tokens = _split(line)
    fresh = len(_split(line + "x")) > len(tokens)  # the line ends between two words
    if fresh:
        words, current = tokens, ""
    else:
        words, current = tokens[:-1], tokens[-1] if tokens else ""
    # The program is the last word naming explorer (``cd x && explorer ...``).
    names = ("explorer", "explorer.exe")
    starts = [i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] in names]
    return (words[starts[-1] + 1:] if starts else words[1:]), current


def _split(line: str) -> list[str]:
    for ending in ("", "\\", '"', "'", '\\"', "\\'"):  # an open quote, a trailing backslash
        try:
            return shlex.split(line + ending)
        except ValueError:
            continue
    return line.split()


def format_answer(answer: Answer, shell: str, *, current: str, word: str) -> str:
    directive = " ".join(d for d, on in (("files", answer.files), ("nospace", answer.nospace))
                         if on)
    lines = [directive or "-"]  # never empty: bash drops empty lines
    for candidate in shown(answer.candidates):
        if shell == "bash":
            lines.append(_for_bash(candidate.text, current, word))
        elif shell == "zsh":
            text = candidate.text.replace("\\", "\\\\").replace(":", "\\:")
            lines.append(f"{text}:{candidate.help}" if candidate.help else text)
        else:
            text = candidate.text
            lines.append(f"{text}\t{candidate.help}" if candidate.help else text)
    return "\n".join(lines) + "\n"


def _for_bash(text: str, current: str, word: str) -> str:
    """What replaces bash's word: bash splits words at ``=`` and ``:`` too, so the
    word it completes may be the end of ours (``limit==5`` -> ``5``); a quote typed
    by the user makes the word differ from ours, and the candidate is quoted whole."""
    if word == current:
        return _quoted(text)
    if current.endswith(word) and word and text.startswith(current[: len(current) - len(word)]):
        return _quoted(text[len(current) - len(word):])
    if not word and current and text.startswith(current):
        return _quoted(text[len(current):])
    return shlex.quote(text)


def _quoted(text: str) -> str:
    return shlex.quote(text) if text else text


# -- the facts, from this machine ------------------------------------------------------------


def system_facts() -> Facts:
    from explorer.cli.completion.candidates import options_of
    from explorer.cli.main import COMMANDS, global_parser

    return Facts(
        options=options_of(global_parser()),
        commands=dict(COMMANDS),
        registry=_cached_registry,
        profiles=_profiles,
        command_options=_command_options,
        request_flags=_request_flags(),
    )


def _cached_registry(global_words: list[str]):
    """The cached routes of the server ``global_words`` name (the environment and the
    default profile otherwise); None when there are none or the words say nothing."""
    from explorer.cli.context import Context
    from explorer.cli.main import global_parser

    try:
        options = global_parser().parse_args(global_words)
    except SystemExit:  # a half-typed option: use what the environment says
        options = global_parser().parse_args([])
    context = Context(options, stderr=io.StringIO())
    try:
        return context.cached_registry()
    except (ExplorerError, OSError):
        return None


def _profiles() -> list[str]:
    from explorer import config as cfg

    try:
        return sorted(cfg.load_config(warn=None).profiles)
    except (ExplorerError, OSError):
        return []


def _command_options(command: str):
    from explorer.cli.completion.candidates import options_in_help, options_of

    if command in ("serve", "demo"):
        from explorer.cli.serve import argument_parser

        return options_of(argument_parser(command))
    if command in ("replay", "export", "import"):
        from explorer.sessions.cli import argument_parser

        return options_of(argument_parser(command))
    if command == "routes":
        from explorer.cli.routes import HELP as text
    elif command == "login":
        from explorer.cli.login import HELP as text
    elif command == "probe":
        from explorer.cli.probe import USAGE as text
    else:
        return []
    return options_in_help(text)


def _request_flags():
    """The request flags, from their one table (:data:`explorer.cli.flags.TABLE`)."""
    from explorer.cli.completion.candidates import Option
    from explorer.cli.flags import TABLE

    return [Option(flag.spellings, flag.name, takes_value=flag.metavar is not None,
                   help=flag.help, choices=flag.choices) for flag in TABLE]


__all__ = ["HELP", "Candidate", "main", "query", "split_line"]
