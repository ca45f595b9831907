"""Arbitrary text typed as a request: the method, the path, the request items, the query.

Whatever is typed, the engine either prepares a request or raises the package's own
error (an ExplorerError subclass whose message prints as one line), and what goes on the
wire is always a valid HTTP request line: an ASCII token for the method and a target
with no space, control, ``#`` or non-ASCII character (explorer writes the target
itself, past requests' quoting, so nothing else guards it).
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.client import Client
from explorer.engine import Engine
from explorer.errors import ExplorerError
from explorer.items import quote_query
from explorer.render.text import one_line

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOKEN = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
TARGET = frozenset(chr(c) for c in range(0x21, 0x7F)) - {"#"}

# Text biased towards what matters to URLs and the item grammar.
URLISH = st.text(
    alphabet=st.sampled_from(list("/?&=#%:;@ab1 \t\r\n<>!\"'{}[]|\\^`é€\x00\x7f\u2028"))
    | st.characters(blacklist_categories=("Cs",)),
    max_size=40,
)


def one_line_error(exc: ExplorerError) -> None:
    """The message is not empty and prints as one line (typed control characters are
    shown escaped by the front ends, see explorer.render.text)."""
    message = str(exc)
    assert message.strip()
    assert len(one_line(message).splitlines()) == 1, repr(message)


@SETTINGS
@given(
    st.one_of(st.sampled_from(["GET", "post", "Delete", "PATCH"]), URLISH),
    URLISH,
    st.lists(URLISH, max_size=4),
)
def test_anything_typed_prepares_a_valid_request_or_raises_our_error(method, path, items):
    client = Client("http://127.0.0.1:9")
    try:
        prepared = Engine(client, None).prepare_call(method, path, items)
        wire = client.build(prepared.spec)
    except ExplorerError as exc:
        one_line_error(exc)
        return
    assert wire.method and set(wire.method) <= TOKEN, wire.method
    target = wire.url.removeprefix("http://127.0.0.1:9")
    assert target.startswith("/")
    assert set(target) <= TARGET, target


@SETTINGS
@given(URLISH)
def test_quote_query_keeps_a_component_on_the_wire_and_is_idempotent(text):
    quoted = quote_query(text)
    assert set(quoted) <= TARGET - {"&"}
    assert quote_query(quoted) == quoted


@SETTINGS
@given(st.lists(URLISH, max_size=6))
def test_query_components_each_stay_one_component(components):
    """Typed ``k==v`` values never add, merge or drop query components."""
    engine = Engine(Client("http://127.0.0.1:9"), None)
    items = [f"k{n}=={value}" for n, value in enumerate(components)]
    try:
        prepared = engine.prepare_call("GET", "/x", items)
    except ExplorerError as exc:
        one_line_error(exc)
        return
    query = prepared.spec.query
    assert len(query) == len(components)
    for n, component in enumerate(query):
        assert component.startswith(f"k{n}=")
        assert "&" not in component and "#" not in component


@SETTINGS
@given(st.text())
def test_one_line_never_leaves_a_line_break_or_an_escape_sequence(text):
    shown = one_line(text)
    assert len(shown.splitlines()) <= 1
    assert "\x1b" not in shown and "\r" not in shown
    if text.isprintable():
        assert shown == text
