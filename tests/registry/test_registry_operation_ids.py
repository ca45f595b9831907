"""Command names from operationIds: the word rule, and collisions keeping the visible
numbering rule of explorer.registry.naming."""

from __future__ import annotations

import pytest

from explorer.registry import Registry, Route
from explorer.registry.naming import operation_words


@pytest.mark.parametrize(("operation_id", "words"), [
    ("repos/get", ("repos", "get")),
    ("issues/list-for-repo", ("issues", "list-for-repo")),
    ("listPets", ("list-pets",)),
    ("list_pets", ("list-pets",)),
    ("ListPets", ("list-pets",)),
    ("pets.list", ("pets", "list")),
    ("getHTTPStatus", ("get-http-status",)),
    ("read_item_items__item_id__get", ("read-item-items-item-id-get",)),
    ("  ", ()),
    ("__", ()),
    (None, ()),
])
def test_the_word_rule(operation_id, words):
    assert operation_words(operation_id) == words


def test_colliding_operation_ids_keep_the_numbering_rule():
    routes = [
        Route("GET", "/a/:id", operation_id="things/get", origin="spec"),
        Route("GET", "/b/:key", operation_id="things/get", origin="spec"),
        Route("GET", "/c", operation_id="things_Get", origin="spec"),
        Route("GET", "/things"),  # no operationId: the path rule (things list)
    ]
    names = {e.route.path: e.name for e in Registry(routes).entries}
    assert names == {
        "/a/:id": "things get by-id",
        "/b/:key": "things get by-key",
        "/c": "things-get",
        "/things": "things list",
    }
