"""probe's decisions, in-process: what a failure is called comes from its reason."""

from __future__ import annotations

import pytest

from explorer.cli.probe import probe
from explorer.errors import TransportError
from explorer.registry import Registry, Route


class FailingEngine:
    def __init__(self, error):
        self.error = error
        self.sent: list[str] = []

    def send(self, spec, **options):
        self.sent.append(spec.target)
        raise self.error


REGISTRY = Registry([Route("GET", "/a"), Route("GET", "/b")])


@pytest.mark.parametrize("reason", ["refused", "unknown-host", "unreachable"])
def test_no_connection_is_unreachable_and_stops(reason):
    engine = FailingEngine(TransportError("words that say nothing", reason=reason))
    results = probe(engine, REGISTRY)
    assert [r.status for r in results] == ["unreachable"]
    assert len(engine.sent) == 1


def test_a_timeout_is_timed_out_and_probing_goes_on():
    engine = FailingEngine(TransportError("no words about time", reason="timeout"))
    results = probe(engine, REGISTRY)
    assert [r.status for r in results] == ["timed out", "timed out"]


def test_a_reset_is_an_error_named_by_its_message():
    engine = FailingEngine(TransportError("cannot reach: in the message only", reason="reset"))
    results = probe(engine, REGISTRY)
    assert [r.status for r in results] == ["error: cannot reach: in the message only"] * 2


def test_parameters_are_filled_encoded():
    class Engine:
        def __init__(self):
            self.sent = []

        def send(self, spec, **options):
            from explorer.client.models import Response

            self.sent.append(spec.target)
            body = b'{"data": [{"id": "a/b c"}]}' if spec.path == "/things" else b"{}"
            return Response(200, "OK", {}, "http://x", 0.0, _content=body)

    engine = Engine()
    probe(engine, Registry([Route("GET", "/things/:id?"), Route("GET", "/things/:id/x y")]))
    assert "/things/a%2Fb%20c" in engine.sent
    assert "/things/a%2Fb%20c/x%20y" in engine.sent
