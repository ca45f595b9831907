"""Paging long terminal output through ``less`` (or whatever the user chose).

The pager is a shell command (``less -FRX``, ``cat > FILE``) run with ``sh -c``,
as git does; ``LESS=FRX`` is set when the user has no ``LESS`` of their own, so
short output and colours pass straight through, and ``LESSSECURE=1`` always, so keys
typed ahead can never make ``less`` write a file or run a command.  When the command cannot be
started the text is written directly instead.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterable
from typing import IO, Any

from explorer.render.env import OutputEnv
from explorer.render.text import terminal_safe


def needs_pager(text: str, env: OutputEnv) -> bool:
    """Page only terminal output longer than the terminal, and only with a pager set."""
    if not (env.pager and env.stdout_isatty):
        return False
    return text.count("\n") + (0 if text.endswith("\n") else 1) > env.height


def emit(text: str, env: OutputEnv) -> None:
    """Write terminal output to ``env.stdout``, through the pager when it is long.

    On a terminal every control character but explorer's own colours is escaped on the
    way (:func:`~explorer.render.text.terminal_safe`), whatever the text holds."""
    if env.stdout_isatty:
        text = terminal_safe(text)
    if needs_pager(text, env) and run_pager(text, env.pager or "", stdout=env.stdout):
        return
    write_text(env.stdout, text)


def emit_chunks(chunks: Iterable[str], env: OutputEnv) -> None:
    """:func:`emit` for text made piece by piece: the same output, the first screen sooner.

    Pieces are collected until the text is known to be longer than the terminal; from
    then on they go to the pager as they come (and stop being made when the pager is
    quit).  Text that turns out short enough is written whole, exactly as ``emit``.
    """
    if env.stdout_isatty:
        chunks = map(terminal_safe, chunks)
    if not (env.pager and env.stdout_isatty):
        write_text(env.stdout, "".join(chunks))
        return
    pieces = iter(chunks)
    collected: list[str] = []
    lines = 0
    for piece in pieces:
        collected.append(piece)
        lines += piece.count("\n")
        if lines > env.height:  # needs_pager() holds whatever follows
            if run_pager(itertools.chain(collected, pieces), env.pager, stdout=env.stdout):
                return
            write_text(env.stdout, "".join(collected) + "".join(pieces))
            return
    emit("".join(collected), env)


def run_pager(text: str | Iterable[str], command: str, *, stdout: IO[Any] | None = None) -> bool:
    """Feed ``text`` (or its pieces, as they come) to the shell ``command``; False when
    it could not be started (then nothing of ``text`` was consumed)."""
    import shlex
    import subprocess  # here, not at the top: piped output never pages (start-up cost)

    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return False
    if shutil.which(program) is None:
        return False
    if stdout is not None:
        stdout.flush()
    environ = dict(os.environ)
    environ.setdefault("LESS", "FRX")
    environ.setdefault("LV", "-c")
    # Keys typed ahead while an answer loads reach less: in secure mode its commands
    # that write files (s, -o), run programs (!, |, v) or open others (:e) are off.
    environ["LESSSECURE"] = "1"
    try:
        process = subprocess.Popen(
            command, shell=True, stdin=subprocess.PIPE, stdout=_fileno(stdout), env=environ
        )
    except OSError:
        return False
    encoding = getattr(stdout, "encoding", None) or "utf-8"
    try:
        if process.stdin is not None:
            for piece in [text] if isinstance(text, str) else text:
                process.stdin.write(piece.encode(encoding, "replace"))
                process.stdin.flush()
            process.stdin.close()
    except BrokenPipeError:
        pass  # the user quit the pager before reading everything
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:
            continue  # Ctrl-C belongs to the pager
    return True


def write_text(stream: IO[Any], text: str) -> None:
    """Write ``text``; characters the stream cannot encode are replaced, not fatal."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding))
    stream.flush()


def _fileno(stream: IO[Any] | None) -> int | None:
    if stream is None:
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
