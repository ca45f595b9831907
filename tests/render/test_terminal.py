"""Terminal output: status line, pretty JSON, highlighting, error objects, tables, binary."""

from __future__ import annotations

import json
import re

import pytest

from explorer.client.models import RequestSpec
from explorer.render import render_response

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_status_line_and_pretty_json(capture, make_response):
    cap = capture()
    render_response(make_response(b'{"b":1,"a":[1,"x"],"c":{}}'), cap.env)
    assert (
        cap.out
        == 'HTTP/1.1 200 OK  (12 ms)\n{\n  "b": 1,\n  "a": [\n    1,\n    "x"\n  ],\n  "c": {}\n}\n'
    )
    assert cap.err == ""


def test_unicode_is_shown_not_escaped(capture, make_response):
    cap = capture()
    render_response(make_response('{"name": "Pipette é 日"}'.encode()), cap.env)
    assert '"name": "Pipette é 日"' in cap.out


@pytest.mark.parametrize(
    ("elapsed", "shown"), [(0.0004, "(0 ms)"), (0.012, "(12 ms)"), (1.5, "(1.50 s)")]
)
def test_elapsed_time(capture, make_response, elapsed, shown):
    cap = capture()
    render_response(make_response(b"", status=204, reason="No Content", elapsed=elapsed), cap.env)
    assert cap.out == f"HTTP/1.1 204 No Content  {shown}\n"


def test_missing_reason_uses_the_standard_phrase(capture, make_response):
    cap = capture()
    render_response(make_response(b"", status=201, reason=""), cap.env)
    assert cap.out.startswith("HTTP/1.1 201 Created  (")


def test_highlighting_on_when_color(capture, make_response):
    body = b'{"name": "x", "n": 1, "ok": true}'
    cap = capture(color=True)
    render_response(make_response(body), cap.env)
    out = cap.out
    status, _, rest = out.partition("\n")
    assert "\x1b[" in status and "\x1b[32m" in status  # 2xx in green
    assert "\x1b[" in rest
    assert ANSI.sub("", rest) == json.dumps(json.loads(body), indent=2) + "\n"


@pytest.mark.parametrize(
    ("status", "code"), [(404, "\x1b[31m"), (301, "\x1b[33m"), (500, "\x1b[31m")]
)
def test_status_line_colour_by_class(capture, make_response, status, code):
    cap = capture(color=True)
    render_response(make_response(b"[]", status=status, reason="R"), cap.env)
    assert code in cap.out.partition("\n")[0]


def test_no_escapes_without_color(capture, make_response):
    cap = capture(color=False)
    render_response(make_response(b'{"name": "x"}', status=500, reason="Oops"), cap.env)
    assert "\x1b" not in cap.out


def test_no_highlighting_past_the_size_limit(capture, make_response):
    body = json.dumps({"items": ["x" * 50] * 40}).encode()
    cap = capture(color=True, max_highlight_bytes=len(body) - 1)
    render_response(make_response(body), cap.env)
    status, _, rest = cap.out.partition("\n")
    assert "\x1b[" in status
    assert "\x1b" not in rest
    assert rest == json.dumps(json.loads(body), indent=2) + "\n"  # still pretty
    cap = capture(color=True, max_highlight_bytes=len(body))
    render_response(make_response(body), cap.env)
    assert "\x1b" in cap.out.partition("\n")[2]


def test_invalid_json_is_text_with_a_one_line_warning(capture, make_response):
    cap = capture(color=True)
    render_response(make_response(b'{"a": 1,, oops'), cap.env)
    assert cap.out.partition("\n")[2] == '{"a": 1,, oops\n'
    assert cap.err.count("\n") == 1
    assert cap.err.startswith("explorer: warning: the body is not valid JSON")
    assert "Traceback" not in cap.err


def test_untyped_json_is_detected_quietly(capture, make_response):
    cap = capture()
    render_response(make_response(b'{"a":1}', ctype=None), cap.env)
    assert cap.out.endswith('{\n  "a": 1\n}\n')
    cap = capture()
    render_response(make_response(b"{not json", ctype="text/plain"), cap.env)
    assert cap.out.endswith("{not json\n")
    assert cap.err == ""


