"""The fixed words of the shell: HTTP verbs, its own commands, headers, query keys.

Shared by :mod:`.suggest` (what kind of word is expected), :mod:`.completer`
(candidates with descriptions) and :mod:`.commands` (what each command does).
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

#: the shell's own commands: name -> (usage, description)
SHELL_COMMANDS: dict[str, tuple[str, str]] = {
    "cd": ("cd [PATH]", "move to PATH in the route tree (relative paths then work)"),
    "ls": ("ls [PATH]", "what follows the current path"),
    "routes": ("routes [FILTER]", "list the discovered routes and command names"),
    "help": ("help [COMMAND | GROUP]", "this help, a command's route and fields, or a group's"),
    "refresh": ("refresh", "fetch the routes again and show what changed"),
    "set": ("set NAME=VALUE", "set a variable, used as {{NAME}} in any later line"),
    "unset": ("unset NAME", "forget a variable"),
    "vars": ("vars", "list the variables (and what {{last...}} holds)"),
    "headers": ("headers [Name:value | Name:]", "show, set or remove default headers"),
    "history": ("history [N]", "the last N lines typed"),
    "output": ("output [table | json | csv | tsv | yaml]",
               "show lists as tables or JSON, or every answer as csv, tsv or yaml"),
    "record": ("record start NAME | record stop", "record exchanges to sessions/NAME.jsonl"),
    "pager": ("pager [on | off]", "page long output (less, or $PAGER) or never"),
    "connect": ("connect PROFILE | URL [--routes F]", "switch server and profile (psql's \\c)"),
    "login": ("login [NAME]", "Labstep's login: the key it gives is used at once"),
    "exit": ("exit", "leave the shell (Ctrl-D too)"),
    "quit": ("quit", "leave the shell"),
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
