"""parse_items and apply_items: where each item goes, and merging into a RequestSpec."""

from __future__ import annotations

import pytest

from explorer.client.models import NO_BODY, FileField, RequestSpec
from explorer.errors import ItemError, UsageError
from explorer.items import apply_items, parse_items


def test_query_items_are_wire_ready_in_the_order_typed():
    items = parse_items(
        ["limit==5", "updatedAt>2023-05-01", "q==a b&c", "skip==10", "state!=done"],
        method="POST",
    )
    assert items.query == [
        "limit=5",
        "updatedAt>2023-05-01",
        "q=a%20b%26c",
        "skip=10",
        "state!=done",
    ]
    assert items.json is NO_BODY


def test_filter_never_becomes_an_encoded_key():
    items = parse_items(["updatedAt>2023-05-01"], method="GET")
    assert items.query == ["updatedAt>2023-05-01"]
    assert "%3E" not in items.query[0]


def test_filter_value_with_space_and_ampersand_is_encoded():
    items = parse_items(["name>a b&c"], method="GET")
    assert items.query == ["name>a%20b%26c"]


def test_escaped_equals_in_a_query_key_stays_in_the_key():
    assert parse_items([r"a\=b==c"], method="GET").query == ["a%3Db=c"]


@pytest.mark.parametrize("method", ["GET", "DELETE", "HEAD", "OPTIONS", "get"])
def test_plain_equals_is_a_query_parameter_for_query_methods(method):
    items = parse_items(["fields=name,description", "family=@LiquidHandler"], method=method)
    assert items.query == ["fields=name,description", "family=@LiquidHandler"]
    assert items.json is NO_BODY
    assert items.file_refs == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_plain_equals_is_a_json_string_for_body_methods(method):
    items = parse_items(["name=Pipette", "count:=3", "ok:=true", 'tags:=["a"]'], method=method)
    assert items.json == {"name": "Pipette", "count": 3, "ok": True, "tags": ["a"]}
    assert items.query == []


def test_raw_json_is_a_body_even_for_get():
    items = parse_items(['q:={"a": 1}'], method="GET")
    assert items.json == {"q": {"a": 1}}


def test_nested_json():
    items = parse_items(
        ["a[b]=1", "a[c][]:=2", "a[c][]:=3", "tags[]=x", "tags[]=y", "m[1]=z", "n[0][k]=v"],
        method="POST",
    )
    assert items.json == {
        "a": {"b": "1", "c": [2, 3]},
        "tags": ["x", "y"],
        "m": [None, "z"],
        "n": [{"k": "v"}],
    }


def test_top_level_arrays():
    assert parse_items(["[0]=x", "[]=y", "[3]:=1"], method="POST").json == ["x", "y", None, 1]
    assert parse_items(['[]:={"a": 1}'], method="POST").json == [{"a": 1}]


def test_escaped_brackets_and_numbers_are_keys():
    items = parse_items([r"a\[b\]=x", r"c[\1]=y", "007=z", "n[01]=q"], method="POST")
    assert items.json == {"a[b]": "x", "c": {"1": "y"}, "007": "z", "n": [None, "q"]}


def test_last_plain_key_wins():
    assert parse_items(["a=1", "a=2"], method="POST").json == {"a": "2"}


@pytest.mark.parametrize(
    ("args", "position", "words"),
    [
        (["a[b=c"], 3, "expected ']'"),
        (["a[b]]=c"], 4, "expected '['"),
        (["[x]=1"], 1, "expected a number or ']'"),
        (["a]=1"], 1, "expected '['"),
        (["a[]x=1"], 3, "expected '['"),
        (["a=1", "a[b]=2"], 1, "needs 'a' to be an object, but it is a string"),
        (["a[]=1", "a[x]=2"], 1, "needs 'a' to be an object, but it is an array"),
        (["[]=1", "a=2"], 0, "needs the body to be an object, but it is an array"),
        (["a:=null", "a[0]=1"], 1, "needs 'a' to be an array, but it is null"),
        (["a[999999999]=1"], 2, "over the limit"),
    ],
)
def test_bad_nested_paths_point_at_the_bad_token(args, position, words):
    with pytest.raises(ItemError) as info:
        parse_items(args, method="POST")
    err = info.value
    assert err.text == args[-1]
    assert err.position == position
    assert words in err.message
    assert err.caret().splitlines()[1] == " " * position + "^"


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("x:={bad", 4),  # value starts at 3; json fails at its index 1
        ("x:=", 3),
        ("x:=[1,", 6),
        ("x:=tru", 3),
        (r"a\=b:={x", 7),  # the column counts the backslash
    ],
)
def test_invalid_raw_json_caret_at_value_start_plus_json_position(text, position):
    with pytest.raises(ItemError) as info:
        parse_items([text], method="POST")
    assert info.value.position == position
    assert "invalid JSON" in info.value.message
    assert repr(text) in info.value.message


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_constants_are_refused(value):
    with pytest.raises(ItemError, match="not valid JSON"):
        parse_items([f"x:={value}"], method="POST")


@pytest.mark.parametrize(
    ("item", "position", "token"),
    [
        ("n:=1e400", 3, "1e400"),
        ("n:=NaN", 3, "NaN"),
        ("n:=[1, -Infinity]", 7, "-Infinity"),
        ('n:={"a": "1e400", "b": -1e999}', 23, "-1e999"),
        ("x[a]:=[2E308]", 7, "2E308"),
    ],
)
def test_numbers_outside_json_are_refused_with_a_caret_under_them(item, position, token):
    """A float that overflows would go on the wire as Infinity, which no JSON parser takes:
    refused, the caret under the number, like HTTPie's nested-JSON errors."""
    with pytest.raises(ItemError) as info:
        parse_items([item], method="POST")
    assert info.value.position == position
    assert f"{token} is not valid JSON" in str(info.value)
    assert info.value.caret().splitlines()[1] == " " * position + "^"
    assert parse_items(["n:=1.5e300"], method="POST").json == {"n": 1.5e300}


