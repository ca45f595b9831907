"""The Labstep API: login, API key, entities with cursor paging and soft deletes, and
streamed file uploads (limit, nothing stored on refusal, no path traversal)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from sandbox_helpers import assert_error

from explorer.client.models import FileField
from explorer.client.multipart import MultipartBody
from explorer.sandbox.labstep import UPLOAD_LIMIT

LOGIN = "/public-api/user/login"
UPLOAD = "/api/generic/file/upload"
BOUNDARY = "sandbox-test-boundary"


class GeneratedUpload:
    """A multipart body with a ``size``-byte file, generated while it is sent."""

    def __init__(self, size: int, *, fields: dict[str, str] | None = None) -> None:
        self.size = size
        head = b""
        for name, value in (fields or {}).items():
            head += (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        head += (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.head, self.tail = head, f"\r\n--{BOUNDARY}--\r\n".encode()

    def __len__(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def __iter__(self):
        yield self.head
        left, block = self.size, b"\0" * 65536
        while left:
            yield block[: min(left, len(block))]
            left -= min(left, len(block))
        yield self.tail


def multipart_headers() -> dict[str, str]:
    return {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def stored(sandbox) -> list[Path]:
    return sorted(p for p in Path(sandbox.storage_dir).rglob("*") if p.is_file())


# -------------------------------------------------------------------------- login


def test_login_returns_the_user_with_the_key(sandbox):
    response = requests.post(
        sandbox.url + LOGIN, json={"username": sandbox.username, "password": sandbox.password}
    )
    assert response.status_code == 200
    user = response.json()
    assert user["api_key"] == sandbox.api_key
    assert user["username"] == sandbox.username
    assert {"id", "first_name", "last_name"} <= set(user)
    upper = {"username": sandbox.username.upper(), "password": sandbox.password}
    assert requests.post(sandbox.url + LOGIN, json=upper).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"username": "demo@example.com", "password": "wrong"}, 401),
        ({"username": "someone@else", "password": "x"}, 401),
        ({"username": "demo@example.com"}, 400),
        ({"username": "demo@example.com", "password": 5}, 400),
        ({"username": "a", "password": "b", "remember": True}, 400),
    ],
)
def test_bad_logins(sandbox, body, status):
    assert_error(requests.post(sandbox.url + LOGIN, json=body), status)


def test_api_key_auth(sandbox):
    url = sandbox.url + "/api/generic/protocol"
    assert_error(requests.get(url), 401, message="API key")
    assert_error(requests.get(url, headers={"apikey": "wrong"}), 401)
    assert requests.get(url, headers={"apikey": sandbox.api_key}).status_code == 200
    for bearer in (sandbox.api_key, sandbox.token):
        response = requests.get(url, headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 200


# ----------------------------------------------------------------------- entities


def test_cursor_paging(labstep):
    seen, cursor, pages = [], "-1", 0
    while True:
        page = labstep.get(f"/api/generic/experiment?search=1&cursor={cursor}&count=3").json()
        assert page["total"] == 7  # one of the 8 seeded is soft-deleted
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        assert isinstance(cursor, str)
        if cursor == "-1":
            break
    assert pages == 3
    assert [e["id"] for e in seen] == sorted(e["id"] for e in seen)
    assert len({e["id"] for e in seen}) == 7
    for item in seen:
        assert item["deleted_at"] is None
        assert {"id", "name", "created_at", "author", "description", "protocol_id"} <= set(item)
        assert item["author"]["username"] == "demo@example.com"


def test_list_parameters(labstep):
    deleted = labstep.get("/api/generic/protocol?is_deleted=1").json()
    assert [p["deleted_at"] is not None for p in deleted["items"]] == [True]
    both = labstep.get("/api/generic/protocol?is_deleted=both").json()
    assert both["total"] == 6
    names = [p["name"] for p in labstep.get("/api/generic/protocol?sort=-name").json()["items"]]
    assert names == sorted(names, reverse=True)
    found = labstep.get("/api/generic/protocol?search_query=BLOT").json()["items"]
    assert [p["name"] for p in found] == ["Western blot"]
    assert labstep.get("/api/generic/protocol?group_id=7&search=1").status_code == 200
    for bad in ("count=0", "count=x", "cursor=abc", "cursor=-2", "is_deleted=x", "sort=colour"):
        assert_error(labstep.get(f"/api/generic/protocol?{bad}"), 400)


def test_count_is_clamped_to_50(labstep):
    for n in range(50):
        assert labstep("POST", "/api/generic/protocol", json={"name": f"p{n}"}).status_code == 200
    page = labstep.get("/api/generic/protocol?cursor=-1&count=1000").json()
    assert (len(page["items"]), page["total"], page["next_cursor"]) == (50, 55, "50")
    rest = labstep.get("/api/generic/protocol?cursor=50&count=1000").json()
    assert (len(rest["items"]), rest["next_cursor"]) == (5, "-1")
    past = labstep.get("/api/generic/protocol?cursor=500").json()
    assert (past["items"], past["next_cursor"]) == ([], "-1")


def test_create_edit_and_soft_delete(labstep):
    protocol = labstep("POST", "/api/generic/protocol", json={"name": "Assay"})
    assert protocol.status_code == 200  # Labstep answers 200, not 201
    pid = protocol.json()["id"]
    assert isinstance(pid, int) and protocol.json()["deleted_at"] is None
    experiment = labstep(
        "POST",
        "/api/generic/experiment",
        json={"name": "Run 1", "description": "first", "protocol_id": pid},
    )
    assert experiment.status_code == 200
    eid = experiment.json()["id"]
    assert experiment.json()["protocol_id"] == pid
    assert labstep.get(f"/api/generic/experiment/{eid}").json() == experiment.json()

    renamed = labstep("PUT", f"/api/generic/experiment/{eid}", json={"name": "Run 1b"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Run 1b"
    when = "2024-02-03T04:05:06+0000"
    gone = labstep("PUT", f"/api/generic/experiment/{eid}", json={"deleted_at": when})
    assert gone.json()["deleted_at"] == when
    live = labstep.get("/api/generic/experiment?count=50").json()["items"]
    assert eid not in [e["id"] for e in live]
    deleted = labstep.get("/api/generic/experiment?is_deleted=1").json()["items"]
    assert eid in [e["id"] for e in deleted]
    assert labstep.get(f"/api/generic/experiment/{eid}").json()["deleted_at"] == when
    back = labstep("PUT", f"/api/generic/experiment/{eid}", json={"deleted_at": None})
    assert back.json()["deleted_at"] is None


def test_ids_as_strings_of_digits_are_the_numbers(labstep):
    # Labstep's create-experiment.py sends "protocol_id": "2522"
    pid = labstep("POST", "/api/generic/protocol", json={"name": "P"}).json()["id"]
    made = labstep(
        "POST", "/api/generic/experiment", json={"name": "E", "protocol_id": str(pid)}
    )
    assert made.status_code == 200, made.text
    assert made.json()["protocol_id"] == pid
    eid = made.json()["id"]
    edited = labstep("PUT", f"/api/generic/experiment/{eid}", json={"protocol_id": str(pid)})
    assert edited.json()["protocol_id"] == pid
    upload = labstep(
        "POST",
        "/api/generic/file/upload",
        files={"file": ("a.txt", b"x")},
        data={"experiment_id": eid, "group_id": "7"},
    )
    assert upload.status_code == 200, upload.text
    (meta,) = upload.json().values()
    assert meta["experiment_id"] == eid
    bad_group = labstep(
        "POST", "/api/generic/file/upload", files={"file": ("a", b"x")}, data={"group_id": "g"}
    )
    assert_error(bad_group, 400, message="group_id")


def test_entity_errors(labstep):
    assert_error(labstep.get("/api/generic/protocol/999"), 404, message="Protocol '999' not found")
    assert_error(labstep.get("/api/generic/protocol/abc"), 404)
    assert_error(labstep.get("/api/generic/widget"), 404)
    missing = labstep("POST", "/api/generic/experiment", json={"name": "x", "protocol_id": 999})
    assert_error(missing, 404, message="Protocol '999' not found")
    for bad in ("1.5", "x1", "-1", "", " 1", "1" * 16, True, 1.5, 0, -3, ["1"]):
        typed = labstep("POST", "/api/generic/experiment", json={"name": "x", "protocol_id": bad})
        assert_error(typed, 400, message="protocol_id")
    as_text = labstep("POST", "/api/generic/experiment", json={"name": "x", "protocol_id": "999"})
    assert_error(as_text, 404, message="Protocol '999' not found")
    assert_error(labstep("POST", "/api/generic/protocol", json={"name": "x", "colour": 1}), 400)
    assert_error(labstep("POST", "/api/generic/protocol", data=b"{bad"), 400)
    bad_time = labstep("PUT", "/api/generic/protocol/1", json={"deleted_at": "yesterday"})
    assert_error(bad_time, 400, message="ISO 8601")
    assert_error(labstep("PUT", "/api/generic/protocol/999", json={"name": "x"}), 404)
    delete = labstep("DELETE", "/api/generic/protocol/1")
    assert_error(delete, 405)
    assert delete.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"


# ------------------------------------------------------------------------ uploads


def test_upload_flow(sandbox, labstep, tmp_path):
    content = os.urandom(300_000) + b"\r\n--" + BOUNDARY.encode()
    response = labstep(
        "POST",
        UPLOAD,
        files={"file": ("data.csv", content, "text/csv")},
        data={"experiment_id": "1"},
    )
    assert response.status_code == 200, response.text
    ((key, meta),) = response.json().items()
    assert key == str(meta["id"])
    assert (meta["name"], meta["size"], meta["mime_type"]) == ("data.csv", len(content), "text/csv")
    assert {"path", "created_at"} <= set(meta)
    files = stored(sandbox)
    assert [p.name for p in files] == [meta["path"]]
    assert files[0].read_bytes() == content
    assert labstep.get(f"/api/generic/file/{meta['id']}").json() == meta


def test_upload_with_the_explorer_client_body(sandbox, labstep, tmp_path):
    source = tmp_path / "plate.json"
    source.write_bytes(b'{"wells": 96}')
    body = MultipartBody({"experiment_id": "2"}, [FileField("file", str(source))])
    response = labstep("POST", UPLOAD, data=body, headers={"Content-Type": body.content_type})
    assert response.status_code == 200, response.text
    (meta,) = response.json().values()
    assert (meta["name"], meta["size"], meta["experiment_id"]) == ("plate.json", 13, 2)
    assert meta["mime_type"] == "application/json"


@pytest.mark.parametrize(
    "name", ["../../escape.txt", "..\\..\\escape.txt", "/etc/escape.txt", "..", "a/../../b"]
)
def test_client_file_names_never_escape_the_storage_dir(sandbox, labstep, tmp_path, name):
    storage = Path(sandbox.storage_dir).resolve()
    outside_before = set(storage.parent.rglob("*"))
    response = labstep("POST", UPLOAD, files={"file": (name, b"payload")})
    assert response.status_code == 200, response.text
    (meta,) = response.json().values()
    assert "/" not in meta["name"] and "\\" not in meta["name"]
    assert [p.parent.resolve() for p in stored(sandbox)] == [storage]
    created_outside = {p for p in set(storage.parent.rglob("*")) - outside_before}
    assert all(storage in p.resolve().parents for p in created_outside)


def test_over_limit_with_content_length_is_refused_before_reading(sandbox, labstep):
    body = GeneratedUpload(UPLOAD_LIMIT + 1_000_000, fields={"experiment_id": "1"})
    response = labstep("POST", UPLOAD, data=body, headers=multipart_headers())
    assert response.request.headers["Content-Length"] == str(len(body))
    assert_error(response, 413, message="25 MB")
    assert stored(sandbox) == []
    assert labstep.get("/api/generic/protocol").status_code == 200


def test_a_file_just_over_the_limit_is_refused_while_streaming(sandbox, labstep):
    body = GeneratedUpload(UPLOAD_LIMIT + 1)
    response = labstep("POST", UPLOAD, data=body, headers=multipart_headers())
    assert_error(response, 413)
    assert stored(sandbox) == []
    exact = labstep("POST", UPLOAD, data=GeneratedUpload(UPLOAD_LIMIT), headers=multipart_headers())
    assert exact.status_code == 200
    (meta,) = exact.json().values()
    assert meta["size"] == UPLOAD_LIMIT
    assert [p.stat().st_size for p in stored(sandbox)] == [UPLOAD_LIMIT]


def test_over_limit_without_content_length_is_refused(sandbox, labstep):
    chunks = iter(GeneratedUpload(UPLOAD_LIMIT + 2_000_000))
    response = labstep("POST", UPLOAD, data=chunks, headers=multipart_headers())
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert_error(response, 413)
    assert stored(sandbox) == []


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"files": {"file": ("a", b"x")}, "data": {"experiment_id": "999"}}, 404, "Experiment"),
        ({"files": {"file": ("a", b"x")}, "data": {"experiment_id": "abc"}}, 400, "experiment_id"),
        ({"files": {"file": ("a", b"x")}, "data": {"colour": "red"}}, 400, "colour"),
        ({"files": {"other": ("a", b"x")}}, 400, "unexpected file field"),
        ({"files": {"experiment_id": (None, b"1")}}, 400, "no 'file' part"),
        ({"json": {"file": "x"}}, 415, "multipart"),
        ({"data": b"--x\r\n", "headers": {"Content-Type": "multipart/form-data; boundary=x"}},
         400, "multipart"),
    ],
)  # fmt: skip
def test_bad_uploads_store_nothing(sandbox, labstep, kwargs, status, message):
    assert_error(labstep("POST", UPLOAD, **kwargs), status, message=message)
    assert stored(sandbox) == []


def test_upload_needs_the_key(sandbox):
    response = requests.post(sandbox.url + UPLOAD, files={"file": ("a", b"x")})
    assert_error(response, 401)
    assert stored(sandbox) == []
