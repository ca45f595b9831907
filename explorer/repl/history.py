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

MASK = "***"
_VALUE = r"(\"[^\"]*\"|'[^']*'|(?:Bearer|Basic|Token)\s+[^\s'\"]+|[^\s'\"]+)"
_RULES = (
    # --token T, --api-key=K, --password P
    re.compile(r"(?i)(--(?:token|api-key|apikey|password))(\s+|=)" + _VALUE),
    # Header items: Authorization:Bearer x, apikey:k (also as quoted words)
    re.compile(
        r"(?i)\b(authorization|proxy-authorization|apikey|api-key|x-api-key|cookie|set-cookie)"
        r"(:=|==|=|:)\s*" + _VALUE
    ),
    # Field items: password=x, api_key:=..., token==x
    re.compile(
        r"(?i)\b((?:password|passwd|api_key|apikey|token|access_token|secret|client_secret))"
        r"(:=|==|=)" + _VALUE
    ),
    # JSON bodies: "password": "x"
    re.compile(
        r"(?i)(\"(?:password|passwd|api_key|apikey|token|access_token|secret|client_secret)\")"
        r"(\s*:\s*)(\"(?:[^\"\\]|\\.)*\")"
    ),
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
