"""The hurl export, checked by its structure (hurl cannot be installed here)."""

from __future__ import annotations

import re

from explorer.sessions.export import export
from explorer.sessions.format import read_session


def _hurl_entries(text: str) -> list[dict]:
    entries, current = [], None
    for line in text.splitlines():
        match = re.match(r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+)$", line)
        if match:
            current = {"method": match[1], "url": match[2], "lines": []}
            entries.append(current)
        elif current is not None:
            current["lines"].append(line)
    return entries


def _hurl_uses_only(text: str, session, defined: set[str]) -> list[dict]:
    """Every ``{{name}}`` an entry uses is given on the command line (``defined``) or
    captured by an earlier entry."""
    entries = _hurl_entries(text)
    assert len(entries) == len(session)
    defined = set(defined)
    for entry, exchange in zip(entries, session.exchanges, strict=True):
        assert entry["url"].startswith("{{base_url}}/")
        assert f"HTTP {exchange.status}" in entry["lines"]
        body = "\n".join(entry["lines"])
        for used in re.findall(r"\{\{(\w+)\}\}", entry["url"] + body):
            assert used in defined, f"{used} is used before it is captured"
        for name in re.findall(r'^(\w+): jsonpath "\$(?:[^"\\]|\\.)*"(?: [a-zA-Z].*)?$', body,
                               re.M):
            defined.add(name)
    return entries


def test_hurl_export_has_an_entry_per_step_with_status_and_captures(labstep_session, tmp_path):
    session = read_session(labstep_session)
    text = export(session, "hurl")
    # The Labstep flow needs only the password: the key comes from the login answer, and
    # the login itself carries no auth header (a dummy token was needed before).
    entries = _hurl_uses_only(text, session, {"base_url", "password"})
    assert not any(line.startswith(("Authorization:", "apikey:")) for line in entries[0]["lines"])
    assert "apikey: {{api_key}}" in entries[1]["lines"]
    assert "protocol_id: jsonpath \"$.id\"" in text
    assert '"protocol_id":{{protocol_id}}' in text
    assert "[MultipartFormData]" in text and "experiment_id: {{experiment_id}}" in text


def test_hurl_export_of_a_bearer_session_needs_only_the_token(labos_session):
    session = read_session(labos_session)
    entries = _hurl_uses_only(export(session, "hurl"), session, {"base_url", "token"})
    assert all("Authorization: Bearer {{token}}" in entry["lines"] for entry in entries)
