"""explorer.render.text: the one place control characters are escaped, and the renderers
that call it (status line, headers, error objects, tables and their footers, help,
the completion menu).  The end-to-end attacks are in tests/attacks/."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.client.models import RequestSpec
from explorer.render import render_response
from explorer.render.response import request_head, response_head
from explorer.render.text import for_terminal, one_line, terminal_safe

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: text rich in what terminals act on
HOSTILE = st.text(
    alphabet=st.sampled_from(list("\x1b\x07\x9b\x9d\x9c\x7f\r\n\t\x00\x08\u2028\u2029[]0;m8\\ab/é"))
    | st.characters(blacklist_categories=("Cs",)),
    max_size=60,
)
ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SGR = re.compile("\x1b\\[[0-9;]*m")


@SETTINGS
@given(HOSTILE)
def test_one_line_leaves_no_control_character(text):
    shown = one_line(text)
    assert not ANY_CONTROL.search(shown)
    assert one_line(shown) == shown  # escaping twice changes nothing


@SETTINGS
@given(HOSTILE)
def test_for_terminal_keeps_only_line_feeds_and_tabs(text):
    shown = for_terminal(text)
    assert not ANY_CONTROL.search(shown.replace("\n", "").replace("\t", ""))
    assert shown.count("\n") == text.replace("\r\n", "\n").count("\n")


@SETTINGS
@given(HOSTILE, HOSTILE)
def test_terminal_safe_keeps_only_colours_line_ends_and_tabs(own, server):
    text = f"\x1b[1m{own}\x1b[0m{server}"
    shown = SGR.sub("", terminal_safe(text).replace("\r\n", "\n"))
    assert not ANY_CONTROL.search(shown.replace("\n", "").replace("\t", ""))
    assert terminal_safe(text).startswith("\x1b[1m")  # explorer's own colour stays


EVIL = "\x1b]0;title\x07\x9b2J\rx"
SHOWN = "\\x1b]0;title\\x07\\x9b2J\\rx"


def test_reason_phrase_and_headers_are_shown_escaped(make_response):
    response = make_response(
        b"{}", status=200, reason="OK " + EVIL, headers={"X-" + EVIL: EVIL}
    )
    head = response_head(response, color=True)
    assert f"HTTP/1.1 200 OK {SHOWN}" in head and f"X-{SHOWN}" in head and f": {SHOWN}" in head
    assert not ANY_CONTROL.search(SGR.sub("", head).replace("\n", ""))


def test_the_request_line_and_form_fields_are_shown_escaped():
    spec = RequestSpec("POST", "/x" + EVIL, form={"k" + EVIL: "v" + EVIL})
    head = request_head(spec, None, color=False)
    assert not ANY_CONTROL.search(head.replace("\n", ""))
    assert f"POST /x{SHOWN}" in head and f"k{SHOWN}=v{SHOWN}" in head


def test_a_list_table_escapes_its_cells_keys_and_footer(capture, make_response):
    import json

    body = {"data": [{"id": 1, "k" + EVIL: EVIL}], "next" + EVIL: EVIL}
    cap = capture()
    render_response(make_response(json.dumps(body).encode()), cap.env, table=True)
    assert not ANY_CONTROL.search(cap.out.replace("\n", ""))
    assert f"k{SHOWN}" in cap.out and f"1 row; next{SHOWN}" in cap.out


def test_an_error_object_and_its_reason_are_shown_escaped(capture, make_response):
    cap = capture(color=True)
    body = b'{"message": "no \\u001b]8;;http://x/\\u001b\\\\here", "details": "\\u009b2J"}'
    render_response(make_response(body, status=404, reason="Gone " + EVIL), cap.env)
    shown = SGR.sub("", cap.out)
    assert not ANY_CONTROL.search(shown.replace("\n", ""))
    assert f"404 Gone {SHOWN}: no \\x1b]8;;http://x/\\x1b\\here" in shown
    assert "  \\x9b2J" in shown


def test_highlighted_text_bodies_carry_only_explorers_colours(capture, make_response):
    for ctype in ("text/html", "application/xml", "application/json"):
        body = (
            b'{"a\\u001b[2J": "\\u001b]0;t\\u0007\\u009b"}' if ctype == "application/json"
            else f"<a b='{EVIL}'>{EVIL}</a>".encode()
        )
        cap = capture(color=True)
        render_response(make_response(body, ctype=ctype), cap.env)
        assert SGR.search(cap.out), ctype  # highlighted
        assert not ANY_CONTROL.search(SGR.sub("", cap.out).replace("\n", "")), ctype


def test_the_completion_menu_shows_server_text_escaped():
    from prompt_toolkit.completion import Completion

    from explorer.repl.completer import _shown

    completion = _shown(Completion("a1", 0, display="a1" + EVIL, display_meta="n" + EVIL))
    assert completion.text == "a1"  # what is inserted stays as it is
    assert completion.display_text == "a1" + SHOWN
    assert completion.display_meta_text == "n" + SHOWN
    plain = Completion("a1", 0, display_meta="name")
    assert _shown(plain) is plain
