"""Discovery: the sources of routes, the per-server cache, and loading a registry."""

from explorer.discovery.cache import DiscoveryCache
from explorer.discovery.loader import Change, Discovery
from explorer.discovery.sources import DiscoverSource, RoutesFileSource, SpecSource

__all__ = [
    "Change",
    "DiscoverSource",
    "Discovery",
    "DiscoveryCache",
    "RoutesFileSource",
    "SpecSource",
]
