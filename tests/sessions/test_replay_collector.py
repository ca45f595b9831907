"""Replay sets the parsed session aside from the cyclic collector while it runs (the
collections of each step's young objects would rescan all of it) and hands it back at
the end; reading a session pauses the collector and leaves it as it found it."""

from __future__ import annotations

import gc

from explorer.cli.main import main
from explorer.sessions.format import read_session
from explorer.sessions.replay import Replayer


def test_a_replay_runs_with_the_session_frozen_and_thaws_it(labos_session, fresh, tmp_path,
                                                            monkeypatch, capsys):
    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path / "home"))
    seen = []
    run = Replayer.run

    def watched(self):
        seen.append((gc.get_freeze_count(), gc.isenabled(), gc.is_tracked(self.session.header)))
        return run(self)

    monkeypatch.setattr(Replayer, "run", watched)
    assert gc.get_freeze_count() == 0
    collecting = gc.isenabled()
    code = main(["--url", fresh.url, "--token", fresh.token, "replay", str(labos_session)])
    assert code == 0
    assert "7 steps: 7 passed, 0 failed" in capsys.readouterr().out
    ((frozen, enabled, tracked),) = seen
    # frozen: the session's objects (its header among them) are in the permanent
    # generation, and the collector runs for what the steps make
    assert frozen > 0 and tracked and enabled
    assert gc.get_freeze_count() == 0 and gc.isenabled() is collecting


def test_reading_a_session_leaves_the_collector_as_it_was(labos_session):
    collecting = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            assert len(read_session(labos_session).exchanges) == 7
            assert gc.isenabled() is state
    finally:
        (gc.enable if collecting else gc.disable)()
