"""Where a list answer keeps its list: the one place that knows the envelope.

A list answer is a bare JSON array, or an object holding the array under one of
:data:`LIST_KEYS` (LabOS's ``data``, Labstep's ``items``, and the ``results``,
``values`` and ``records`` other APIs use), looked for in that order.  Everything that
reads a list answer asks :func:`list_key` (directly, or through :func:`list_envelope`
and :func:`list_items`): the learned store and the background prefetch, completion
(answers and response schemas), ``--all`` paging, tables and csv/tsv, and ``probe``.

Pure and cheap to import: no I/O, nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: the members of an answer object that hold its list, in the order looked for
LIST_KEYS = ("data", "items", "results", "values", "records")


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def list_key(members: Mapping[str, Any], is_list: Callable[[Any], bool] = _is_list) -> str | None:
    """The first of :data:`LIST_KEYS` in ``members`` whose value ``is_list`` (a JSON
    array by default; a response schema's properties pass a test for an array schema),
    or None."""
    for key in LIST_KEYS:
        if key in members and is_list(members[key]):
            return key
    return None


def list_envelope(body: Any) -> tuple[str | None, list] | None:
    """``(key, items)`` of a list answer (``key`` None for a bare list), None for
    anything else."""
    if isinstance(body, list):
        return None, body
    if isinstance(body, Mapping):
        key = list_key(body)
        if key is not None:
            return key, body[key]
    return None


def list_items(body: Any) -> list | None:
    """The items of a list answer (see :func:`list_envelope`), None when it is none."""
    found = list_envelope(body)
    return found[1] if found is not None else None
