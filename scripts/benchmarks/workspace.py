"""The isolated world a benchmark run lives in, and the servers it talks to.

* A temporary ``EXPLORER_HOME`` (config, caches, learned ids, history), so nothing the
  user has is read or touched, and every cache is built by this run.
* The environment of measured children: no ``PYTHONPATH``, no ``EXPLORER_*`` or pager
  settings of the user; the worker children (``python -m benchmarks.inproc``) get
  ``PYTHONPATH`` pointing at ``scripts/``.
* The sandbox (``explorer serve --port 0``; its URL and token are read from its output)
  and the fixture server (:mod:`benchmarks.fixture_server`), each started on first use.
* Discovery caches: ``explorer --url URL routes`` fetches and caches a ``/discover``
  document exactly as a user's first command would.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import ChildFailed, run_child

SCRIPTS = Path(__file__).resolve().parent.parent
ROOT = SCRIPTS.parent
GITHUB_SPEC = ROOT / "tests/data/openapi/github/api.github.com.json.gz"
_URL = re.compile(r"https?://[^\s'\"]+")
_TOKEN = re.compile(r"token\W{0,3}\s*([A-Za-z0-9._~+/=-]{6,})", re.IGNORECASE)
#: settings of the calling environment that would make the measured runs unlike a user's:
#: no bytecode cache (every import compiled from source), unbuffered output, pagers
_DROPPED = (
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PYTHONSTARTUP",
    "PYTHONPROFILEIMPORTTIME",
    "PAGER",
    "LESS",
    "NO_COLOR",
)


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    token: str | None = None
    output: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class Workspace:
    def __init__(self, *, keep: bool = False, log=None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="explorer-bench-"))
        self.home = self.dir / "home"
        self.home.mkdir()
        self.keep = keep
        self.log = log or (lambda message: None)
        self.python = sys.executable
        self.explorer = str(Path(sys.executable).parent / "explorer")
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in _DROPPED and not k.startswith("EXPLORER_")
        }
        env["EXPLORER_HOME"] = str(self.home)
        env.setdefault("LANG", "C.UTF-8")
        self.env = env
        self.worker_env = {**env, "PYTHONPATH": str(SCRIPTS)}
        self._compile()
        self._sandbox: Server | None = None
        self._fixture: Server | None = None
        self._cached: set[str] = set()
        self._done: dict[str, object] = {}

    def _compile(self) -> None:
        """Byte-compile explorer, as an installed package is: an editable install is not,
        and a caller's ``PYTHONDONTWRITEBYTECODE`` would leave every import compiling
        its source on every run (the floors' libraries were compiled by pip)."""
        import explorer

        package = str(Path(explorer.__file__).parent)
        run_child([self.python, "-m", "compileall", "-q", package], env=self.env, timeout=300)

    # -- servers ------------------------------------------------------------------------

    @property
    def sandbox(self) -> Server:
        if self._sandbox is None:
            self._sandbox = self._start(
                [self.explorer, "serve", "--port", "0"], env=self.env, want_token=True
            )
            self.log(f"sandbox at {self._sandbox.url}")
        return self._sandbox

    @property
    def fixture(self) -> Server:
        if self._fixture is None:
            self._fixture = self._start(
                [self.python, "-m", "benchmarks.fixture_server"], env=self.worker_env
            )
        return self._fixture

    def api_url(self, routes: int) -> str:
        """The base URL of the synthetic API of ``routes`` routes."""
        return f"{self.fixture.url}/n{routes}"

    @property
    def big_url(self) -> str:
        return f"{self.fixture.url}/big"

    @property
    def github_url(self) -> str:
        """A server answering any path of the GitHub spec with a small JSON list."""
        return f"{self.fixture.url}/gh"

    @property
    def github_spec(self) -> Path:
        """The GitHub REST description the tests ship (``@octokit/openapi`` 23.0.2's
        ``api.github.com.json``, 13 MB, 1,223 operations), unpacked once per run."""
        target = self.dir / "api.github.com.json"
        if not target.exists():
            target.write_bytes(gzip.decompress(GITHUB_SPEC.read_bytes()))
        return target

    def _start(self, argv: list[str], *, env: dict, want_token: bool = False) -> Server:
        process = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=self.dir,
        )
        lines: list[str] = []
        found = threading.Event()
        info: dict[str, str] = {}

        def drain() -> None:  # keep reading so a chatty server never blocks on its pipe
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                if "url" not in info and (m := _URL.search(line)):
                    info["url"] = m.group(0).rstrip("/.,;")
                if "token" not in info and (m := _TOKEN.search(line)):
                    info["token"] = m.group(1)
                if "url" in info and ("token" in info or not want_token):
                    found.set()
            found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(30) or "url" not in info:
            process.kill()
            raise ChildFailed(f"{' '.join(argv[:3])} did not say where it listens: {lines[-5:]}")
        if want_token and "token" not in info:
            process.kill()
            raise ChildFailed(f"{' '.join(argv[:3])} printed no token: {lines[-5:]}")
        return Server(info["url"], process, info.get("token"), lines)

    # -- explorer commands --------------------------------------------------------------

    def explorer_argv(self, url: str, *args: str, token: str | None = None) -> list[str]:
        argv = [self.explorer, "--url", url]
        if token:
            argv += ["--token", token]
        return argv + list(args)

    def cache_routes(self, url: str, *, token: str | None = None) -> None:
        """Let explorer fetch and cache ``url``'s /discover (once per run)."""
        if url in self._cached:
            return
        started = time.perf_counter()
        run_child(self.explorer_argv(url, "routes", "--json", token=token), env=self.env)
        self._cached.add(url)
        self.log(f"cached the routes of {url} in {time.perf_counter() - started:.1f} s")

    def once(self, key: str, make):
        """``make()`` the first time ``key`` is asked for in this run; its result after."""
        if key not in self._done:
            self._done[key] = make()
        return self._done[key]

    def worker(self, task: str, **args) -> dict:
        """Run ``benchmarks.inproc`` ``task`` in a fresh interpreter; its JSON answer."""
        with tempfile.TemporaryDirectory(dir=self.dir) as tmp:
            given, answer = Path(tmp) / "args.json", Path(tmp) / "answer.json"
            given.write_text(json.dumps(args))
            argv = [self.python, "-m", "benchmarks.inproc", task, str(given), str(answer)]
            run_child(argv, env=self.worker_env, timeout=600)
            return json.loads(answer.read_text())

    def close(self) -> None:
        for server in (self._sandbox, self._fixture):
            if server is not None:
                server.stop()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
