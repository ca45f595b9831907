"""Registry.children: what may follow a typed prefix, for completion."""

from __future__ import annotations

from explorer.registry import Child, Registry, Route


def _texts(children: list[Child]) -> list[str]:
    return [c.text for c in children]


def test_root_and_the_common_prefix(labos):
    assert _texts(labos.children("")) == ["public"]
    assert _texts(labos.children("/")) == ["public"]
    assert _texts(labos.children("/public/")) == ["v1"]
    (instruments,) = labos.children("/public/v1/")
    assert instruments == Child(
        text="instruments",
        kind="literal",
        name=None,
        methods=frozenset({"GET", "POST"}),
        commands=("instruments create", "instruments list"),
        has_children=True,
    )


def test_a_param_edge(labos):
    (param,) = labos.children("/public/v1/instruments/")
    assert param.kind == "param" and param.text == ":id" and param.name == "id"
    assert param.methods == {"GET", "PUT", "PATCH", "DELETE"}
    assert param.commands == (
        "instruments delete", "instruments get", "instruments replace", "instruments update"
    )
    assert param.has_children


def test_after_a_concrete_id(labos):
    children = labos.children("/public/v1/instruments/abc123/")
    assert _texts(children) == ["actions", "commands"]
    actions, commands = children
    assert actions.methods == frozenset() and actions.has_children
    assert commands.methods == {"GET", "POST"}
    assert commands.commands == ("instruments commands create", "instruments commands list")


def test_deeper_levels_and_leaves(labos):
    (cid,) = labos.children("/public/v1/instruments/1/commands/")
    assert cid.text == ":cid" and cid.methods == {"GET"} and cid.has_children
    (kill,) = labos.children("/public/v1/instruments/1/commands/2/")
    assert kill.text == "kill" and kill.methods == {"POST"} and not kill.has_children
    assert kill.commands == ("instruments commands kill",)
    assert labos.children("/public/v1/instruments/1/commands/2/kill/") == []


def test_unknown_prefixes_and_partial_segments(labos):
    assert labos.children("/nope/") == []
    assert labos.children("/public/v1/instr") == labos.children("/public/v1/")
    assert labos.children("/PUBLIC/V1/") == labos.children("/public/v1/")
    assert labos.children("/public/v1/instruments//") == []


def test_literal_and_param_siblings_are_merged():
    reg = Registry([
        Route("GET", "/users/me/settings"),
        Route("GET", "/users/:id/posts"),
        Route("GET", "/users/:uid/friends"),
        Route("GET", "/users/me"),
    ])
    children = reg.children("/users/")
    assert _texts(children) == ["me", ":id"]  # literals first; the first name given
    # "me" is both a literal and a value of the param: both levels are offered
    assert _texts(reg.children("/users/me/")) == ["friends", "posts", "settings"]
    assert _texts(reg.children("/users/42/")) == ["friends", "posts"]


def test_complex_segments_are_offered_as_params():
    reg = Registry([Route("GET", "/api/users/:from..:to"), Route("GET", "/files/*")])
    (span,) = reg.children("/api/users/")
    assert (span.text, span.kind, span.name, span.methods) == (
        ":from..:to", "param", "from", frozenset({"GET"})
    )
    (star,) = reg.children("/files/")
    assert (star.text, star.name, star.has_children) == ("*", "0", False)


def test_literal_spelling_is_kept():
    reg = Registry([Route("GET", "/Api/Users"), Route("GET", "/api/users/:id")])
    assert _texts(reg.children("/")) == ["Api"]
    assert _texts(reg.children("/api/")) == ["Users"]
