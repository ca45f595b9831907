"""What a route does (``Entry.action``) is set when the registry names it, from the
method and the route's shape, whatever the command is called; the discovery cache
keeps it, and confirmation (``Prepared.destructive``) and id remembering read it."""

from __future__ import annotations

from types import SimpleNamespace

from explorer.client.models import RequestSpec
from explorer.discovery.cache import DiscoveryCache
from explorer.engine import Prepared
from explorer.registry import Registry, Route


def _actions(reg: Registry) -> dict[str, str]:
    return {e.name: e.action for e in reg.entries}


def test_derived_names_carry_their_action(labos, labstep):
    assert _actions(labos) == {
        "instruments list": "list",
        "instruments get": "get",
        "instruments create": "create",
        "instruments replace": "replace",
        "instruments update": "update",
        "instruments delete": "delete",
        "instruments commands list": "list",
        "instruments commands get": "get",
        "instruments commands create": "create",
        "instruments commands kill": "kill",
        "instruments actions get": "get",
    }
    assert _actions(labstep)["public-api user login"] == "login"
    assert _actions(labstep)["api generic file upload"] == "upload"


def test_a_post_to_an_item_and_other_methods():
    reg = Registry([Route("POST", "/x/:id"), Route("OPTIONS", "/x"), Route("GET", "/x/:id")])
    assert _actions(reg) == {"x post": "post", "x options": "options", "x get": "get"}


def test_the_action_follows_the_route_not_its_name():
    routes = [
        # a routes file's names that say otherwise
        Route("GET", "/things/:id", command="things delete"),
        Route("POST", "/things", command="things kill"),
        Route("POST", "/things/:id/kill", command="things create"),
        # an API description's operationIds
        Route("POST", "/pets", operation_id="createPet", origin="spec"),
        Route("GET", "/pets/:petId", operation_id="showPetById", origin="spec"),
        Route("DELETE", "/pets/:petId", operation_id="removePet", origin="spec"),
        Route("POST", "/pets/:petId/feed", operation_id="pets/list", origin="spec"),
    ]
    assert _actions(Registry(routes)) == {
        "things delete": "get",
        "things kill": "create",
        "things create": "kill",
        "create-pet": "create",
        "show-pet-by-id": "get",
        "remove-pet": "delete",
        "pets list": "feed",
    }


def test_the_two_halves_of_an_optional_id_and_a_renamed_collision():
    reg = Registry([Route("GET", "/a/:id?"), Route("GET", "/a/list")])
    actions = sorted((e.route.path, e.action) for e in reg.entries)
    assert actions == [("/a/:id?", "get"), ("/a/:id?", "list"), ("/a/list", "list")]


def test_the_cache_keeps_the_action(tmp_path, labos_routes):
    routes = [*labos_routes, Route("POST", "/public/v1/pets", operation_id="addPet"),
              Route("GET", "/public/v1/pets/:id")]
    built = Registry(routes)
    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover:/discover")
    cache.write(None, built)
    read = cache.read()
    assert read is not None
    assert _actions(read.registry) == _actions(built)
    assert _actions(read.registry)["add-pet"] == "create"
    assert read.registry.entries == built.entries


def _prepared(reg: Registry, name: str) -> Prepared:
    entry, _rest = reg.lookup_command(name.split())
    return Prepared(RequestSpec(entry.method, "/x"), entry=entry)


def test_confirmation_reads_the_action():
    reg = Registry([
        Route("GET", "/things/:id", command="things delete"),
        Route("POST", "/things", command="things kill"),
        Route("POST", "/things/:id/kill", command="things create"),
        Route("POST", "/pets", operation_id="createPet", origin="spec"),
        Route("DELETE", "/pets/:petId", operation_id="removePet", origin="spec"),
        Route("POST", "/pets/:petId/feed", operation_id="feedPet", origin="spec"),
        Route("POST", "/files/upload", command="send file"),
    ])
    asks = {e.name: _prepared(reg, e.name).destructive for e in reg.entries}
    assert asks == {
        "things delete": False,  # a GET, whatever it is called
        "things kill": False,  # a create
        "things create": True,  # an action route
        "create-pet": False,
        "remove-pet": True,
        "feed-pet": True,
        "send file": False,  # an upload
    }
    # what is sent decides first: a DELETE asks on any path, a HEAD never
    assert Prepared(RequestSpec("DELETE", "/pets/1"), entry=None).destructive
    head = Prepared(RequestSpec("HEAD", "/pets/1"), entry=SimpleNamespace(action="kill"))
    assert not head.destructive
