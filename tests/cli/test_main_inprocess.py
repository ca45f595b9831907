"""``main(argv)`` called in-process (by tests, or by a program embedding explorer)."""

from __future__ import annotations

import gc

from explorer.cli.main import main


def test_in_process_callers_get_their_collector_setting_back(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path))
    monkeypatch.delenv("EXPLORER_URL", raising=False)
    assert gc.isenabled()
    assert main(["routes"]) == 2  # no server given: a usage error, after the collector was off
    assert gc.isenabled()
    assert "no server" in capsys.readouterr().err
    gc.disable()
    try:
        main(["routes"])
        assert not gc.isenabled()
    finally:
        gc.enable()
