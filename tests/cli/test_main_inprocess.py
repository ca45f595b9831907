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


def test_a_password_typed_at_login_is_masked_wherever_a_crash_quotes_it(
    monkeypatch, tmp_path, capsys
):
    """Not only where a field name gives it away: the typed password is one of the
    run's secrets, so a crash quoting it bare (with -v, its traceback too) shows ***."""
    import io

    from explorer.cli import login

    password = "hunter2-correct-horse"

    def crash(client, username, typed):
        raise RuntimeError(f"the server library choked on {typed}")

    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path))
    monkeypatch.setattr(login, "login", crash)
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code = main(["-v", "--url", "http://127.0.0.1:9", "login", "--username", "u",
                 "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 1
    assert "RuntimeError" in err and "choked on ***" in err
    assert password not in err
