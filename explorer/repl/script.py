"""The script runner: a file of shell lines, run one after the other with no prompt.

Without a terminal on stdin (``explorer < script``) the prompt loop hands the stream
to :class:`ScriptRunner`.  The exit status says whether all lines worked (1 when a
line failed or a request answered 4xx/5xx).  A line starting with ``#`` is a comment
(a quote in it opens nothing); a line with an open quote or JSON body continues on the
next one, and input that ends inside one is an error.  Destructive requests (DELETE,
a POST to an action route) are sent without asking, as ``explorer call``, curl and
HTTPie do: whoever wrote the script typed them, and with no terminal nobody could
answer.  The ``confirm_destructive`` setting is the question asked at a terminal,
whatever its value in the config.  Each command's output ends with a newline
(:class:`LineEnds`), so answers piped on (a body as sent, with none of its own) do not
run into each other.  ``exit`` ends the script with the status so far.  No
prompt_toolkit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from explorer.cli.argv import check_line
from explorer.errors import EXIT_OK, EXIT_OTHER, UsageError
from explorer.repl.line import is_complete


class ScriptRunner:
    def __init__(
        self,
        shell: Callable[[], object],
        *,
        out: LineEnds | None = None,
        on_error: Callable[[BaseException], None],
        after_line: Callable[[], None] = lambda: None,
    ) -> None:
        #: the shell that runs each line (set up on first use)
        self._shell = shell
        self._out = out
        #: reports a failed line (one line on stderr)
        self._on_error = on_error
        #: after each line (warnings from background work are printed then)
        self._after_line = after_line

    def run(self, lines: Iterable[str]) -> int:
        """Run every line of ``lines`` (with their newlines, as a file gives them);
        the exit status."""
        from explorer.repl.commands import Exit

        status = EXIT_OK
        pending = ""
        for raw in lines:
            if not pending and raw.lstrip().startswith("#"):
                continue  # a comment, even with a quote in it
            pending += raw
            if not is_complete(pending.rstrip("\n")):
                continue
            text, pending = pending.strip(), ""
            if not text:
                continue
            try:
                try:
                    check_line(text)
                    self._shell().execute(text)
                finally:
                    if self._out is not None:
                        self._out.end_line()
            except Exit:
                return status
            except Exception as exc:  # report, go on with the next line
                self._on_error(exc)
                status = EXIT_OTHER
            self._after_line()
            outcome = self._shell().outcome
            if outcome.status is not None and outcome.status >= 400:
                status = EXIT_OTHER
        if pending.strip():
            self._on_error(UsageError("the input ends inside a quote or JSON body"))
            status = EXIT_OTHER
        return status


class LineEnds:
    """A script's stdout, as text and as bytes (``.buffer``, where piped bodies go),
    remembering whether the last thing written ended its line."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.open = False

    def write(self, text: str) -> int:
        if text:
            self.open = not text.endswith("\n")
        return self._stream.write(text)

    @property
    def buffer(self):
        buffer = getattr(self._stream, "buffer", None)
        if buffer is None:
            raise AttributeError("buffer")
        return _BytesEnds(self, buffer)

    def end_line(self) -> None:
        """Write a newline when the output so far does not end with one."""
        if self.open:
            self._stream.write("\n")
            self._stream.flush()
            self.open = False

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _BytesEnds:
    def __init__(self, owner: LineEnds, buffer) -> None:
        self._owner = owner
        self._buffer = buffer

    def write(self, data: bytes) -> int:
        if data:
            self._owner.open = bytes(data[-1:]) != b"\n"
        return self._buffer.write(data)

    def __getattr__(self, name: str):
        return getattr(self._buffer, name)
