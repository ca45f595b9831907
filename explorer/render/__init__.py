"""Output: what the user sees of a response, an error, or a list.

* :mod:`.env`: :class:`OutputEnv`, the injected terminal facts (tty, colour, size, pager)
* :mod:`.response`: :func:`render_response`, :func:`render_error`
* :mod:`.body`: pretty JSON, highlighting (pygments, imported lazily), binary detection
* :mod:`.table`: :func:`render_table` for lists of objects
* :mod:`.pager`: paging long output
* :mod:`.redact`: :func:`redact_headers`, masking credentials
* :mod:`.status`: :func:`exit_code_for`, the status line
"""

from explorer.render.env import OutputEnv
from explorer.render.redact import redact_headers
from explorer.render.response import render_error, render_response
from explorer.render.status import exit_code_for
from explorer.render.table import render_table

__all__ = [
    "OutputEnv",
    "exit_code_for",
    "redact_headers",
    "render_error",
    "render_response",
    "render_table",
]
