"""The registry: discovered routes as a segment trie and as command names.

``Registry(routes)`` answers which routes match a path (404 vs 405 before sending),
what may follow a prefix (completion), and which commands exist
(``instruments commands kill ID CID``).  Pure, no I/O.
"""

from explorer.registry.model import Child, Entry, Resolution, Route
from explorer.registry.registry import METHODS, Registry, RouteIndexError

__all__ = ["METHODS", "Child", "Entry", "Registry", "Resolution", "Route", "RouteIndexError"]
