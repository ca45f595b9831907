"""format_error: the lines every front end prints for an error."""

from __future__ import annotations

from explorer.errors import ItemError, TransportError, UsageError
from explorer.render import format_error


def test_message_and_hint():
    exc = TransportError("cannot reach http://h: connection refused", hint="is the server up?")
    assert format_error(exc) == [
        "explorer: cannot reach http://h: connection refused",
        "  is the server up?",
    ]


def test_item_error_draws_a_caret_under_the_bad_character():
    exc = ItemError("request item 'tags:=[1,': invalid JSON", text="tags:=[1,", position=9)
    assert format_error(exc) == [
        "explorer: request item 'tags:=[1,': invalid JSON",
        "  tags:=[1,",
        "           ^",
    ]


def test_control_characters_are_escaped_and_the_caret_follows_them():
    exc = ItemError("bad \x1b[31m item", text="a\rb:=x", position=5)
    lines = format_error(exc)
    assert lines[0] == "explorer: bad \\x1b[31m item"
    assert lines[1] == "  a\\rb:=x"
    assert lines[2].index("^") == lines[1].index("x")
    assert not any("\x1b" in line or "\r" in line for line in lines)


def test_secrets_are_redacted_everywhere():
    exc = ItemError("item 'token=s3cr3t-value' is odd", text="token=s3cr3t-value", position=6)
    exc.hint = "not s3cr3t-value"
    lines = format_error(exc, redact=lambda t: t.replace("s3cr3t-value", "***"))
    assert all("s3cr3t" not in line for line in lines)
    assert lines[1:] == ["  token=***", "        ^", "  not ***"]


def test_an_unexpected_exception_is_one_internal_error_line():
    lines = format_error(ValueError("x" * 1000 + "\nsecret"), redact=lambda t: t)
    assert len(lines) == 1
    assert lines[0].startswith("explorer: internal error: ValueError: xxx")
    assert len(lines[0]) < 400


def test_a_usage_error_without_an_item_has_no_caret():
    assert format_error(UsageError("no server")) == ["explorer: no server"]
