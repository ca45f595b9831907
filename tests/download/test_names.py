"""The file name a download is saved under: from Content-Disposition or the path, made
safe (the server names it; the user's disk is not the server's to write anywhere on)."""

from __future__ import annotations

import pytest

from explorer.client.models import Response
from explorer.download import disposition_name, name_for, safe_name, unique


@pytest.mark.parametrize(("given", "safe"), [
    ("report.csv", "report.csv"),
    ("../../.bashrc", "bashrc"),
    ("/etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("..", None),
    (".", None),
    ("...hidden", "hidden"),
    ("a\x1b]0;owned\x07b.txt", "a]0;ownedb.txt"),
    ("evil\u202etxt.exe", "eviltxt.exe"),
    ("plate\r\nSet-Cookie: x.csv", "plateSet-Cookie_ x.csv"),
    ('a<b>c:"d"|e?f*g.txt', "a_b_c__d__e_f_g.txt"),
    ("CON.txt", "_CON.txt"),
    ("  spaced name.pdf  ", "spaced name.pdf"),
    ("x" * 300 + ".csv", "x" * 196 + ".csv"),
    ("", None),
    (None, None),
])
def test_safe_name(given, safe):
    assert safe_name(given) == safe


def test_content_disposition_forms():
    assert disposition_name('attachment; filename="plate 1.csv"') == "plate 1.csv"
    assert disposition_name("attachment; filename*=UTF-8''Gr%C3%B6%C3%9Fe.csv") == "Größe.csv"
    both = "attachment; filename=\"fallback.csv\"; filename*=UTF-8''real.csv"
    assert disposition_name(both) == "real.csv"
    assert disposition_name("inline") is None
    assert disposition_name(None) is None


def answer(**headers) -> Response:
    return Response.of(200, b"x", headers=headers)


def test_name_for_prefers_the_server_then_the_path_then_a_fallback():
    cd = answer(**{"Content-Disposition": 'attachment; filename="../../up.sh"'})
    assert name_for(cd, "http://h/files/7") == "up.sh"
    assert name_for(answer(), "http://h/files/plate%201.csv?x=1") == "plate 1.csv"
    assert name_for(answer(**{"Content-Type": "application/json"}), "http://h/") == (
        "download.json")
    assert name_for(answer(**{"Content-Type": "text/csv"}), "http://h/export") == "export.csv"
    assert name_for(answer(), "http://h/a/..%2F..%2Fetc%2Fpasswd") == "passwd"


def test_unique_never_picks_a_taken_name(tmp_path):
    (tmp_path / "a.csv").write_text("mine")
    (tmp_path / "a-1.csv").write_text("mine too")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert unique(tmp_path / "a.csv").name == "a-2.csv"
    assert unique(tmp_path / "dangling").name == "dangling-1"
    assert unique(tmp_path / "free.txt").name == "free.txt"
