"""Output: what the user sees of a response, an error, or a list.

* :mod:`.env`: :class:`OutputEnv`, the injected terminal facts (tty, colour, size, pager)
* :mod:`.response`: :func:`render_response`
* :mod:`.error`: :func:`format_error`, the lines of an error message
* :mod:`.body`: pretty JSON, highlighting (pygments, imported lazily), binary detection
* :mod:`.table`: :func:`render_table` for lists of objects
* :mod:`.pager`: paging long output
* :mod:`.redact`: :func:`redact_headers`, masking credentials
* :mod:`.status`: :func:`exit_code_for`, the status line
* :mod:`.text`: :func:`~explorer.render.text.one_line`, untrusted text on one line
* :mod:`.formats`: ``--format json|table|csv|tsv|yaml`` (:func:`~.formats.render_view`)
* :mod:`.filter`: ``--filter EXPR`` and the shell's ``| EXPR`` (JMESPath)
* :mod:`.preview`: ``--offline`` and ``--curl``, the request instead of sending it
* :mod:`.command_help`: a generated command's help and a group's (``group_help``), the
  one text ``explorer GROUP`` and the shell's ``help GROUP`` both print
"""

from typing import TYPE_CHECKING

from explorer.render.env import OutputEnv
from explorer.render.error import format_error
from explorer.render.response import render_response
from explorer.render.status import exit_code_for

if TYPE_CHECKING:
    from explorer.render.redact import redact_headers
    from explorer.render.table import render_table


def __getattr__(name: str):
    """``render_table`` and ``redact_headers`` on first use (a piped answer needs neither)."""
    if name == "render_table":
        from explorer.render.table import render_table as found
    elif name == "redact_headers":
        from explorer.render.redact import redact_headers as found
    else:
        raise AttributeError(f"module 'explorer.render' has no attribute {name!r}")
    globals()[name] = found
    return found

__all__ = [
    "OutputEnv",
    "exit_code_for",
    "format_error",
    "redact_headers",
    "render_response",
    "render_table",
]
