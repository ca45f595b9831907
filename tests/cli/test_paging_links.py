"""``--all`` against servers that page with RFC 8288 ``Link`` headers, end to end.

json-server 0.17.4 (npm) is the real one: ``scripts/test`` installs it into
``.cache/json-server`` when npm is there.  Where it could not be installed, the same
test runs against :class:`LinkServer`, a loopback server sending json-server's headers
byte for byte as 0.17.4 does (``Link: <...>; rel="first", <...>; rel="next", <...>;
rel="last"``, ``X-Total-Count``).  GitHub's form (``per_page``/``page``) is the loopback
server's second route.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
JSON_SERVER = ROOT / ".cache" / "json-server" / "node_modules" / ".bin" / "json-server"
POSTS = [{"id": i, "title": f"post {i}"} for i in range(1, 12)]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        host = f"http://{self.headers['Host']}"
        if url.path == "/posts":  # json-server 0.17.4
            page, limit = int(query.get("_page", 1)), int(query.get("_limit", 10))
            last = -(-len(POSTS) // limit)
            links = [f'<{host}/posts?_page=1&_limit={limit}>; rel="first"']
            if page > 1:
                links.append(f'<{host}/posts?_page={page - 1}&_limit={limit}>; rel="prev"')
            if page < last:
                links.append(f'<{host}/posts?_page={page + 1}&_limit={limit}>; rel="next"')
            links.append(f'<{host}/posts?_page={last}&_limit={limit}>; rel="last"')
            body = POSTS[(page - 1) * limit : page * limit]
            headers = {"X-Total-Count": str(len(POSTS)), "Link": ", ".join(links)}
        elif url.path == "/user/repos":  # GitHub
            page, per_page = int(query.get("page", 1)), int(query.get("per_page", 30))
            body = POSTS[(page - 1) * per_page : page * per_page]
            headers = {}
            if page * per_page < len(POSTS):
                headers["Link"] = (f'<{host}/user/repos?per_page={per_page}&page={page + 1}>; '
                                   f'rel="next", <{host}/user/repos?page=9>; rel="last"')
            if query.get("evil"):
                headers["Link"] = '<http://127.0.0.2:1/user/repos?page=2>; rel="next"'
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def link_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def json_server(tmp_path, link_server):
    """json-server 0.17.4 on a free loopback port, or the loopback stand-in."""
    node = shutil.which("node")
    if not (JSON_SERVER.exists() and node):
        yield link_server, "loopback stand-in"
        return
    db = tmp_path / "db.json"
    db.write_text(json.dumps({"posts": POSTS}))
    port = _free_port()
    process = subprocess.Popen(
        [str(JSON_SERVER), "--port", str(port), "--host", "127.0.0.1", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_COLOR": "1"})
    try:
        for line in process.stdout:  # it says "Home" once it listens
            if line.strip() == "Home":
                break
        else:
            raise AssertionError("json-server did not start")
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"http://127.0.0.1:{port}", "json-server 0.17.4"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_all_follows_json_servers_link_headers(run, json_server):
    url, which = json_server
    result = run("--url", url, "--routes", _routes(run, "/posts"), "call", "GET", "/posts",
                 "_page==1", "_limit==3", "--all")
    assert result.returncode == 0, (which, result.stderr)
    assert json.loads(result.stdout) == POSTS, which


def test_all_follows_githubs_link_headers_and_stays_on_the_server(run, link_server):
    routes = _routes(run, "/user/repos")
    result = run("--url", link_server, "--routes", routes, "call", "GET", "/user/repos",
                 "per_page==4", "--all")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == POSTS
    evil = run("--url", link_server, "--routes", routes, "call", "GET", "/user/repos",
               "per_page==4", "evil==1", "--all")
    assert evil.returncode == 0
    assert json.loads(evil.stdout) == POSTS[:4]
    assert ("explorer: warning: --all: stopped after 1 pages: the next page is not on the "
            "server: http://127.0.0.2:1/user/repos?page=2") in evil.stderr


def _routes(run, path: str) -> str:
    file = run.home / f"routes{path.replace('/', '-')}.json"
    file.write_text(json.dumps({"data": [{"method": "GET", "path": path}]}))
    return str(file)
