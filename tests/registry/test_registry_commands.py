"""Command lookup, completion of command words, and what an entry builds."""

from __future__ import annotations

import pytest

from explorer.errors import UsageError
from explorer.registry import Registry, Route


def test_lookup_returns_the_entry_and_the_remaining_words(labos):
    entry, rest = labos.lookup_command(["instruments", "commands", "kill", "1", "2", "x=1"])
    assert (entry.method, entry.route.path) == (
        "POST", "/public/v1/instruments/:id/commands/:cid/kill"
    )
    assert rest == ["1", "2", "x=1"]
    assert entry.params == ("id", "cid")
    assert entry.path_for(rest[:2]) == "/public/v1/instruments/1/commands/2/kill"


def test_lookup_takes_the_longest_name_and_ignores_case(labos):
    entry, rest = labos.lookup_command(["Instruments", "LIST", "limit==5"])
    assert entry.name == "instruments list" and rest == ["limit==5"]


def test_unknown_commands_name_the_closest(labos):
    with pytest.raises(UsageError) as info:
        labos.lookup_command(["instrument", "lst"])
    message = str(info.value)
    assert message.startswith("unknown command 'instrument lst'; did you mean: ")
    assert "instruments list" in message
    with pytest.raises(UsageError) as info:
        labos.lookup_command(["zzz"])
    groups = sorted({name.split(" ")[0] for name in labos.command_names()})
    assert str(info.value) == (
        f"unknown command 'zzz'; commands start with: {', '.join(groups[:8])}"
        + (", …" if len(groups) > 8 else "") + " (routes lists them all)"
    )
    assert "instruments" in groups
    with pytest.raises(UsageError, match="no command given"):
        labos.lookup_command([])


def test_the_unknown_part_shown_excludes_trailing_arguments(labos):
    with pytest.raises(UsageError, match="unknown command 'instruments comands kil'"):
        labos.lookup_command(["instruments", "comands", "kil", "1", "2"])


def test_command_names_are_sorted(labos):
    names = labos.command_names()
    assert names == sorted(names)
    assert "instruments commands kill" in names and len(names) == len(labos)


def test_commands_starting(labos):
    assert labos.commands_starting([]) == ["instruments"]
    assert labos.commands_starting(["instruments"]) == [
        "actions", "commands", "create", "delete", "get", "list", "replace", "update"
    ]
    assert labos.commands_starting(["INSTRUMENTS", "commands"]) == [
        "create", "get", "kill", "list"
    ]
    assert labos.commands_starting(["instruments", "list"]) == []
    assert labos.commands_starting(["nope"]) == []
    assert labos.commands_starting(["instruments"], "C") == ["commands", "create"]
    assert labos.commands_starting(["instruments"], limit=3) == ["actions", "commands", "create"]
    assert labos.commands_starting(["instruments"], "x") == []


def test_entry_usage_and_path_errors(labos):
    (entry,) = [e for e in labos.entries if e.name == "instruments commands get"]
    assert entry.usage == "instruments commands get ID CID"
    with pytest.raises(UsageError, match="usage: instruments commands get ID CID"):
        entry.path_for(["1"])
    with pytest.raises(UsageError):
        entry.path_for(["1", "2", "3"])
    with pytest.raises(UsageError):
        entry.path_for(["1", ""])
    optional = Registry([Route("DELETE", "/x/:id?")]).entries[0]
    assert optional.usage == "x delete [ID]"
    assert optional.path_for([]) == "/x" and optional.path_for(["7"]) == "/x/7"
