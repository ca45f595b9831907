"""The real shell in a pseudo-terminal: what a line does as a user of HTTPie or pgcli
expects (full URLs, head and options, flags anywhere, the pager, ls, typos), and the
routes a running server adds (the README's own flow, with no ``refresh``).

The harness is :mod:`test_e2e`'s (pexpect, a 40x120 window, EXPLORER_HOME in a tmp dir).
"""

from __future__ import annotations

from test_e2e import INSTRUMENTS, shell  # noqa: F401 -- the fixture, for these tests too


def test_the_readme_flow_finds_a_family_switched_on_without_refresh(shell):  # noqa: F811
    s = shell()
    s.line("post /_sandbox/families/samples")
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.line("samples list limit==1")  # a command the routes did not have a moment ago
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.send("samples ")
    s.expect_exact("get")  # Tab completion of the new commands: the menu shows them
    s.send("\x03")
    s.wait_prompt()
    s.line("post /_sandbox/families/labware")
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.line("labware list limit==1")  # a second family, moments later: asked again
    s.expect_exact("200 OK")
    s.wait_prompt()


def test_a_full_url_on_this_server_is_its_path_and_elsewhere_is_refused(shell, sandbox):  # noqa: F811
    s = shell()
    s.line(f"get {sandbox.url}{INSTRUMENTS}?limit=1 fields==name")
    s.expect_exact("200 OK")
    s.expect_exact("1 row")
    s.wait_prompt()
    s.line(f"get http://127.0.0.2:9{INSTRUMENTS}")
    s.expect_exact("is not on the server")
    s.wait_prompt()
    assert "https:" not in s.child.before  # never read as a header


def test_head_shows_the_headers_and_options_the_allow_header(shell):  # noqa: F811
    s = shell()
    s.line(f"head {INSTRUMENTS}")
    s.expect_exact("200 OK")
    s.expect("[Cc]ontent-[Tt]ype: application/json")
    s.wait_prompt()
    s.line(f"options {INSTRUMENTS}")
    s.expect_exact("Allow: GET, HEAD, OPTIONS, POST")
    s.wait_prompt()
    assert "not among the methods" not in s.child.before


def test_flags_anywhere_on_the_line(shell, sandbox):  # noqa: F811
    s = shell()
    s.line(f"get {INSTRUMENTS} limit==1 -v")
    s.expect_exact(f"GET {INSTRUMENTS}?limit=1 HTTP/1.1")
    s.expect_exact("User-Agent: explorer")  # every header that went out
    s.expect_exact("Authorization: Bearer ***")
    s.expect_exact("200 OK")
    s.wait_prompt()
    assert sandbox.token not in s.child.before
    s.line("instruments list sort==name fields==name --all")
    s.expect_exact("52 rows")  # every page, one table
    s.wait_prompt()
    s.line("get -- /public/v1/families")  # -- ends the flags
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} --frobnicate")
    s.expect_exact("unknown option --frobnicate")
    s.wait_prompt()


def test_ls_counts_what_it_knows_of_the_list(shell):  # noqa: F811
    s = shell()
    s.line("instruments list fields==name")  # 52 instruments, the first 50 learned
    s.expect_exact("52 rows")
    s.wait_prompt()
    s.line(f"ls {INSTRUMENTS}")
    s.expect_exact("50 of 52 ids known")
    s.wait_prompt()


def test_a_mistyped_verb_is_named(shell):  # noqa: F811
    s = shell()
    s.line(f"gett {INSTRUMENTS}")
    s.expect_exact("unknown command 'gett'; did you mean get?")
    s.wait_prompt()


def test_pager_on_and_off_and_less_in_secure_mode(shell, tmp_path):  # noqa: F811
    paged = tmp_path / "paged.txt"
    secure = tmp_path / "secure.txt"
    pager = f"printenv LESSSECURE > {secure}; cat > {paged}"
    s = shell(pager=True, env_extra={"PAGER": pager})
    s.line("pager off")
    s.expect_exact("pager off")
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==45 fields=name")  # taller than the screen
    s.expect_exact("45 rows")
    s.wait_prompt()
    assert not paged.exists()
    s.line("pager on")
    s.expect_exact("paged through")
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==45 fields=name")
    s.line("pager")  # runs once the request above is done
    s.expect_exact("paged through")
    s.wait_prompt()
    assert "45 rows" in paged.read_text()
    assert secure.read_text().strip() == "1"


def test_filter_values_complete_from_the_data(shell, sandbox):  # noqa: F811
    families = {f["name"]: f["id"] for f in _families(sandbox)}
    s = shell()
    s.send("instruments list status=")  # nothing typed or seen before: a page is fetched
    s.expect_exact("idle")
    s.expect_exact("busy")
    s.send("\x03")
    s.wait_prompt()
    s.send("instruments list actions.action=")
    s.expect_exact("prime")
    s.send("\x03")
    s.wait_prompt()
    s.send("instruments list family=@Liq")  # the names of the objects the ids refer to
    s.expect_exact("@LiquidHandler")
    s.send("\t")
    s.line(" limit==1 fields==name,family")
    s.expect_exact("1 row")
    s.wait_prompt()
    s.send("instruments list family=")  # the ids, with their names
    s.expect_exact(families["LiquidHandler"])
    s.expect_exact("LiquidHandler")
    s.send("\x03")
    s.wait_prompt()


def _families(sandbox) -> list[dict]:
    import requests

    answer = requests.get(
        sandbox.url + "/public/v1/families",
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=5,
    )
    return answer.json()["data"]
