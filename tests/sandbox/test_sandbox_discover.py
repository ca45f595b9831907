"""/discover (listing, ETag, 304) and endpoint families switched on at run time."""

from __future__ import annotations

import pytest
from sandbox_helpers import assert_error

LABWARE = "/public/v1/labware"
REQUIRED = {
    ("GET", "/public/v1/instruments/:id?"),
    ("POST", "/public/v1/instruments"),
    ("PUT", "/public/v1/instruments/:id"),
    ("PATCH", "/public/v1/instruments/:id"),
    ("DELETE", "/public/v1/instruments/:id"),
    ("GET", "/public/v1/instruments/:id/commands/:cid?"),
    ("POST", "/public/v1/instruments/:id/commands"),
    ("POST", "/public/v1/instruments/:id/commands/:cid/kill"),
    ("GET", "/public/v1/instruments/:id/actions/:aid?"),
}


def routes(api) -> set[tuple[str, str]]:
    response = api.get("/discover")
    assert response.status_code == 200
    return {(r["method"], r["path"]) for r in response.json()["data"]}


def test_discover_lists_the_labos_routes(reader):
    body = reader.get("/discover").json()
    assert all(set(r) == {"method", "path"} for r in body["data"])
    listed = routes(reader)
    assert listed >= REQUIRED
    assert not any(p.startswith(("/_sandbox", "/api/generic", "/public-api")) for _, p in listed)
    assert ("GET", "/discover") not in listed
    assert not any(p.startswith(LABWARE) for _, p in listed)


def test_every_listed_route_answers(reader):
    instrument = reader.data("/public/v1/instruments?limit=1")[0]
    command = reader.data(f"/public/v1/instruments/{instrument['id']}/commands")[0]
    values = {":id?": "", ":id": instrument["id"], ":cid?": command["id"], ":aid?": ""}
    for method, path in routes(reader):
        if method != "GET":
            continue
        concrete = "/".join(values.get(s, s) for s in path.split("/")).rstrip("/")
        assert reader.get(concrete).status_code == 200, path


def test_etag_and_if_none_match(reader):
    first = reader.get("/discover")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    cached = reader.get("/discover", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["ETag"] == etag
    assert reader.get("/discover", headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert reader.get("/discover", headers={"If-None-Match": "*"}).status_code == 304
    stale = reader.get("/discover", headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_a_family_switched_on_appears_and_works(sandbox, labos):
    before = labos.get("/discover")
    assert_error(labos.get(LABWARE), 404)
    sandbox.enable_family("labware")
    assert sandbox.families == {"labware"}
    after = labos.get("/discover")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert (
        labos.get("/discover", headers={"If-None-Match": before.headers["ETag"]}).status_code == 200
    )
    added = routes(labos) - {(r["method"], r["path"]) for r in before.json()["data"]}
    assert added == {
        ("GET", f"{LABWARE}/:id?"),
        ("POST", LABWARE),
        ("PUT", f"{LABWARE}/:id"),
        ("PATCH", f"{LABWARE}/:id"),
        ("DELETE", f"{LABWARE}/:id"),
    }
    # it behaves like instruments
    items = labos.data(LABWARE + "?sort=-wells&fields=name,wells")
    assert items and [i["wells"] for i in items] == sorted(
        (i["wells"] for i in items), reverse=True
    )
    created = labos("POST", LABWARE, json={"name": "Deep well", "wells": 96})
    assert created.status_code == 201
    url = f"{LABWARE}/{created.json()['id']}"
    assert labos("PATCH", url, json={"wells": 384}).json()["wells"] == 384
    assert_error(labos("PATCH", url, json={"wells": "many"}), 400)
    assert labos("DELETE", url).status_code == 204
    assert_error(labos.get(url), 404, message="Labware")

    sandbox.disable_family("labware")
    assert labos.get("/discover").headers["ETag"] == before.headers["ETag"]
    assert_error(labos.get(LABWARE), 404)


def test_families_over_http(sandbox, labos):
    listed = labos.get("/_sandbox/families").json()["data"]
    assert {f["name"]: f["enabled"] for f in listed} == {"labware": False, "samples": False}
    on = labos("POST", "/_sandbox/families/samples")
    assert on.status_code == 200 and on.json()["enabled"] is True
    assert sandbox.families == {"samples"}
    assert ("GET", "/public/v1/samples/:id?") in routes(labos)
    assert [s["barcode"] for s in labos.data("/public/v1/samples?barcode=S1005")] == ["S1005"]
    assert labos.get("/_sandbox/families/samples").json()["enabled"] is True
    off = labos("DELETE", "/_sandbox/families/samples")
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert_error(labos("POST", "/_sandbox/families/nope"), 404, message="no endpoint family")
    assert_error(labos("POST", "/_sandbox/families/labware", headers={"Authorization": ""}), 403)
    assert sandbox.families == frozenset()


def test_unknown_family_in_python(sandbox):
    with pytest.raises(ValueError, match="no endpoint family 'nope'"):
        sandbox.enable_family("nope")
