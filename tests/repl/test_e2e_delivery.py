"""The request flags in the real shell, in a pseudo-terminal against the sandbox:
``| EXPR`` completed from the last answer's keys and run, ``output csv``, ``-o FILE``
and ``--curl``."""

from __future__ import annotations

from test_e2e import INSTRUMENTS, shell  # noqa: F401 (the fixture)


def test_a_pipe_completes_from_the_last_answer_and_filters(shell, tmp_path):  # noqa: F811
    s = shell()
    s.line(f"get {INSTRUMENTS} limit==2")
    s.expect_exact("2 rows")
    s.wait_prompt()
    s.send(f"get {INSTRUMENTS} limit==2 | data[].na")
    s.expect_exact("key of the last answer")  # the menu offers name
    s.send("\t")
    s.line(" ")
    s.expect(r'\[\s+"[^"]+",\s+"[^"]+"\s+\]')  # the two names, as JSON
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==2 | [?status=='idle'")  # Enter runs it: no body
    s.expect_exact("not a JMESPath expression")
    s.wait_prompt()
    s.line("output csv")
    s.expect_exact("answers shown as csv")
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==1 fields==name")
    s.expect_exact("id,name")
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==1 -o one.json")
    s.expect_exact("saved")
    s.wait_prompt()
    assert (tmp_path / "one.json").read_bytes().startswith(b'{"data":')
    s.line(f"post {INSTRUMENTS} name=x --curl")
    s.expect_exact("'Authorization: Bearer ***'")
    s.wait_prompt()
