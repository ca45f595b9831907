"""A session that cannot be written (a full disk) never costs the user the answer:
the body reaches its reader whole and one warning says the copy failed."""

from __future__ import annotations

import errno

from explorer.client import RequestSpec, Response
from explorer.engine import Engine
from explorer.sessions.recorder import Recorder


class _Canned:
    def send(self, spec, **kwargs):
        return Response.streaming(200, iter([b'{"api_key": ', b'"k3y-from-login"}']),
                                  headers={"Content-Type": "application/json"})


def test_a_full_disk_is_one_warning_and_the_body_is_whole(tmp_path, monkeypatch):
    recorder = Recorder.open(tmp_path / "s.jsonl", base_url="http://x", secrets=[],
                             routes_fingerprint=None)

    def full(data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(recorder, "_write", full)
    warnings = []
    engine = Engine(_Canned(), None, warn=warnings.append, recorder=recorder)
    answer = engine.send(RequestSpec("POST", "/public-api/user/login"))
    assert answer.json() == {"api_key": "k3y-from-login"}
    assert len(warnings) == 1
    assert "cannot write the session" in warnings[0] and "No space left" in warnings[0]
    recorder.close()
