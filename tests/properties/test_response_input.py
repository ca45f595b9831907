"""Arbitrary error objects from a server, as the terminal shows them: the server's words
never bring a control character (an escape sequence, a carriage return) to the screen,
and the details stay indented under the one status line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.render.response import error_line

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
TEXT = st.text(st.sampled_from(list("ab \x1b[2J\r\n\t\x07\x85\u2028é")) | st.characters(),
               max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.integers(400, 599), TEXT, st.one_of(st.none(), TEXT, st.lists(TEXT, max_size=3)))
def test_an_error_object_is_shown_without_control_characters(status, message, details):
    data = {"code": status, "message": message}
    if details is not None:
        data["details"] = details
    shown = error_line(status, None, data)
    assert shown is not None
    assert not CONTROL.search(shown), repr(shown)
    first, *rest = shown.split("\n")
    assert first.startswith(f"{status} ")
    assert all(line.startswith("  ") for line in rest)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(TEXT, TEXT), max_size=4), TEXT, st.sampled_from(["HEAD", "OPTIONS", "GET"])
)
def test_response_headers_are_shown_without_control_characters(pairs, reason, method):
    """``head PATH``, ``options PATH`` and ``-v`` show a server's reason phrase, header
    names and values: escapes and carriage returns in them are shown escaped."""
    import io

    from explorer.client.models import RequestSpec, Response
    from explorer.render import OutputEnv, render_response

    headers = {name: value for name, value in pairs}
    headers["Allow"] = pairs[0][1] if pairs else "GET"
    out = io.StringIO()
    env = OutputEnv(out, io.StringIO(), stdout_isatty=True, color=False, height=10_000)
    response = Response(200, reason, headers, "http://x/", 0.001, _content=b"")
    render_response(response, env, verbose=method == "GET", spec=RequestSpec(method, "/x"))
    assert not CONTROL.search(out.getvalue()), repr(out.getvalue())
