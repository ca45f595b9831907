"""The registry: discovered routes as a segment trie and as command names.

``Registry(routes)`` answers which routes match a path (404 vs 405 before sending),
what may follow a prefix (completion), and which commands exist
(``instruments commands kill ID CID``) and what each does (``Entry.action``: list,
get, create, replace, update, delete, post or an action word, set when it is named,
never guessed from the name).  Its word index (:meth:`Registry.commands_starting`,
:meth:`Registry.find_command`) is the one every completion asks.  Pure, no I/O.
"""

from explorer.registry.model import Child, Entry, Resolution, Route
from explorer.registry.registry import METHODS, Registry, RouteIndexError

__all__ = ["METHODS", "Child", "Entry", "Registry", "Resolution", "Route", "RouteIndexError"]
