"""explorer.variables: {{name}} and {{last.data.0.id}} templating."""

import pytest

from explorer.errors import UsageError
from explorer.variables import as_text, expand, expand_items, lookup, paths

SCOPE = {
    "pid": "p-1",
    "n": 3,
    "last": {"id": "abc", "data": [{"id": "d0", "tags": ["x"]}, {"id": "d1"}], "ok": True},
}


def test_expand_replaces_names_and_dotted_paths():
    assert expand("/x/{{pid}}/{{last.data.1.id}}", SCOPE) == "/x/p-1/d1"


def test_spaces_inside_braces_are_allowed():
    assert expand("{{ last.id }}", SCOPE) == "abc"


def test_non_strings_are_inserted_as_compact_json():
    assert expand("count:={{n}}", SCOPE) == "count:=3"
    assert expand("{{last.data.0.tags}}", SCOPE) == '["x"]'
    assert expand("{{last.ok}}", SCOPE) == "true"


def test_negative_list_index_counts_from_the_end():
    assert lookup(SCOPE, "last.data.-1.id") == "d1"


def test_unknown_name_names_it_and_the_known_ones():
    with pytest.raises(UsageError, match=r"unknown variable 'nope'.*known: last, n, pid"):
        expand("{{nope}}", SCOPE)


def test_a_path_that_leads_nowhere_says_where_it_stopped():
    with pytest.raises(UsageError, match=r"last.data.0 has no 'missing'"):
        expand("{{last.data.0.missing}}", SCOPE)
    with pytest.raises(UsageError, match=r"last.data has no '7'"):
        lookup(SCOPE, "last.data.7")


def test_text_without_templates_and_unclosed_braces_are_left_alone():
    assert expand("plain {{ not closed", SCOPE) == "plain {{ not closed"
    assert expand('{"a": {"b": 1}}', SCOPE) == '{"a": {"b": 1}}'


def test_as_text():
    assert as_text("s") == "s"
    assert as_text(None) == "null"


def test_paths_offers_dotted_references_with_their_values():
    found = dict(paths(SCOPE["last"], prefix="last"))
    assert found["last.id"] == "abc"
    assert found["last.data.0.id"] == "d0"
    assert found["last.data.1.id"] == "d1"
    assert found["last.data.0.tags.0"] == "x"
    assert found["last.data"] is SCOPE["last"]["data"]
    # breadth-first: every reference one level down comes before any two levels down
    depths = [ref.count(".") for ref, _ in paths(SCOPE["last"], prefix="last")]
    assert depths == sorted(depths)


def test_paths_is_bounded():
    big = {f"k{i}": {"x": i} for i in range(1000)}
    assert len(list(paths(big, prefix="v", limit=50))) == 50


def test_items_keep_the_json_type_of_a_whole_reference_in_a_body():
    scope = {"pid": 7, "on": True, "none": None, "obj": {"a": [1]}, "text": "7", "ids": [1, 2]}
    items = [
        "protocol_id={{pid}}", "flag={{ on }}", "gone={{none}}", "meta={{obj}}", "ids={{ids}}",
        "label={{text}}", "name=Run {{pid}}", "suffix={{pid}}x", "raw:={{pid}}", "q=={{pid}}",
        "a\\=b={{pid}}", "{{text}}",
    ]
    assert expand_items(items, scope, body=True) == [
        "protocol_id:=7", "flag:=true", "gone:=null", 'meta:={"a": [1]}', "ids:=[1, 2]",
        "label=7", "name=Run 7", "suffix=7x", "raw:=7", "q==7",
        "a\\=b:=7", "7",
    ]
    # a query (GET) carries text, and a multipart body has no JSON fields
    assert expand_items(["n={{pid}}"], scope, body=False) == ["n=7"]
    assert expand_items(["n={{pid}}", "file@x.csv"], scope, body=True) == ["n=7", "file@x.csv"]
    with pytest.raises(UsageError, match="unknown variable 'nope'"):
        expand_items(["n={{nope}}"], scope, body=True)
