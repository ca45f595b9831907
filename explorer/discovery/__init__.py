"""Discovery: the sources of routes, the per-server cache, and loading a registry.

* :mod:`.sources`: ``/discover``, OpenAPI documents and routes files
* :mod:`.cache`: the per-server cache of what a source gave
* :mod:`.loader`: :class:`Discovery`, cache first and the network only when needed

The names below are imported on first use: reading the cache alone (shell completion
of one-shot commands) loads neither the sources nor the client.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explorer.discovery.cache import DiscoveryCache
    from explorer.discovery.loader import Change, Discovery
    from explorer.discovery.sources import DiscoverSource, RoutesFileSource, SpecSource

_WHERE = {
    "DiscoveryCache": "cache",
    "Change": "loader",
    "Discovery": "loader",
    "DiscoverSource": "sources",
    "RoutesFileSource": "sources",
    "SpecSource": "sources",
}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'explorer.discovery' has no attribute {name!r}")
    import importlib

    found = getattr(importlib.import_module(f"explorer.discovery.{module}"), name)
    globals()[name] = found
    return found


__all__ = [
    "Change",
    "DiscoverSource",
    "Discovery",
    "DiscoveryCache",
    "RoutesFileSource",
    "SpecSource",
]
