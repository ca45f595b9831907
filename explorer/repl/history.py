"""Shell history that never writes a secret to disk.

:func:`scrub` masks what a line may carry: values of ``--token``/``--api-key``/
``--password`` options, credential headers (``Authorization:Bearer x``, ``apikey:k``,
``Cookie:...``), ``password``/``api_key``/``token``/``secret`` fields in items and JSON
bodies, and every known secret value (the profile's token or key) wherever it appears.
Masked values become ``***``; the line in memory (Up arrow, Ctrl-R) stays as typed for
the current session, the file gets the scrubbed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from prompt_toolkit.history import FileHistory

from explorer.secrets import AUTH_HEADERS, FIELD_NAMES, SECRET_HEADERS

MASK = "***"
_VALUE = r"(\"[^\"]*\"|'[^']*'|(?:Bearer|Basic|Token)\s+[^\s'\"]+|[^\s'\"]+)"
_HEADERS = "|".join(sorted(map(re.escape, AUTH_HEADERS | SECRET_HEADERS), key=len, reverse=True))
_FIELDS = "|".join(sorted(map(re.escape, FIELD_NAMES), key=len, reverse=True))
_RULES = (
    # --token T, --api-key=K, --password P
    re.compile(r"(?i)(--(?:token|api-key|apikey|password))(\s+|=)" + _VALUE),
    # Header items: Authorization:Bearer x, apikey:k (also as quoted words)
    re.compile(rf"(?i)\b({_HEADERS})(:=|==|=|:)\s*" + _VALUE),
    # Field items: password=x, api_key:=..., token==x
    re.compile(rf"(?i)\b((?:\w*_password|{_FIELDS}))(:=|==|=)" + _VALUE),
    # JSON bodies: "password": "x"
    re.compile(rf"(?i)(\"(?:\w*_password|{_FIELDS})\")" r"(\s*:\s*)(\"(?:[^\"\\]|\\.)*\")"),
)


def scrub(line: str, secrets: Iterable[str] = ()) -> str:
    """``line`` with every secret replaced by ``***`` (see the module docstring)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            line = line.replace(secret, MASK)
    for rule in _RULES:
        line = rule.sub(lambda m: f"{m.group(1)}{m.group(2)}{_mask(m.group(3))}", line)
    return line


def _mask(value: str) -> str:
    if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) >= 2:
        return f"{value[0]}{MASK}{value[0]}"
    return MASK


class ScrubbedFileHistory(FileHistory):
    """A :class:`FileHistory` whose file only ever receives scrubbed lines."""

    def __init__(self, filename: str, *, secrets: Callable[[], Iterable[str]]) -> None:
        super().__init__(filename)
        self._secrets = secrets

    def store_string(self, string: str) -> None:
        super().store_string(scrub(string, self._secrets()))
