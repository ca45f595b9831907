"""Header layering: one function, case-insensitive, later layers win."""

from __future__ import annotations

from explorer.client.headers import layered, present


def test_later_layers_win_whatever_the_case():
    merged = layered(
        {"User-Agent": "explorer", "X-Client": "profile"},
        {"Authorization": "Bearer from-auth"},
        {"authorization": "Basic from-shell", "x-client": "shell"},
        {"X-CLIENT": "item"},
    )
    assert merged == {"User-Agent": "explorer", "authorization": "Basic from-shell",
                      "X-CLIENT": "item"}


def test_a_none_value_removes_and_stays_visible_to_the_client():
    merged = layered({"Accept": "a"}, {"accept": None})
    assert merged == {"accept": None}
    assert present(merged) == {}
    assert layered(None, {}, {"A": "1"}) == {"A": "1"}
