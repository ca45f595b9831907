"""Where a request and its answer go when the flags say so, for the one-shot commands
and the shell alike.

:func:`prepare` reads the flags of :mod:`explorer.cli.flags` before anything is sent
(a bad ``--filter``, or ``-o FILE`` over an existing file, costs no request) and gives
a :class:`Delivery`, which then

* prints the request instead of sending it (``--offline``, ``--curl``:
  :mod:`explorer.render.preview`), credentials masked unless ``--show-secrets``;
* adds what a download asks for and saves the answer (``--download``, ``-o FILE``,
  ``--continue``: :mod:`explorer.download`); an error answer (4xx, 5xx) is shown, not
  saved;
* shows a JSON answer through a JMESPath filter and in a format (``--filter``,
  ``--format``, or the shell's ``| EXPR`` and ``output csv``:
  :mod:`explorer.render.formats`).  An answer that is not JSON is then an error line
  (after its 4xx/5xx status, whose exit code wins).

Anything else is shown by :func:`explorer.render.render_response` as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any

from explorer.cli.flags import Flags
from explorer.client.headers import layered
from explorer.client.models import Response
from explorer.record import Record
from explorer.render.text import for_terminal


class Delivery(Record):
    """What to do with an answer besides showing it: ``query``, the compiled
    ``--filter`` (or ``| EXPR``), or None; ``download``, the download's plan
    (:class:`explorer.download.Plan`), or None; ``format``, the format asked for
    (``--format``, or the shell's ``output``), or None; ``view_fallback``, the answer
    to show as it came after :meth:`view` gave up on an error answer."""

    __slots__ = ("download", "flags", "format", "query", "view_fallback")
    _fields = ("flags", "query", "download", "format", "view_fallback")

    flags: Flags
    query: Any
    download: Any
    format: str | None
    view_fallback: Any

    def __init__(self, flags: Flags, query: Any = None, download: Any = None,
                 format: str | None = None, view_fallback: Any = None) -> None:
        self.flags = flags
        self.query = query
        self.download = download
        self.format = format
        self.view_fallback = view_fallback

    @property
    def viewed(self) -> bool:
        """The answer is shown through a filter or in a format."""
        return self.query is not None or self.format is not None

    # -- before sending ---------------------------------------------------------------

    def before_send(self, spec) -> None:
        """Add the download's headers (``Range``, ``Accept-Encoding: identity``) under
        the ones typed."""
        if self.download is None:
            return

        spec.headers = layered(self.download.request_headers(), spec.headers)

    def preview(self, client, prepared, *, out: IO[str], redact: Callable[[str], str],
                terminal: bool) -> bool:
        """Print the request (``--offline``, ``--curl``) and say True; False otherwise."""
        if not self.flags.preview:
            return False
        from explorer.render.preview import connection_words, curl_command, http_text

        spec = prepared.spec
        request = client.build(spec, max_upload=prepared.max_upload,
                               **_placed_auth(client, prepared))
        # What the transport adds (User-Agent, its cookies ...), when it can say.
        wire = getattr(client.transport, "prepare", None)
        if wire is not None:
            request = wire(request)
        show_secrets = self.flags.show_secrets
        if self.flags.curl:
            text = curl_command(request, spec, show_secrets=show_secrets, redact=redact,
                                connection=connection_words(client, show_secrets=show_secrets))
            text = _with_digest(text, getattr(client, "auth", None), show_secrets)
        else:
            text = http_text(request, spec, show_secrets=show_secrets, redact=redact)
        if terminal:
            text = for_terminal(text)
        out.write(text)
        out.flush()
        return True

    # -- the answer -------------------------------------------------------------------

    def view(self, response, env, *, verbose: bool, spec=None, base_url=None) -> bool:
        """Show the answer filtered and formatted and say True; False when neither is
        asked for, or when an error answer (4xx, 5xx) is not JSON: then the caller shows
        it as it came (``view_fallback`` holds the answer again)."""
        if not self.viewed:
            return False
        from explorer.render.formats import ViewError, render_view

        try:
            render_view(response, env, format=self.format, query=self.query,
                        verbose=verbose, spec=spec, base_url=base_url)
        except ViewError as exc:
            if response.status < 400 or exc.body is None:
                raise

            self.view_fallback = Response.of(
                response.status, exc.body, headers=response.headers, reason=response.reason,
                url=response.url, elapsed=response.elapsed,
                request_headers=response.request_headers)
            return False
        return True

    def save(self, response, *, url: str, stderr: IO[str]) -> bool:
        """Save the body (a download) and say True; False when there is no download, or
        the answer is an error (then it is shown instead)."""
        if self.download is None:
            return False
        status = response.status
        resumed_whole = status == 416 and self.download.offset
        if not (200 <= status < 300 or resumed_whole):
            return False
        from explorer.download import save

        save(response, self.download, url=url, stderr=stderr, progress=_isatty(stderr))
        return True


def prepare(flags: Flags, *, format: str | None = None, filter: str | None = None,
            ask: Callable[[str], bool] | None = None, directory=None) -> Delivery:
    """The delivery the flags ask for (``format``/``filter``: the shell's ``output``
    and ``| EXPR``, under the line's own flags)."""
    query = None
    expression = flags.filter if flags.filter is not None else filter
    if expression is not None:
        from explorer.render.filter import compile_filter

        query = compile_filter(expression)
    download = None
    if flags.saving and flags.output != "-":
        from explorer.download import plan

        output = None if flags.output is None else flags.output
        download = plan(output, resume=flags.resume, force=flags.force, ask=ask,
                        directory=directory)
    chosen = flags.format or format
    return Delivery(flags, query=query, download=download, format=chosen)


def ask_on_terminal(question: str) -> bool:
    """A yes/no question on the terminal (False when there is none to ask on)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _placed_auth(client, prepared) -> dict:
    """``{"auth": ...}`` when the operation's API description puts the credential
    elsewhere than the client would (``?api_key=``, its own header, a cookie), as the
    engine does when it sends (:func:`explorer.spec.auth.placed`); else ``{}``."""
    entry = prepared.entry
    operation = entry.route.operation if entry is not None else None
    if operation is None:
        return {}
    from explorer.spec.auth import placed

    auth = getattr(client, "auth", None)
    where = placed(auth, operation)
    return {} if where is auth else {"auth": where}


def _with_digest(line: str, auth, show_secrets: bool) -> str:
    """A curl line that answers HTTP Digest as the client would: ``--digest -u USER:PASS``
    after ``curl`` (the password ``***`` unless ``show_secrets``); Digest sends nothing up
    front, so the request itself carries no credential to print."""
    from explorer.auth.digest import Digest

    if not isinstance(auth, Digest) or not line.startswith("curl "):
        return line
    import shlex

    password = auth.password if show_secrets else "***"
    user = shlex.quote(f"{auth.username}:{password}")
    return f"curl --digest -u {user} {line[len('curl '):]}"
