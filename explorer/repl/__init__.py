"""The interactive shell: ``explorer``, ``explorer shell`` and ``explorer demo``.

pgcli's split, one module per job (prompt_toolkit is imported only by the completer,
the history and the app; pygments only by the highlighter):

* :mod:`.line`: reading a line (words, quotes, a trailing JSON body, relative paths)
* :mod:`.suggest`: what kind of word is expected at the cursor (pure)
* :mod:`.index`: the generated commands by their words (a view over the registry's
  word index and parsed patterns)
* :mod:`.learned`: ids, field names and values taught by answers, cached per server
* :mod:`.state`: the session's directory, variables, default headers and last answer
* :mod:`.commands`: what each line does (verbs, generated commands, and the shell's
  own commands: one table, ``BUILTINS``, for help, dispatch and completion)
* :mod:`.background`: id prefetching off the prompt's thread (an unexpected failure
  is a warning through the context, never swallowed)
* :mod:`.completer`: which candidates, for each kind of suggestion
* :mod:`.history`, :mod:`.highlight`, :mod:`.style`: history without secrets, the input
  line's lexer, the colours
* :mod:`.app`: the prompt loop
* :mod:`.logs`: what prompt_toolkit and asyncio log, as one line (never a traceback)
* :mod:`.watcher`: when the routes are asked for again (a miss, an unknown write, the
  periodic check)
* :mod:`.script`: the script runner (``explorer < script``: lines with no prompt)

The shell reaches the rest of the package through explicit calls only: the context's
:meth:`~explorer.cli.context.Context.subscribe_warnings`, ``subscribe_routes`` and
``set_recorder``; it replaces no other object's method and reads no ``__dict__``.
"""

from __future__ import annotations

from explorer.errors import UsageError

SHELL_HELP = """usage: explorer [GLOBAL] [shell]

The interactive shell on the server of --url, --profile or EXPLORER_URL (explorer demo
opens it on a sandbox).  Tab completes verbs, commands, paths, ids, query keys, filter
values, body fields, headers and files; help lists the shell's commands.

  get PATH [ITEM...] [-v] [--all]    post, put, patch, delete, head, options too
  instruments list sort==name        the commands generated from the server's routes
  connect PROFILE | connect URL      another server, in the same shell
  login                              Labstep's login; the key is used at once
  set pid={{last.id}}                variables, used as {{pid}} in any later line
  record start NAME | record stop    record to sessions/NAME.jsonl

Without a terminal on stdin (explorer < script) the lines run one after the other;
the exit status is 1 when a line failed or an answer was 4xx/5xx."""


def run(context, args: list[str]) -> int:
    """Open the shell on ``context``'s server; the exit status when it ends."""
    if args in (["--help"], ["-h"]):
        print(SHELL_HELP)
        return 0
    if args:
        raise UsageError(
            f"the shell takes no arguments (got {' '.join(args)!r}; explorer shell --help)"
        )
    from explorer.repl import logs
    from explorer.repl.app import ShellApp

    logs.install()
    return ShellApp(context).run()
