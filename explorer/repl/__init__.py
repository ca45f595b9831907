"""The interactive shell: ``explorer``, ``explorer shell`` and ``explorer demo``.

pgcli's split, one module per job (prompt_toolkit is imported only by the completer,
the history and the app; pygments only by the highlighter):

* :mod:`.line`: reading a line (words, quotes, a trailing JSON body, relative paths)
* :mod:`.suggest`: what kind of word is expected at the cursor (pure)
* :mod:`.index`: the generated commands by their words
* :mod:`.learned`: ids, field names and values taught by answers, cached per server
* :mod:`.state`: the session's directory, variables, default headers and last answer
* :mod:`.commands`: what each line does (verbs, generated commands, ``cd``, ``set``...)
* :mod:`.background`: id prefetching off the prompt's thread
* :mod:`.completer`: which candidates, for each kind of suggestion
* :mod:`.history`, :mod:`.highlight`, :mod:`.style`: history without secrets, the input
  line's lexer, the colours
* :mod:`.app`: the prompt loop
"""

from __future__ import annotations

from explorer.errors import UsageError


def run(context, args: list[str]) -> int:
    """Open the shell on ``context``'s server; the exit status when it ends."""
    if args:
        raise UsageError(f"the shell takes no arguments (got {' '.join(args)!r})")
    from explorer.repl.app import ShellApp

    return ShellApp(context).run()