def test_plain_text_and_charset(capture, make_response):
    cap = capture(color=True)
    render_response(
        make_response("café".encode("latin-1"), ctype="text/plain; charset=latin-1"), cap.env
    )
    assert cap.out.partition("\n")[2] == "café\n"


def test_html_is_highlighted_by_mime_type(capture, make_response):
    cap = capture(color=True)
    render_response(make_response(b"<p class='a'>hi</p>", ctype="text/html"), cap.env)
    rest = cap.out.partition("\n")[2]
    assert "\x1b[" in rest
    assert ANSI.sub("", rest) == "<p class='a'>hi</p>\n"


def test_error_object_is_one_line_plus_details(capture, make_response):
    body = b'{"code": 404, "message": "Instrument \'x\' not found", "details": "id x: no such id"}'
    cap = capture()
    render_response(make_response(body, status=404, reason="Not Found"), cap.env)
    assert cap.out == "404 Not Found: Instrument 'x' not found\n  id x: no such id\n"


def test_error_object_without_details(capture, make_response):
    cap = capture()
    body = b'{"code": 403, "message": "bad token"}'
    render_response(make_response(body, status=403, reason="Forbidden"), cap.env)
    assert cap.out == "403 Forbidden: bad token\n"


def test_error_object_verbose_keeps_the_status_line(capture, make_response):
    cap = capture()
    body = b'{"code": 400, "message": "limit must be a number"}'
    render_response(make_response(body, status=400, reason="Bad Request"), cap.env, verbose=True)
    assert cap.out == (
        "HTTP/1.1 400 Bad Request  (12 ms)\nContent-Type: application/json\n\n"
        "400 Bad Request: limit must be a number\n"
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b'{"code": 200, "message": "fine"}'),  # not an error status
        (404, b'{"message": "x", "other": 1}'),  # not the error shape
        (404, b'{"message": 5}'),
    ],
)
def test_other_objects_are_shown_as_json(capture, make_response, status, body):
    cap = capture()
    render_response(make_response(body, status=status, reason="R"), cap.env)
    assert cap.out.startswith(f"HTTP/1.1 {status} R")
    assert cap.out.partition("\n")[2] == json.dumps(json.loads(body), indent=2) + "\n"


ROWS = (
    b'{"data": [{"description": "d1", "name": "Hamilton", "id": "1"},'
    b' {"id": "2", "name": "Tecan"}]}'
)


def test_table_when_asked(capture, make_response):
    cap = capture()
    render_response(make_response(ROWS), cap.env, table=True)
    assert cap.out == (
        "HTTP/1.1 200 OK  (12 ms)\n"
        "id  name      description\n"
        "--  --------  -----------\n"
        "1   Hamilton  d1\n"
        "2   Tecan\n"
        "2 rows\n"
    )


def test_labstep_items_table_shows_the_cursor(capture, make_response):
    body = b'{"items": [{"id": 7, "name": "P"}], "next_cursor": "-1"}'
    cap = capture()
    render_response(make_response(body), cap.env, table=True)
    assert cap.out.endswith('7   P\n1 row; next_cursor: "-1"\n')


def test_top_level_list_table_and_empty_list(capture, make_response):
    cap = capture()
    render_response(make_response(b'[{"name": "a"}]'), cap.env, table=True)
    assert "name\n----\na\n1 row\n" in cap.out
    cap = capture()
    render_response(make_response(b'{"data": []}'), cap.env, table=True)
    assert cap.out.endswith("0 rows\n")


@pytest.mark.parametrize("table", [None, False])
def test_no_table_unless_asked(capture, make_response, table):
    cap = capture()
    render_response(make_response(ROWS), cap.env, table=table)
    assert cap.out.partition("\n")[2] == json.dumps(json.loads(ROWS), indent=2) + "\n"


def test_not_a_list_of_objects_is_json_even_with_table(capture, make_response):
    cap = capture()
    render_response(make_response(b'{"data": [1, 2]}'), cap.env, table=True)
    assert '"data": [' in cap.out


