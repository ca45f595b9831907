"""`probe` over the fault server's routes: one row per route naming what happened, the
exit code for the worst of them, and a 200 MB route timed without being held; a broken
/discover is one line and its exit code, bad entries are warnings and the good routes
are probed; 100,000 routes are not 100,000 requests unasked (``--max``)."""

from __future__ import annotations

import re

import pytest
from faultcli import Runner, one_line


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


@pytest.mark.parametrize(
    ("mode", "message", "code"),
    [
        ("error", "GET /discover answered an error: discovery is disabled for this key", 1),
        ("error-403", "GET /discover answered 403: Forbidden: bad or missing token", 4),
        ("html-500", "GET /discover answered 500", 5),
        ("not-json", "GET /discover: not JSON (Unterminated string starting at: "
                     "line 1 column 29 (char 28))", 1),
    ],
)
def test_probe_with_an_unusable_listing_is_one_line_and_its_exit_code(run, make_faults, mode,
                                                                       message, code):
    server = make_faults(discover=mode)
    result = run("--url", server.url, "probe")
    assert result.returncode == code
    assert one_line(result.err) == f"explorer: {message}"
    assert result.stdout == b""
    assert server.paths() == ["/discover"]  # nothing probed without routes


@pytest.mark.parametrize(
    ("mode", "warnings"),
    [
        ("garbage", [
            "explorer: warning: GET /discover: entry 1 skipped: not an object: 42",
            "explorer: warning: GET /discover: entry 2 skipped: not an object: \"GET /x\"",
            "explorer: warning: GET /discover: entry 3 skipped: not an object: null",
            "explorer: warning: GET /discover: entry 4 skipped: no path, or a path not "
            "starting with '/': None",
            "explorer: warning: GET /discover: entry 5 skipped: no method",
            "explorer: warning: GET /discover: entry 6 skipped: no path, or a path not "
            "starting with '/': 'no-slash'",
            "explorer: warning: GET /discover: entry 8 skipped: 'query' must be a list of names",
            "explorer: warning: GET /discover: entry 9 skipped: 'max_upload' must be a number "
            "of bytes",
            "explorer: warning: GET /discover: entry 10 skipped: no method",
            "explorer: warning: skipping route GET '/broken/:(': invalid regular expression "
            "(missing ), unterminated subpattern) in route '/broken/:(' at index 9",
        ]),
        ("unknown-methods", [
            "explorer: warning: skipping route FROBNICATE '/ok': unknown method 'FROBNICATE'",
            "explorer: warning: skipping route BREW '/coffee': unknown method 'BREW'",
            "explorer: warning: skipping route G E T '/spaced': unknown method 'G E T'",
        ]),
        ("duplicates", [
            "explorer: warning: skipping route GET '/ok': duplicate of an earlier route",
        ] * 3 + [
            "explorer: warning: skipping route GET '/html-500': duplicate of an earlier route",
        ]),
    ],
)
def test_probe_of_a_listing_with_bad_entries_warns_and_probes_the_good_ones(run, make_faults,
                                                                            mode, warnings):
    server = make_faults(discover=mode)
    result = run("--url", server.url, "probe")
    assert result.returncode == 5  # /html-500
    assert result.err.splitlines() == warnings
    assert rows(result.stdout) == {"GET /html-500": "500 Internal Server Error",
                                   "GET /ok": "200 OK"}
    assert sorted(server.paths()) == ["/discover", "/html-500", "/ok"]


@pytest.mark.xdist_group("many-routes")
def test_probe_of_100000_routes_sends_a_few_hundred_and_says_so(run, many_routes):
    server = many_routes.server
    many_routes.warm_home(run.home.parent / "warm")
    run = Runner(run.home.parent / "warm", run.cwd)
    mark = len(server.requests)
    result = run("--url", server.url, "probe")
    assert result.returncode == 0  # the first routes in order are /bulk/...: 404s
    assert one_line(result.err) == (
        "explorer: warning: probed 300 of 100,000 GET routes; 99,700 not probed "
        "(give --max N for more, --max 0 for all)"
    )
    probed = [seen.target for seen in server.requests[mark:]
              if seen.method == "GET" and seen.target != "/discover"]
    assert len(probed) == 300
    assert len(set(rows(result.stdout))) == 300  # each route once (its id form skipped)


def test_max_chooses_how_many_routes_are_probed(run, make_faults):
    server = make_faults(discover="duplicates")  # /ok and /html-500, after warnings
    result = run("--url", server.url, "probe", "--max", "1")
    assert result.returncode == 5
    assert result.err.splitlines()[-1] == (
        "explorer: warning: probed 1 of 2 GET routes; 1 not probed "
        "(give --max N for more, --max 0 for all)"
    )
    assert rows(result.stdout) == {"GET /html-500": "500 Internal Server Error"}
    result = run("--url", server.url, "probe", "--max=0")
    assert "not probed" not in result.err
    assert len(rows(result.stdout)) == 2


@pytest.mark.parametrize("args", [["--max", "many"], ["--max"], ["--max=-1"], ["extra"]])
def test_a_bad_probe_argument_is_one_line_and_exit_2(run, faults, args):
    result = run("--url", faults.url, "probe", *args)
    assert result.returncode == 2
    assert one_line(result.err).endswith("(usage: explorer [GLOBAL] probe [--max N] [--check])")
    assert faults.paths() == []
