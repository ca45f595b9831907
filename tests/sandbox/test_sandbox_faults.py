"""Server errors on purpose: ``/_sandbox/faults`` (explorer.sandbox.faults)."""

from __future__ import annotations

import requests
from sandbox_helpers import assert_error

FAMILIES = "/public/v1/families"


def test_a_fault_makes_matching_routes_answer_its_status(labos, labstep):
    made = labos("POST", "/_sandbox/faults", json={"status": 503, "path": FAMILIES, "count": 2})
    assert made.status_code == 201, made.text
    fault = made.json()
    assert (fault["status"], fault["path"], fault["count"]) == (503, FAMILIES, 2)
    assert labos.get("/_sandbox/faults").json()["data"] == [fault]
    body = assert_error(labos.get(FAMILIES), 503, message="on purpose")
    assert "DELETE /_sandbox/faults" in body["details"]
    assert labos.get("/public/v1/instruments?limit=1").status_code == 200  # other paths
    assert labos.get(f"{FAMILIES}/x").status_code == 503  # a prefix, segment by segment
    assert labos.get(FAMILIES).status_code == 200  # count used up: gone
    assert labos.get("/_sandbox/faults").json()["data"] == []


def test_defaults_every_api_route_until_deleted_and_never_the_admin_routes(labos, labstep):
    assert labos("POST", "/_sandbox/faults").status_code == 201  # no body: all defaults
    assert_error(labos.get(FAMILIES), 500)
    assert_error(labstep.get("/api/generic/protocol"), 500)
    assert labos.get("/_sandbox/families").status_code == 200
    assert labos("DELETE", "/_sandbox/faults").status_code == 204
    assert labos.get(FAMILIES).status_code == 200


def test_method_filter_and_auth_first(labos, sandbox):
    labos("POST", "/_sandbox/faults", json={"method": "post", "path": "/public/v1/instruments"})
    assert labos.get("/public/v1/instruments?limit=1").status_code == 200
    assert_error(labos("POST", "/public/v1/instruments", json={"name": "x"}), 500)

    anonymous = requests.post(f"{sandbox.url}/public/v1/instruments", json={}, timeout=10)
    assert anonymous.status_code == 403  # the caller is checked before the fault
    assert requests.post(f"{sandbox.url}/_sandbox/faults", timeout=10).status_code == 403


def test_bad_faults_are_refused(labos):
    for body, where in [
        ({"status": 404}, "500 to 599"),
        ({"status": "500"}, "status"),
        ({"path": "public"}, "path"),
        ({"count": 0}, "count"),
        ({"method": "G E T"}, "method"),
        ({"colour": 1}, "colour"),
    ]:
        error = assert_error(labos("POST", "/_sandbox/faults", json=body), 400)
        assert where in error["message"] + error.get("details", ""), body
    assert labos.get("/_sandbox/faults").json()["data"] == []