@pytest.mark.parametrize(
    ("ctype", "body"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("application/octet-stream", b"plain looking"),
        (None, b"abc\x00def"),
    ],
)
def test_binary_note(capture, make_response, ctype, body):
    cap = capture()
    render_response(make_response(body, ctype=ctype, stream=True), cap.env)
    assert cap.out.partition("\n")[2] == (
        f"+-----------------------------------------+ binary data ({len(body)} bytes) not shown\n"
    )


def test_verbose_terminal_order_and_redaction(capture, make_response):
    token = "tok-123456"
    spec = RequestSpec(
        "GET",
        "/public/v1/instruments",
        query=["limit=5"],
        headers={"Authorization": f"Bearer {token}", "X-Api-Key": token, "Cookie": token},
    )
    cap = capture(color=True)
    resp = make_response(b'{"a": 1}', headers={"Set-Cookie": f"s={token}", "ETag": '"e1"'})
    render_response(resp, cap.env, verbose=True, spec=spec, base_url="http://127.0.0.1:8080")
    plain = ANSI.sub("", cap.out)
    assert plain == (
        "GET /public/v1/instruments?limit=5 HTTP/1.1\n"
        "Host: 127.0.0.1:8080\n"
        "Authorization: Bearer ***\n"
        "X-Api-Key: ***\n"
        "Cookie: ***\n"
        "\n"
        "HTTP/1.1 200 OK  (12 ms)\n"
        "Content-Type: application/json\n"
        "Set-Cookie: ***\n"
        'ETag: "e1"\n'
        "\n"
        '{\n  "a": 1\n}\n'
    )
    assert token not in cap.out + cap.err


def test_verbose_shows_form_and_files(capture, make_response):
    from explorer.client.models import FileField

    spec = RequestSpec(
        "POST",
        "/api/generic/file/upload",
        form={"experiment_id": "3"},
        files=[FileField("file", "data.csv")],
    )
    cap = capture()
    render_response(make_response(b"{}"), cap.env, verbose=True, spec=spec)
    assert "\nexperiment_id=3\nfile@data.csv\n" in cap.out



ATTACK = "title\x1b]0;pwned\x07 \x1b[2J\x9b31m done\x01"


@pytest.mark.parametrize("color", [False, True])
def test_escape_sequences_in_a_text_body_are_shown_not_obeyed(capture, make_response, color):
    cap = capture(color=color)
    body = ("line 1\r\n" + ATTACK + "\r\n\tend\n").encode()
    render_response(make_response(body, ctype="text/plain"), cap.env)
    rest = ANSI.sub("", cap.out.partition("\n")[2]) if color else cap.out.partition("\n")[2]
    assert rest == "line 1\n" + "title\\x1b]0;pwned\\x07 \\x1b[2J\\x9b31m done\\x01\n\tend\n"
    if not color:
        assert not any(c in cap.out for c in "\x1b\x07\x9b\x01\r")


def test_escape_sequences_in_a_body_that_is_not_valid_json(capture, make_response):
    cap = capture()
    render_response(make_response(b'{"a": "\x1b[2J', ctype="application/json"), cap.env)
    assert "\x1b" not in cap.out and "\\x1b[2J" in cap.out


@pytest.mark.parametrize("size", [10, 200_000])
def test_c1_controls_in_json_strings_are_escaped(capture, make_response, size):
    data = {"a": "x\x9b31my\x7f", "pad": "p" * size}
    body = json.dumps(data, ensure_ascii=False).encode()
    cap = capture(color=False)
    render_response(make_response(body), cap.env)
    assert "\x9b" not in cap.out and "\x7f" not in cap.out
    assert json.loads(cap.out.partition("\n")[2]) == data  # the same JSON, escaped


def test_the_exact_bytes_still_go_to_a_pipe(capture, make_response):
    body = ("x" + ATTACK).encode()
    cap = capture(tty=False)
    render_response(make_response(body, ctype="text/plain"), cap.env)
    assert cap.out_bytes == body
