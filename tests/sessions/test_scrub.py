"""explorer.secrets.scrub_command: one scrubber for typed command lines, two modes.

The shell's history masks with ``***``; the recorder writes placeholders.  Both must hide
the same values: a line that one mode cleans and the other leaks is a bug in the list.
"""

from __future__ import annotations

import pytest

from explorer.secrets import MASK, scrub_command

LINES = [
    # (typed, the secrets it carries)
    ("call GET /x 'Authorization:Bearer abcdefgh123'", ["abcdefgh123"]),
    ("call GET /x Authorization:Bearer abcdefgh123 limit==1", ["abcdefgh123"]),
    ("get /x X-Auth-Token:supersecretvalue1 X-Access-Token:thirdsecret333",
     ["supersecretvalue1", "thirdsecret333"]),
    ("get /x Api-Key:fourthsecret44 x-api-key:fifthsecret55", ["fourthsecret44", "fifthsecret55"]),
    ("explorer --apikey k-0123456 --token=t-0123456 --password pw-0123456",
     ["k-0123456", "t-0123456", "pw-0123456"]),
    ("user login username=ada password=hunter2-long", ["hunter2-long"]),
    ("post /x new_password='two words' access-token:='\"tok-0123456\"'",
     ["two words", "tok-0123456"]),
    ('post /x {"user": "ada", "client_secret": "cs-0123456"}', ["cs-0123456"]),
    ("get /x?limit=1&api_key=qk-0123456&sort=name", ["qk-0123456"]),
    ("get /x note=hunter2-long password=hunter2-long", ["hunter2-long"]),
]


@pytest.mark.parametrize("placeholders", [False, True])
@pytest.mark.parametrize(("line", "secrets"), LINES)
def test_both_modes_hide_every_secret(line, secrets, placeholders):
    out = scrub_command(line, placeholders=placeholders)
    for secret in secrets:
        assert secret not in out, out
    assert ("{{" in out) is placeholders and (MASK in out) is not placeholders


def test_placeholders_name_the_kind_and_report_what_they_hid():
    found = {}
    out = scrub_command(
        "get /x?limit=1&api_key=qk-0123456&sort=name 'Authorization:Bearer abcdefgh123' "
        "X-Auth-Token:supersecretvalue1 password=hunter2-long note=hunter2-long",
        placeholders=True, found=lambda value, kind: found.setdefault(value, kind))
    assert out == ("get /x?limit=1&api_key={{api_key}}&sort=name "
                   "'Authorization:Bearer {{token}}' X-Auth-Token:{{token}} "
                   "password={{password}} note={{password}}")
    assert found == {"qk-0123456": "api_key", "abcdefgh123": "token",
                     "supersecretvalue1": "token", "hunter2-long": "password"}


def test_known_values_take_their_own_name_and_placeholders_are_left_alone():
    known = {"tok-0123456789": "token", "token": "token"}
    out = scrub_command("get /x?t=tok-0123456789 Cookie:{{cookie}}", placeholders=True,
                        known=known)
    assert out == "get /x?t={{token}} Cookie:{{cookie}}"
    assert scrub_command("get /x?t=tok-0123456789", known=["tok-0123456789"]) == "get /x?t=***"


def test_scheme_words_alone_and_ordinary_lines_are_not_secrets():
    found = []
    for line in ("get /x Authorization:Bearer", "get /x sort=-name family=@LiquidHandler",
                 "get /x tokens==3 passwords_count==2 x-token-count:1"):
        assert scrub_command(line, placeholders=True, found=lambda *a: found.append(a)) == line
        assert scrub_command(line) == line
    assert found == []


def test_an_item_that_is_a_whole_quoted_word_hides_its_value_to_the_closing_quote():
    for line, hidden in (
        ("get /x 'Authorization:Custom abc def'", "get /x 'Authorization:Custom {{secret}}'"),
        ("post /x 'password=two words here' n=1", "post /x 'password={{password}}' n=1"),
        ('post /x "apikey: k 1 2" n=1', 'post /x "apikey: {{api_key}}" n=1'),
    ):
        assert scrub_command(line, placeholders=True) == hidden
        assert "{{" not in scrub_command(line) and MASK in scrub_command(line)
