"""The flags of a request line, anywhere among its words, as HTTPie reads them.

``call GET /x a==1 -v``, ``instruments list sort==name --all`` and, in the shell,
``get /x -v`` all take their flags before, between or after the items; ``--`` ends
the flags, so an item that starts with ``-`` can follow it.  One table serves the
one-shot commands and the shell:

* ``-v`` / ``--verbose``: show the request and response headers (credentials masked)
* ``--all``: follow the pages of a list and show one merged list
* ``-h`` / ``--help``: the command's help instead of a request
* ``--strict``: refuse a request the route's API description finds problems in
  (:mod:`explorer.spec.check`), exit 2; without it they are warnings

Any other word that starts with ``--`` and has no item separator in it (``--x=1`` is
an item) is a usage error naming it, rather than something the server would be sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer.errors import UsageError

#: spelling -> the flag's name
FLAGS: dict[str, str] = {
    "-v": "verbose",
    "--verbose": "verbose",
    "--all": "all",
    "-h": "help",
    "--help": "help",
    "--strict": "strict",
}

FLAGS_HELP = """flags (anywhere on the line; -- ends them):
  -v, --verbose  show the request and response headers (credentials as ***)
  --all          follow the pages of a list; one merged list
  --strict       refuse a request its API description finds problems in (exit 2)
  -h, --help     this help"""


@dataclass
class Flags:
    verbose: bool = False
    all: bool = False
    help: bool = False
    strict: bool = False
    #: the words that are not flags, in order
    rest: list[str] = field(default_factory=list)


def split_flags(words: list[str], *, usage: str = "") -> Flags:
    """Take the flags out of ``words`` (see the module docstring)."""
    found = Flags()
    it = iter(words)
    for word in it:
        if word == "--":
            found.rest.extend(it)
            break
        name = FLAGS.get(word)
        if name is not None:
            setattr(found, name, True)
        elif word.startswith("--") and len(word) > 2 and not _item_like(word):
            hint = f" ({usage})" if usage else ""
            raise UsageError(f"unknown option {word}{hint}")
        else:
            found.rest.append(word)
    return found


def _item_like(word: str) -> bool:
    """``--x=1``, ``--h:v``: written as an item (with a separator), not as an option."""
    return any(sep in word for sep in ("=", ":", "@", ">", "<"))
