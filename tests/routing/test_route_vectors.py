"""Every applicable vector of tests/data/route-patterns.json agrees with RoutePattern.

The vectors come from the real test suites of path-to-regexp 0.1.13 and 8.4.2 and
from Express 4 (see tests/data/route-patterns-notes.md).  Layers:

* ``path-to-regexp`` 0.1.x: the bare library, params RAW -> ``decode=False``, ``exec``;
* ``express4``: through Express routing, params decoded, 400 -> DecodeError, the
  path is a request URL -> ``match``;
* 8.x: the library's ``match()``, decoded unless ``decode: false``.

Vectors are left out only for the reasons in ``EXCLUDED``, and the number checked is
asserted so that a broken loader cannot pass by checking nothing.
"""

from __future__ import annotations

import pytest

from explorer.errors import DecodeError
from explorer.routing import RoutePattern

SUPPORTED_OPTIONS = {"strict", "end", "sensitive", "trailing"}
EXCLUDED = {
    "6.x": "path-to-regexp 6.x is used by neither Express 4 nor Express 5",
    "delimiter": "a custom delimiter is not an Express routing option",
    "lookahead": "lookahead:false exists since 0.1.9 but Express never sets it",
    "encodePath": "encodePath is a path-to-regexp 8.x option Express does not set",
    "decode": "only decode:false (raw params) is supported, as decode=False",
}
EXPECTED_CHECKED = 372  # 122 0.1.x + 275 8.x, minus 25 with unsupported options


def _reason_to_skip(vector: dict) -> str | None:
    if vector["version"] not in ("0.1.x", "8.x"):
        return EXCLUDED["6.x"]
    for option, value in vector.get("options", {}).items():
        if option == "decode" and value is False:
            continue
        if option not in SUPPORTED_OPTIONS:
            return EXCLUDED[option]
    return None


def _applicable(vector_file: dict) -> list[dict]:
    return [v for v in vector_file["vectors"] if _reason_to_skip(v) is None]


def test_the_loader_finds_the_expected_vectors(vector_file):
    vectors = vector_file["vectors"]
    assert len(vectors) == 397
    applicable = _applicable(vector_file)
    assert len(applicable) == EXPECTED_CHECKED
    skipped = [v for v in vectors if _reason_to_skip(v) is not None]
    assert all(_reason_to_skip(v) in EXCLUDED.values() for v in skipped)
    assert {v["layer"] for v in applicable} == {"path-to-regexp", "express4"}


def _pattern_for(vector: dict) -> RoutePattern:
    options = dict(vector.get("options", {}))
    raw_library = vector["version"] == "0.1.x" and vector["layer"] == "path-to-regexp"
    decode = not raw_library
    if options.pop("decode", True) is False:
        decode = False
    syntax = "express4" if vector["version"] == "0.1.x" else "express5"
    return RoutePattern.parse(vector["pattern"], syntax=syntax, decode=decode, **options)


def _expected(vector: dict):
    if vector.get("express_result", "").startswith("HTTP 400"):
        return "400"
    return vector["params"] if vector["match"] else None


def _actual(vector: dict, pattern: RoutePattern):
    if vector["layer"] == "express4":
        try:
            return pattern.match(vector["path"]), None
        except DecodeError:
            return "400", None
    result = pattern.exec(vector["path"])
    if result is None:
        return None, None
    return result.params, result.matched


def test_every_applicable_vector_agrees(vector_file):
    checked = 0
    failures = []
    for vector in _applicable(vector_file):
        pattern = _pattern_for(vector)
        params, matched = _actual(vector, pattern)
        expected = _expected(vector)
        if isinstance(params, dict) and isinstance(expected, dict):
            if vector["version"] == "8.x":
                # 8.x leaves absent params out; RoutePattern reports them as None
                assert all(params[k] is None for k in params if k not in expected)
                params = {k: v for k, v in params.items() if v is not None}
            if vector.get("params_partial"):
                params = {k: params.get(k) for k in expected}
            if vector.get("matched") is not None and matched != vector["matched"]:
                failures.append((vector["id"], "matched", matched, vector["matched"]))
        if params != expected:
            failures.append((vector["id"], vector["pattern"], vector["path"], params, expected))
        checked += 1
    assert failures == []
    assert checked == EXPECTED_CHECKED


@pytest.mark.parametrize(
    ("version", "count"), [("0.1.x", 122 - 7), ("8.x", 275 - 18)]
)
def test_both_versions_are_covered(vector_file, version, count):
    assert sum(1 for v in _applicable(vector_file) if v["version"] == version) == count
