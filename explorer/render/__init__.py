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

from explorer.lazy import lazy_names

if TYPE_CHECKING:
    from explorer.render.env import OutputEnv
    from explorer.render.error import format_error
    from explorer.render.redact import redact_headers
    from explorer.render.response import render_response
    from explorer.render.status import exit_code_for
    from explorer.render.table import render_table

#: each name and the module it lives in, imported on first use: importing one small
#: module of the package (``explorer.render.text``, which the argument check needs for
#: every command, ``--help`` and each Tab included) must not load the renderers
__getattr__ = lazy_names(globals(), {
    "OutputEnv": "explorer.render.env",
    "format_error": "explorer.render.error",
    "redact_headers": "explorer.render.redact",
    "render_response": "explorer.render.response",
    "exit_code_for": "explorer.render.status",
    "render_table": "explorer.render.table",
})

__all__ = [
    "OutputEnv",
    "exit_code_for",
    "format_error",
    "redact_headers",
    "render_response",
    "render_table",
]