def test_headers_set_unset_and_empty():
    items = parse_items(
        ["Accept:text/csv", "User-Agent:", "X-Empty;", "accept:application/json", "X-Pad: v "],
        method="GET",
    )
    assert items.headers == {
        "User-Agent": None,
        "X-Empty": "",
        "accept": "application/json",
        "X-Pad": "v",
    }


def test_files_make_the_body_multipart():
    items = parse_items(
        ["file@data.csv", "experiment_id=42", "doc@~/a b.pdf;type=application/pdf", "limit==1"],
        method="POST",
    )
    assert items.multipart
    assert items.files == [
        FileField("file", "data.csv", None),
        FileField("doc", "~/a b.pdf", "application/pdf"),
    ]
    assert items.form == {"experiment_id": "42"}
    assert items.json is NO_BODY
    assert items.query == ["limit=1"]


def test_form_fields_with_files_even_for_get_and_in_any_order():
    items = parse_items(["a=1", "f@x.bin", "a[b]=2"], method="GET")
    assert items.form == {"a": "1", "a[b]": "2"}
    assert items.query == []


def test_raw_json_cannot_be_mixed_with_files():
    with pytest.raises(ItemError) as info:
        parse_items(["count:=3", "file@data.csv"], method="POST")
    assert info.value.position == 5
    assert "multipart" in info.value.message
    with pytest.raises(ItemError):
        parse_items(["file@data.csv", "meta:=@m.json"], method="POST")


def test_file_without_a_name():
    with pytest.raises(ItemError) as info:
        parse_items(["file@"], method="POST")
    assert info.value.position == 5
    with pytest.raises(ItemError):
        parse_items(["notes=@"], method="POST")


def test_file_refs_wait_for_the_loader():
    items = parse_items(["name=x", "notes=@notes.txt", "meta:=@m.json"], method="POST")
    assert items.file_refs == [("notes", "notes.txt"), ("meta", "m.json")]
    assert items.json == {"name": "x"}
    with pytest.raises(UsageError, match=r"file items not read yet: 'notes=@notes.txt'"):
        apply_items(RequestSpec("POST", "/x"), items)


def test_file_refs_follow_the_fields_as_they_are_read():
    items = parse_items(["notes=@notes.txt", "meta:=@m.json"], method="POST")
    (_item, entry), _ = items.pending()
    entry.value = "read elsewhere"  # what a loader does, field by field
    items.rebuild()
    assert items.file_refs == [("meta", "m.json")]
    assert items.json == {"notes": "read elsewhere"}


def test_apply_items_merges_into_the_spec():
    spec = RequestSpec(
        "POST",
        "/public/v1/instruments",
        query=["limit=5"],
        headers={"ACCEPT": "*/*", "X-Keep": "1"},
        json={"a": {"x": 1}, "keep": True},
    )
    items = parse_items(
        ["a[y]:=2", "name=P", "skip==10", "Accept:application/json", "X-Drop:"], method="POST"
    )
    result = apply_items(spec, items)
    assert result is spec
    assert spec.query == ["limit=5", "skip=10"]
    assert spec.headers == {"X-Keep": "1", "Accept": "application/json", "X-Drop": None}
    assert spec.json == {"a": {"x": 1, "y": 2}, "keep": True, "name": "P"}
    assert spec.target == "/public/v1/instruments?limit=5&skip=10"


def test_apply_items_copies_the_json():
    items = parse_items(["a[]=1"], method="POST")
    spec = apply_items(RequestSpec("POST", "/x"), items)
    spec.json["a"].append("2")
    assert items.json == {"a": ["1"]}


def test_apply_items_replaces_non_object_json():
    spec = RequestSpec("POST", "/x", json={"a": 1})
    apply_items(spec, parse_items(["[]=1"], method="POST"))
    assert spec.json == ["1"]


def test_apply_items_multipart():
    spec = RequestSpec("POST", "/api/generic/file/upload")
    apply_items(spec, parse_items(["file@a.csv", "experiment_id=7"], method="POST"))
    assert spec.files == [FileField("file", "a.csv", None)]
    assert spec.form == {"experiment_id": "7"}
    assert spec.json is NO_BODY


def test_apply_items_refuses_two_kinds_of_body():
    with pytest.raises(UsageError, match="JSON body and a multipart body"):
        apply_items(RequestSpec("POST", "/x", json={"a": 1}), parse_items(["f@x"], method="POST"))
    with pytest.raises(UsageError, match="JSON body and a multipart body"):
        apply_items(RequestSpec("POST", "/x", form={"a": "1"}), parse_items(["b=2"], method="POST"))
    with pytest.raises(UsageError, match="raw body"):
        apply_items(RequestSpec("POST", "/x", data=b"raw"), parse_items(["b=2"], method="POST"))


def test_apply_items_refuses_unread_files():
    with pytest.raises(UsageError, match="not read yet"):
        apply_items(RequestSpec("POST", "/x"), parse_items(["n=@f.txt"], method="POST"))


def test_no_items():
    items = parse_items([], method="POST")
    spec = apply_items(RequestSpec("POST", "/x"), items)
    assert spec == RequestSpec("POST", "/x")
