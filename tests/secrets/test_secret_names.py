"""The one list of secret names (explorer.secrets.secret_name), and every part that uses it:
``-v`` (headers, bodies at any depth, query values), recording and HAR import
(sessions.redact), the shell's history (scrub_command) and the learned store."""

from __future__ import annotations

import pytest

from explorer.client.models import RequestSpec
from explorer.render.redact import redact_body, redact_headers, redact_target
from explorer.render.response import request_head
from explorer.repl.history import scrub
from explorer.repl.learned import _string_leaves
from explorer.secrets import MASK, secret_name
from explorer.sessions.redact import Redactor

#: every name the issue names, in the spellings people write them
SECRET = [
    "authorization", "Authorization", "Proxy-Authorization", "apikey", "api_key", "api-key",
    "ApiKey", "APIKey", "x-api-key", "X-Api-Key", "x-api-token", "X-API-Token",
    "x-auth-token", "x-session-token", "private-token", "PRIVATE-TOKEN", "token",
    "access_token", "accessToken", "refresh_token", "refreshToken", "id_token", "idToken",
    "client_secret", "clientSecret", "password", "Password", "passwd", "secret",
    "credentials", "session", "cookie", "Cookie", "set-cookie", "Set-Cookie", "apiToken",
    "api_token", "new_password", "currentPassword", "webhookSecret", "openai_api_key",
]  # fmt: skip
#: look-alikes that are no secret (paging cursors, counts, ordinary fields)
ORDINARY = [
    "name", "id", "username", "email", "next_token", "page_token", "nextPageToken",
    "tokens", "token_count", "passwords_count", "x-token-count", "sessions", "passed",
    "description", "Content-Type", "Accept", "",
]  # fmt: skip


@pytest.mark.parametrize("name", SECRET)
def test_every_listed_name_is_a_secret(name):
    assert secret_name(name) in ("token", "api_key", "password", "secret", "cookie")


@pytest.mark.parametrize("name", ORDINARY)
def test_look_alikes_are_not_secrets(name):
    assert secret_name(name) is None


def test_verbose_masks_every_secret_header_and_query_value():
    headers = [(name, "s3cr3t-value") for name in SECRET if name[0].isupper()]
    shown = dict(redact_headers([*headers, ("Accept", "application/json")]))
    assert "s3cr3t-value" not in "".join(shown.values())
    assert shown["Accept"] == "application/json"
    target = "/x?limit=1&token=t-1&access_token=t-2&password=t-3&refreshToken=t-4&next_token=n"
    assert redact_target(target) == (
        f"/x?limit=1&token={MASK}&access_token={MASK}&password={MASK}&refreshToken={MASK}"
        "&next_token=n"
    )
    spec = RequestSpec("GET", "/x", query=["access_token=tok-123456", "limit=2"])
    head = request_head(spec, "http://127.0.0.1:1", color=False)
    assert "tok-123456" not in head and f"access_token={MASK}" in head and "limit=2" in head


def _strings(value) -> list[str]:
    """Every string in a JSON value, keys included (walked without recursion)."""
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found += [k for k in node if isinstance(k, str)]
            stack += node.values()
        elif isinstance(node, list):
            stack += node
        elif isinstance(node, str):
            found.append(node)
    return found


def _nest(leaf: dict, depth: int) -> dict:
    value = leaf
    for n in range(depth):
        value = {"level": n, "child": [value]}
    return value


@pytest.mark.parametrize("name", ["clientSecret", "refresh_token", "x-api-key", "session"])
def test_a_secret_field_at_any_depth_is_masked_shown_and_recorded(name):
    body = _nest({name: "deep-secret-1", "kept": "visible"}, 5_000)
    shown = _strings(redact_body(body))
    assert "deep-secret-1" not in shown and "visible" in shown and MASK in shown
    recorder = Redactor()
    recorded = _strings(recorder.json(body))
    placeholder = "{{" + secret_name(name) + "}}"
    assert "deep-secret-1" not in recorded and placeholder in recorded and "visible" in recorded
    assert recorder.text("later: deep-secret-1") == "later: {{" + secret_name(name) + "}}"


@pytest.mark.parametrize(
    "line",
    [
        "post /x refreshToken=rt-0123456",
        "post /x clientSecret:='\"cs-0123456\"'",
        'post /x {"user": "ada", "apiToken": "at-0123456"}',
        "get /x PRIVATE-TOKEN:pt-0123456",
        "get /x x-session-token:st-0123456",
        "get /x?refresh_token=rt-0123456&limit=1",
    ],
)
def test_the_history_hides_camel_case_and_header_forms(line):
    cleaned = scrub(line)
    assert "0123456" not in cleaned and MASK in cleaned


def test_the_learned_store_keeps_no_value_of_a_secret_field():
    objects = [{"status": "ok", "refreshToken": "rt", "nested": {"clientSecret": "cs"}}]
    learned = dict(_string_leaves(objects))
    assert learned == {"status": "ok"}
