"""RoutePattern is one interface with one implementation per syntax, chosen at parse
time; the two parsers are loaded only when a pattern needs one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from explorer.routing import RoutePattern
from explorer.routing.pattern import Express4Pattern, Express5Pattern, PlainPattern


@pytest.mark.parametrize(
    ("text", "syntax", "kind"),
    [
        ("/public/v1/instruments/:id?", None, PlainPattern),
        ("/public/v1/instruments/:id?", "express4", PlainPattern),
        ("/public/v1/instruments/:id", "express5", Express5Pattern),
        ("/files/:id(\\d+)", None, Express4Pattern),
        ("*", None, Express4Pattern),
        ("/files{/*rest}", None, Express5Pattern),
    ],
)
def test_each_syntax_has_its_own_implementation_chosen_at_parse_time(text, syntax, kind):
    pattern = RoutePattern.parse(text, syntax=syntax)
    assert type(pattern) is kind and isinstance(pattern, RoutePattern)
    assert pattern.syntax == ("express5" if kind is Express5Pattern else "express4")


def test_a_plain_pattern_loads_no_parser_until_it_matches():
    code = """
import sys
from explorer.routing import RoutePattern
p = RoutePattern.parse("/public/v1/instruments/:id?")
assert p.expand() == ["/public/v1/instruments", "/public/v1/instruments/:id"]
assert p.build({"id": "a/b"}) == "/public/v1/instruments/a%2Fb"
loaded = [m for m in ("explorer.routing.express4", "explorer.routing.express5")
          if m in sys.modules]
assert loaded == [], loaded
assert p.match("/public/v1/instruments/a%2Fb") == {"id": "a/b"}
assert "explorer.routing.express5" not in sys.modules
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
