"""JMESPath filters: compiled before sending, errors with a caret, and the keys offered
after ``|`` in the shell."""

from __future__ import annotations

import pytest

from explorer.errors import EXIT_USAGE
from explorer.render.error import format_error
from explorer.render.filter import (
    FilterError,
    FilterTypeError,
    apply_filter,
    compile_filter,
    filter_keys,
)

DATA = {"data": [{"id": "1", "name": "a", "status": "idle", "acl": {"owner": "u"}},
                 {"id": "2", "name": "b", "status": "busy"}], "total": 2}


def test_expressions_select_project_and_compute():
    assert apply_filter(compile_filter("data[].name"), DATA) == ["a", "b"]
    assert apply_filter(compile_filter("data[?status=='idle'].id"), DATA) == ["1"]
    assert apply_filter(compile_filter("length(data)"), DATA) == 2
    assert apply_filter(compile_filter("data[0].{n: name, o: acl.owner}"), DATA) == {
        "n": "a", "o": "u"}


def test_a_bad_expression_is_a_usage_error_with_a_caret():
    with pytest.raises(FilterError) as caught:
        compile_filter("data[?name=='x'")
    assert caught.value.exit_code == EXIT_USAGE
    lines = format_error(caught.value)
    assert lines[0].startswith("explorer: --filter: not a JMESPath expression")
    assert lines[1] == "  data[?name=='x'" and lines[2].endswith("^")
    with pytest.raises(FilterError, match="empty"):
        compile_filter("  ")
    with pytest.raises(FilterError, match="nested too deeply"):
        compile_filter("(" * 5000 + "a" + ")" * 5000)
    with pytest.raises(FilterTypeError, match="abs"):
        apply_filter(compile_filter("abs(data)"), DATA)


def test_keys_after_the_expression_so_far():
    assert filter_keys("", DATA) == ("", ["data", "total"])
    assert filter_keys("data[].", DATA) == ("", ["acl", "id", "name", "status"])
    assert filter_keys("data[].na", DATA) == ("na", ["name"])
    assert filter_keys("data[0].acl.", DATA) == ("", ["owner"])
    assert filter_keys("data | ", DATA)[1] == ["acl", "id", "name", "status"]
    assert filter_keys("data[", DATA) == ("", [])
    assert filter_keys("nothing.", DATA) == ("", [])
    hostile = {"a b": 1, "x\x1b]0;t\x07": 2, "y\x9b": 3}
    keys = filter_keys("", hostile)[1]
    assert keys == ['"a b"', '"x\\u001b]0;t\\u0007"', '"y\\u009b"']
    assert all(apply_filter(compile_filter(k), hostile) for k in keys)  # each one selects
