"""Request items: HTTPie's grammar for the words after the path.

``limit==5``, ``name=Pipette``, ``count:=3``, ``Accept:text/csv``, ``file@data.csv``,
filters such as ``updatedAt>2023-05-01``.  Pure: parsing does no file I/O and no
network; :func:`load_file_refs` reads the files ``=@`` / ``:=@`` items name.

* :mod:`.syntax`: separators and splitting one item (:func:`parse_item`)
* :mod:`.nested`: HTTPie 3's nested JSON field names (``a[b][]=x``)
* :mod:`.quoting`: minimal quoting of query components (:func:`quote_query`)
* :mod:`.request`: where each item goes (:func:`parse_items`, :func:`apply_items`)
* :mod:`.files`: reading ``=@`` / ``:=@`` files (:func:`load_file_refs`)
"""

from typing import TYPE_CHECKING

from explorer.lazy import lazy_names

if TYPE_CHECKING:
    from explorer.items.files import load_file_refs
    from explorer.items.quoting import quote_query
    from explorer.items.request import RequestItems, apply_items, parse_items
    from explorer.items.syntax import Item, Kind, parse_item

# Imported on first use (explorer.lazy): the shell's line reader and completion need only
# .syntax, and the rest brings the client's models and routing.
__getattr__ = lazy_names(globals(), {
    "load_file_refs": "explorer.items.files",
    "quote_query": "explorer.items.quoting",
    "RequestItems": "explorer.items.request",
    "apply_items": "explorer.items.request",
    "parse_items": "explorer.items.request",
    "Item": "explorer.items.syntax",
    "Kind": "explorer.items.syntax",
    "parse_item": "explorer.items.syntax",
})

__all__ = [
    "Item",
    "Kind",
    "RequestItems",
    "apply_items",
    "load_file_refs",
    "parse_item",
    "parse_items",
    "quote_query",
]
