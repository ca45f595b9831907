"""explorer.repl.watcher: when the shell asks the server for its routes again (a real
context; the sandbox, or a port nothing listens on)."""

from __future__ import annotations

import io

from explorer.cli.context import Context
from explorer.cli.main import global_parser
from explorer.repl.watcher import RouteWatcher


def _watcher(args: list[str], home, ttl: int = 100):
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(f"[settings]\ndiscovery_ttl = {ttl}\n")
    context = Context(global_parser().parse_args([*args, "--no-pager"]), stderr=io.StringIO())
    seen: dict[str, list] = {"changes": [], "lines": [], "warnings": []}
    watcher = RouteWatcher(
        lambda: context,
        on_change=lambda: seen["changes"].append(context.discovery.registry),
        announce=seen["lines"].append,
        warn=seen["warnings"].append,
    )
    return context, watcher, seen


def test_a_failed_check_doubles_the_wait_and_a_good_one_resets_it(home):
    context, watcher, _seen = _watcher(["--url=http://127.0.0.1:9"], home)
    try:
        watcher.load()  # nothing answers: no routes, and no check is due for a TTL
        assert 0 < watcher.due_in() <= 100
        watcher.revalidate()
        assert context.discovery.state == "offline"
        assert 100 < watcher.due_in() <= 200  # one failure: twice the TTL
        watcher.revalidate()
        assert 200 < watcher.due_in() <= 400
        watcher.routes_updated()  # refresh, or a refetch on a miss, got them
        assert 0 < watcher.due_in() <= 100
    finally:
        context.close()


def test_a_check_that_finds_new_routes_announces_them_once(home, sandbox):
    context, watcher, seen = _watcher([f"--url={sandbox.url}", f"--token={sandbox.token}"], home)
    try:
        watcher.load()
        watcher.revalidate()
        assert seen["changes"] == [] and seen["lines"] == []  # nothing new
        sandbox.enable_family("labware")
        watcher.revalidate()
        assert len(seen["changes"]) == 1
        assert seen["lines"][0].startswith("routes: +") and "labware list" in seen["lines"][0]
        assert not watcher.refreshing and seen["warnings"] == []
    finally:
        context.close()
