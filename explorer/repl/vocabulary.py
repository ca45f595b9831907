"""The fixed words of the shell: HTTP verbs, output modes, headers, query keys.

Shared by :mod:`.suggest` (what kind of word is expected), :mod:`.completer`
(candidates with descriptions) and :mod:`.commands` (what each command does).  The
shell's own commands are one table beside what they do: :data:`.commands.BUILTINS`.
"""

from __future__ import annotations

from explorer.auth import header_help

#: verb -> description
VERBS: dict[str, str] = {
    "get": "GET PATH [ITEM...]: read",
    "post": "POST PATH [ITEM...] [JSON]: create or act",
    "put": "PUT PATH [ITEM...] [JSON]: replace",
    "patch": "PATCH PATH [ITEM...] [JSON]: update",
    "delete": "DELETE PATH: remove",
    "head": "HEAD PATH: headers only",
    "options": "OPTIONS PATH: allowed methods",
}

#: ``pager MODE``
PAGER_MODES: dict[str, str] = {
    "on": "long output goes through the pager",
    "off": "never page",
}

#: ``output MODE``: how list answers are shown
OUTPUT_MODES: dict[str, str] = {
    "table": "lists as tables (cells cut to the screen)",
    "json": "lists as JSON, whole",
    "csv": "answers as CSV, a column per field (as --format csv)",
    "tsv": "answers as TSV, a column per field (as --format tsv)",
    "yaml": "answers as YAML (as --format yaml)",
}
#: the modes that show every JSON answer in a format (explorer.render.formats)
VIEW_FORMATS = frozenset({"csv", "tsv", "yaml"})


#: the LabOS read parameters every list route understands
READ_PARAMS: dict[str, str] = {
    "sort": "sort by fields: name,-updatedAt",
    "limit": "at most N items",
    "skip": "skip the first N items",
    "fields": "only these fields: name,description",
}

#: attributes every LabOS object has (used before responses taught us better)
COMMON_FIELDS = ("id", "name", "description", "createdBy", "createdAt", "updatedBy", "updatedAt")

COMMON_HEADERS: dict[str, str] = dict(sorted({
    "Accept": "media types the answer may have",
    "Accept-Language": "preferred languages",
    "Cache-Control": "caching directives",
    "Content-Type": "media type of the body",
    "If-Match": "only if the ETag matches",
    "If-None-Match": "only if the ETag differs",
    "Prefer": "preferences (return=minimal)",
    "User-Agent": "client name",
    "X-Request-Id": "a request id for tracing",
    **header_help(),  # the auth schemes' headers (Authorization, apikey)
}.items()))

MEDIA_TYPES = (
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "text/csv",
    "*/*",
)
