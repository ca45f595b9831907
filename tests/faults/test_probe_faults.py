"""`probe` over the fault server's routes: one row per route naming what happened, the
exit code for the worst of them, and a 200 MB route timed without being held."""

from __future__ import annotations

import re

from faultcli import one_line


def rows(stdout: bytes) -> dict[str, str]:
    """ROUTE -> STATUS from probe's table (the status column, trimmed, without the ms)."""
    lines = stdout.decode().splitlines()
    assert lines[0].split() == ["ROUTE", "PATH", "STATUS", "MS"]
    found = {}
    for line in lines[1:]:
        route, rest = line[: lines[0].index("PATH")].strip(), line[lines[0].index("STATUS"):]
        found[route] = re.sub(r"\s+(-|\d+\.\d)$", "", rest).strip()
    return found


def test_probe_names_every_fault_and_exits_3_for_the_timeout(run, faults):
    result = run.measured("--url", faults.url, "--timeout", "1", "probe")
    assert result.returncode == 3  # a route timed out
    assert result.err == ""
    url = faults.url
    assert rows(result.stdout) == {
        "GET /bad-json": "200 OK",
        "GET /bad-utf8": "200 OK",
        "GET /big-headers": f"error: {url} sent malformed or oversized headers "
        "(got more than 100 headers)",
        "GET /hang": "timed out",
        "GET /html-500": "500 Internal Server Error",
        "GET /huge": "200 OK",
        "GET /loop": f"error: too many redirects from {url}/loop",
        "GET /ok": "200 OK",
        "GET /reset": f"error: connection to {url} was lost while reading the body",
    }
    assert result.maxrss_kb < 150 * 1024  # the 200 MB answer of /huge was not held


def test_probe_without_a_silent_route_exits_5_for_the_failures(run, make_faults):
    server = make_faults(discover="duplicates")  # /ok and /html-500
    result = run("--url", server.url, "probe")
    assert result.returncode == 5
    assert rows(result.stdout) == {"GET /html-500": "500 Internal Server Error",
                                   "GET /ok": "200 OK"}


def test_probe_of_a_refused_server_is_one_line_and_exit_3(run, refused):
    result = run("--url", refused, "--timeout", "1", "probe")
    assert result.returncode == 3
    assert one_line(result.err) == f"explorer: cannot reach {refused}: connection refused"
    assert result.stdout == b""


def test_probe_with_an_unusable_listing_is_one_line_and_exit_1(run, make_faults):
    server = make_faults(discover="error")
    result = run("--url", server.url, "probe")
    assert result.returncode == 1
    assert one_line(result.err) == (
        "explorer: GET /discover answered an error: discovery is disabled for this key"
    )
