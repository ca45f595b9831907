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

from explorer.items.files import load_file_refs
from explorer.items.quoting import quote_query
from explorer.items.request import RequestItems, apply_items, parse_items
from explorer.items.syntax import Item, Kind, parse_item

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
