"""Package names imported on first use (PEP 562): the one way explorer's packages do it.

``explorer.client``, ``explorer.discovery`` and ``explorer.render`` name what they offer
in their ``__init__`` but import it only when asked, so importing one small module of a
package (``explorer.render.text`` for every argument check, ``explorer.client.urls``
for a cache key) never loads the rest: ``scripts/bench``'s import figure measures it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def lazy_names(namespace: dict[str, Any], where: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the module whose globals are ``namespace``: each name
    of ``where`` comes from the module ``where[name]`` names (absolute), imported on
    first use and then kept in ``namespace``."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module

        found = getattr(import_module(module), name)
        namespace[name] = found
        return found

    return __getattr__
