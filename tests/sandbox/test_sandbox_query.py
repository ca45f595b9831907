"""LabOS list queries, pure: parsing the raw query string and applying it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.sandbox import query
from explorer.sandbox.query import Filter, SortKey
from explorer.sandbox.wire import ApiError

KNOWN = {"id", "name", "updatedAt", "slots", "tags", "actions", "family", "note"}
DOCS = [
    {"id": "a", "name": "beta", "slots": 10, "updatedAt": "2023-05-02T00:00:00.000Z",
     "tags": ["robot", "shared"], "actions": [{"action": "prime", "params": {"volume": 5}}]},
    {"id": "b", "name": "alpha", "slots": 9, "updatedAt": "2023-04-30T00:00:00.000Z",
     "tags": ["shared"], "actions": [{"action": "read", "params": {"volume": 50}}]},
    {"id": "c", "name": "gamma", "slots": 100, "updatedAt": "2023-05-01T00:00:00.000Z",
     "tags": [], "actions": [], "note": None},
    {"id": "d", "name": "alpha", "slots": 2, "updatedAt": "2023-06-01T00:00:00.000Z",
     "tags": ["robot"], "actions": [{"action": "prime", "params": {}},
                                    {"action": "wash", "params": {"volume": 7}}],
     "family": "fam1"},
]  # fmt: skip


def ids(raw: str, docs=DOCS, resolve=None) -> list[str]:
    parsed = query.parse(raw, known=KNOWN)
    return [d["id"] for d in query.apply(parsed, docs, resolve=resolve)]


def refused(raw: str) -> ApiError:
    with pytest.raises(ApiError) as caught:
        query.parse(raw, known=KNOWN)
    assert caught.value.status == 400
    return caught.value


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ("updatedAt>2023-05-01", ("updatedAt", ">", "2023-05-01")),
        ("updatedAt>=2023", ("updatedAt", ">=", "2023")),
        ("slots<5", ("slots", "<", "5")),
        ("slots<=5", ("slots", "<=", "5")),
        ("name!=x", ("name", "!=", "x")),
        ("name=a=b>c", ("name", "=", "a=b>c")),
        ("name=>x", ("name", "=", ">x")),
        ("a>b=c", ("a", ">", "b=c")),
        ("updatedAt%3E2023", ("updatedAt", ">", "2023")),
        ("updatedAt%3e2023", ("updatedAt", ">", "2023")),
        ("updatedAt%3C=2023-05-01", ("updatedAt", "<=", "2023-05-01")),
        ("updatedAt%3E%3D2023", ("updatedAt", ">=", "2023")),
        ("name%21=x", ("name", "!=", "x")),
        ("name!%3Dx", ("name", "!=", "x")),
        ("name%21x", None),
        ("name=a%3Cb", ("name", "=", "a%3Cb")),
        ("name%3Dx", None),
        ("a%20b%3Ec", ("a%20b", ">", "c")),
        ("flag", None),
        ("%", None),
        ("x%3", None),
    ],
)
def test_the_first_operator_splits_a_component(component, expected):
    assert query.split_component(component) == expected


def test_filter_without_any_equals_sign_is_kept():
    parsed = query.parse("updatedAt>2023-05-01", known=KNOWN)
    assert parsed.filters == [Filter(("updatedAt",), ">", "2023-05-01")]


def test_an_encoded_operator_is_the_same_filter_as_the_raw_one():
    for raw, encoded in [
        ("updatedAt>2023-05-01", "updatedAt%3E2023-05-01"),
        ("updatedAt<=2023-05-01", "updatedAt%3C=2023-05-01"),
        ("slots>=9", "slots%3E%3D9"),
        ("name!=alpha", "name%21=alpha"),
    ]:
        assert query.parse(encoded, known=KNOWN) == query.parse(raw, known=KNOWN)
        assert ids(encoded) == ids(raw), raw


def test_a_component_without_operator_is_refused_naming_the_forms():
    error = refused("flag")
    assert "has no operator" in error.message
    assert "field>value" in error.details


def test_keys_and_values_are_decoded_after_splitting():
    parsed = query.parse("name=a%26b%3Dc&note=x+y%2B", known=KNOWN)
    assert parsed.filters == [Filter(("name",), "=", "a&b=c"), Filter(("note",), "=", "x y+")]


def test_reserved_parameters():
    parsed = query.parse("sort=name,-updatedAt&limit=5&skip=10&fields=name,actions.action")
    assert parsed.sort == [SortKey(("name",)), SortKey(("updatedAt",), True)]
    assert (parsed.limit, parsed.skip) == (5, 10)
    assert parsed.fields == [("name",), ("actions", "action")]


@pytest.mark.parametrize(
    "raw",
    [
        "limit=abc", "limit=-1", "limit=", "limit=1.5", "skip=x", "skip=-3", "limit>3",
        "limit=1&limit=2", "sort=", "sort=name,", "sort=-", "fields=", "fields=name,,id",
        "sort=nope", "fields=nope", "nope=1", "nope.x=1", "name..x=1", "=value",
        "family>@x", "family=@", "limit=%zz", "name=%E9", "na%Gme=1",
    ],
)  # fmt: skip
def test_malformed_queries_are_400(raw):
    refused(raw)


def test_unknown_field_names_the_known_ones():
    error = refused("colour=red")
    assert "unknown field 'colour'" in error.message
    assert "updatedAt" in error.details


def test_equals_and_not_equals():
    assert ids("name=alpha") == ["b", "d"]
    assert ids("name!=alpha") == ["a", "c"]
    assert ids("name=nobody") == []


def test_orderings_compare_dates_as_strings():
    assert ids("updatedAt>2023-05-01") == ["a", "c", "d"]  # "2023-05-01T..." > "2023-05-01"
    assert ids("updatedAt>2023-05-01T00:00:00.000Z") == ["a", "d"]
    assert ids("updatedAt>=2023-05-01T00:00:00.000Z") == ["a", "c", "d"]
    assert ids("updatedAt<2023-05-01") == ["b"]
    assert ids("updatedAt<=2023-05-01T00:00:00.000Z") == ["b", "c"]


def test_numbers_compare_numerically():
    assert ids("slots>9") == ["a", "c"]  # as strings, "10" < "9" and "100" < "9"
    assert ids("slots<10") == ["b", "d"]
    assert ids("slots>=10") == ["a", "c"]
    assert ids("slots<=9") == ["b", "d"]
    assert ids("slots=10.0") == ["a"]
    assert ids("slots!=10") == ["b", "c", "d"]


def test_dotted_paths_reach_into_arrays_of_objects():
    assert ids("actions.action=prime") == ["a", "d"]
    assert ids("actions.action!=prime") == ["b", "c"]
    assert ids("actions.params.volume>6") == ["b", "d"]
    assert ids("tags=robot") == ["a", "d"]
    assert ids("tags!=robot") == ["b", "c"]


def test_missing_fields_and_json_literals():
    assert ids("family=fam1") == ["d"]
    assert ids("family!=fam1") == ["a", "b", "c"]
    assert ids("family>a") == ["d"]
    assert ids("note=null") == ["c"]


def test_references_by_name():
    names = {"LiquidHandler": {"fam1"}}
    resolve = lambda name: names.get(name, set())  # noqa: E731
    assert ids("family=@LiquidHandler", resolve=resolve) == ["d"]
    assert ids("family!=@LiquidHandler", resolve=resolve) == ["a", "b", "c"]
    assert ids("family=@Unknown", resolve=resolve) == []
    docs = [{"id": "x", "name": "@home"}, {"id": "y", "name": "home"}]
    assert ids("name=@@home", docs=docs) == ["x"]


def test_sort_by_several_keys_ties_keep_creation_order():
    assert ids("sort=name") == ["b", "d", "a", "c"]
    assert ids("sort=name,-updatedAt") == ["d", "b", "a", "c"]
    assert ids("sort=-name") == ["c", "a", "b", "d"]
    assert ids("sort=-slots") == ["c", "a", "b", "d"]
    assert ids("sort=family") == ["a", "b", "c", "d"]  # missing sorts first, stable


def test_paging_edges():
    assert ids("limit=2") == ["a", "b"]
    assert ids("skip=1&limit=2") == ["b", "c"]
    assert ids("skip=3&limit=5") == ["d"]
    assert ids("skip=4") == []
    assert ids("skip=400") == []
    assert ids("limit=0") == ["a", "b", "c", "d"]  # 0: no limit, as in MongoDB


def test_fields_projection():
    parsed = query.parse("fields=name,actions.action&limit=1", known=KNOWN)
    assert query.apply(parsed, DOCS) == [
        {"id": "a", "name": "beta", "actions": [{"action": "prime"}]}
    ]
    parsed = query.parse("fields=actions.params.volume,actions", known=KNOWN)
    assert query.apply(parsed, DOCS)[0]["actions"] == DOCS[0]["actions"]
    parsed = query.parse("fields=family", known=KNOWN)
    assert query.apply(parsed, DOCS)[0] == {"id": "a"}  # id always kept


@given(st.text(alphabet="ab=<>!%&+2C", max_size=30))
def test_parse_never_fails_except_with_a_400(raw):
    try:
        parsed = query.parse(raw, known={"a", "b", "ab"})
    except ApiError as error:
        assert error.status == 400
    else:
        query.apply(parsed, [{"id": "1", "a": "x", "b": 2}, {"id": "2"}])
