"""Discovery: the sources of routes, the per-server cache, and loading a registry.

* :mod:`.sources`: ``/discover``, OpenAPI documents and routes files
* :mod:`.cache`: the per-server cache of what a source gave
* :mod:`.loader`: :class:`Discovery`, cache first and the network only when needed

The names below are imported on first use: reading the cache alone (shell completion
of one-shot commands) loads neither the sources nor the client.
"""

from typing import TYPE_CHECKING

from explorer.lazy import lazy_names

if TYPE_CHECKING:
    from explorer.discovery.cache import DiscoveryCache
    from explorer.discovery.loader import Change, Discovery
    from explorer.discovery.sources import DiscoverSource, RoutesFileSource, SpecSource

__getattr__ = lazy_names(globals(), {
    "DiscoveryCache": "explorer.discovery.cache",
    "Change": "explorer.discovery.loader",
    "Discovery": "explorer.discovery.loader",
    "DiscoverSource": "explorer.discovery.sources",
    "RoutesFileSource": "explorer.discovery.sources",
    "SpecSource": "explorer.discovery.sources",
})

__all__ = [
    "Change",
    "DiscoverSource",
    "Discovery",
    "DiscoveryCache",
    "RoutesFileSource",
    "SpecSource",
]
