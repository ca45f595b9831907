"""Replay: send a session's requests again, in order, and check every answer.

Each recorded request is rebuilt, then changed in three ways before it is sent:

1. ids the server gave this run replace the recorded ones (:class:`IdMap`);
2. ``{{name}}`` placeholders are filled: ``--var`` values first, then values captured
   during this run (``api_key`` from a login answer), then the current profile
   (``token``/``api_key``/``secret`` from the configured credential, ``password`` from
   ``EXPLORER_PASSWORD``).  A recorded auth header whose secret is unknown is dropped
   (the client's own auth applies), and so is a cookie; any other unknown placeholder
   fails its step;
3. with no credential configured, a key or token captured during the run is sent as
   its scheme's header from then on (:func:`explorer.auth.by_placeholder`: a login's
   ``api_key`` as the ``apikey`` header).

Sending goes through one function (the engine's), so auth, raw query targets, timeouts
and recording are shared with every other front end; nothing is parsed again per step.

An answer is read as it streams: one over :data:`CHECK_LIMIT`, or one recorded in a
file beside the session, is not held (only its status, and a download's recorded size,
are checked) and its step's :attr:`StepResult.note` says the body was not checked.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from explorer.client.models import NO_BODY, FileField, RequestSpec, Response
from explorer.errors import ExplorerError, SessionError, TransportError
from explorer.secrets import CREDENTIAL_HEADERS
from explorer.sessions.capture import IdMap, Uses, ids_in, path_segment
from explorer.sessions.checks import Checker, Failure
from explorer.sessions.format import (
    MAX_DEPTH,
    MISSING,
    Exchange,
    Session,
    body_bytes,
    body_path,
    fill_template,
    is_form_type,
    json_depth_over,
)
from explorer.sessions.redact import SECRET_NAMES, Redactor, placeholder

SAFE_METHODS = frozenset({"GET", "HEAD"})
#: consecutive unreachable steps after which the rest are skipped
MAX_UNREACHABLE = 3
#: the most of an answer replay holds to check it; a larger one is read to its end and
#: dropped as it comes (its status, and its size when recorded, are still checked)
CHECK_LIMIT = 8 * 1024 * 1024
#: of an answer recorded in a file beside the session (never compared), only this much
#: is held: enough to quote the error message of a changed status
HEAD_LIMIT = 64 * 1024


class MissingValue(ExplorerError):
    """A placeholder no variable, capture or profile can fill."""

    def __init__(self, name: str) -> None:
        hint = (
            "give --var password=VALUE or set EXPLORER_PASSWORD"
            if name == "password"
            else f"give --var {name}=VALUE"
        )
        super().__init__(f"needs a value for {{{{{name}}}}} ({hint})")
        self.name = name


@dataclass
class StepResult:
    step: int
    method: str
    target: str
    command: str | None
    expected_status: int
    actual_status: int | None = None
    result: str = "passed"  # passed | failed | skipped | error
    duration_ms: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    #: what was not checked and why (``body not checked: ...``), or None
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.target}"

    def messages(self) -> list[str]:
        return [f"step {self.step} ({self.label}): {f.describe()}" for f in self.failures]

    def note_line(self) -> str | None:
        return None if self.note is None else f"step {self.step} ({self.label}): {self.note}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "method": self.method,
            "target": self.target,
            "command": self.command,
            "result": self.result,
            "status": {"expected": self.expected_status, "actual": self.actual_status},
            "duration_ms": round(self.duration_ms, 1),
            "failures": [f.as_dict() for f in self.failures],
            "note": self.note,
        }


@dataclass
class ReplayReport:
    session: str
    base_url: str
    results: list[StepResult]
    duration_s: float = 0.0

    def count(self, result: str) -> int:
        return sum(1 for r in self.results if r.result == result)

    @property
    def passed(self) -> bool:
        return all(r.result in ("passed", "skipped") for r in self.results) and not any(
            r.result == "skipped" and r.failures for r in self.results
        )

    @property
    def unreachable(self) -> bool:
        """No step passed and the server could not be reached (a TransportError)."""
        return self.count("passed") == 0 and any(
            f.kind == "unreachable" for r in self.results for f in r.failures
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "base_url": self.base_url,
            "passed": self.passed,
            "summary": {
                "steps": len(self.results),
                "passed": self.count("passed"),
                "failed": self.count("failed"),
                "errors": self.count("error"),
                "skipped": self.count("skipped"),
                "duration_s": round(self.duration_s, 3),
            },
            "steps": [r.as_dict() for r in self.results],
        }


class Replayer:
    """Replays one session through ``send``; see the module docstring."""

    def __init__(
        self,
        session: Session,
        *,
        send: Callable[[RequestSpec], Response],
        base_url: str,
        variables: dict[str, str] | None = None,
        profile: Callable[[str], str | None] = lambda name: None,
        auth_configured: bool = False,
        checker: Checker | None = None,
        only_safe: bool = False,
        secrets: list[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
        spec_check: Callable[[RequestSpec, int, Any], list[Failure]] | None = None,
    ) -> None:
        self.session = session
        #: ``--check-spec``: the failures of an answer against the API description
        self.spec_check = spec_check
        self.send = send
        self.base_url = base_url.rstrip("/")
        self.variables = dict(variables or {})
        self.profile = profile
        self.auth_configured = auth_configured
        self.checker = checker or Checker()
        self.only_safe = only_safe
        self.progress = progress
        self.ids = IdMap()
        self._preview = False
        self._temporary: list[Path] = []
        self.redactor = Redactor(secrets or [])
        for name, value in self.variables.items():
            if name in SECRET_NAMES:
                self.redactor.learn(value, name)

    # -- values ------------------------------------------------------------------------

    def lookup(self, name: str) -> str:
        if self._preview and name in SECRET_NAMES:
            return placeholder(name)
        if name == "base_url":
            return self.variables.get("base_url", self.base_url)
        if name in self.variables:
            return self.variables[name]
        if name in self.ids.captured:
            return self.ids.captured[name]
        value = self.profile(name)
        if value:
            return value
        raise MissingValue(name)

    def fill(self, text: str) -> str:
        """A recorded template as it is sent: placeholders filled, ``{{'{{'}}`` a ``{{``."""
        return fill_template(text, self.lookup)

    def fill_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.fill(value) if "{{" in value else value
        if isinstance(value, dict):
            return {k: self.fill_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill_json(v) for v in value]
        return value

    # -- building requests -------------------------------------------------------------

    def build(self, exchange: Exchange) -> RequestSpec:
        """The request to send for ``exchange`` now (ids mapped, placeholders filled)."""
        request = exchange.request
        ids = self.ids
        # Placeholders are filled first, then recorded ids replaced: a value the server
        # gave (an id holding "{{token}}") is data, never filled in.
        path = ids.path(fill_template(request["path"], self._segment), exchange.route_path)
        query = ids.query([self._fill_query(c) for c in request.get("query") or []])
        headers = {}
        for name, value in (request.get("headers") or {}).items():
            try:
                headers[name] = self.fill(str(value))
            except MissingValue as missing:
                # A credential header nobody can fill is left out: the client's own
                # auth (or none) applies, and the status check says what happened.
                if name.lower() not in CREDENTIAL_HEADERS and missing.name not in SECRET_NAMES:
                    raise
        if not self.auth_configured and not any(k.lower() in CREDENTIAL_HEADERS for k in headers):
            from explorer.auth import by_placeholder

            captured = by_placeholder(self.ids.captured)
            if captured is not None:
                headers.update(captured.headers())
        spec = RequestSpec(
            exchange.method,
            path,
            query=query,
            headers=headers,
            route=exchange.route,
            command=exchange.command,
        )
        body = request.get("body")
        if body is None:
            return spec
        if "json" in body:
            spec.json = ids.json(self.fill_json(body["json"]))
        elif "multipart" in body:
            multipart = body["multipart"]
            fields = {k: self.fill(str(v)) for k, v in (multipart.get("fields") or {}).items()}
            spec.form = ids.fields(fields)
            spec.files = [
                FileField(f["field"], str(self._upload_path(f)), f.get("type"),
                          filename=_recorded_name(f))
                for f in multipart.get("files") or []
            ]
            spec.headers = {k: v for k, v in spec.headers.items() if k.lower() != "content-type"}
        elif "text" in body:
            ctype = next((v for k, v in spec.headers.items() if k.lower() == "content-type"), "")
            if is_form_type(str(ctype)):  # a value filled into a form is URL-encoded
                text = str(body["text"])
                spec.data = fill_template(text, lambda n: self._quoted(n, plus=True)).encode()
            else:
                spec.data = self.fill(str(body["text"])).encode()
        else:
            spec.data = body_bytes(body, self.session.directory)
        return spec

    def _upload_path(self, entry: dict[str, Any]) -> Path:
        """The recorded copy of an upload, or, when the recorder hid secrets in it, a
        private temporary copy with them filled back in (removed once the step is sent)."""
        path = body_path(entry, self.session.directory)
        names = [n for n in entry.get("placeholders") or () if isinstance(n, str)]
        if not names or self._preview:
            return path
        import tempfile

        from explorer.sessions.redact import StreamReplacer

        pairs = [(placeholder(n).encode(), self.lookup(n).encode()) for n in names]

        def fill(data: bytes) -> bytes:
            for mark, value in pairs:
                data = data.replace(mark, value)
            return data

        folder = Path(tempfile.mkdtemp(prefix="explorer-upload-"))  # 0700
        self._temporary.append(folder)
        target = folder / path.name
        stream = StreamReplacer(fill, keep=max(len(mark) for mark, _ in pairs) - 1)
        try:
            with open(path, "rb") as src, open(
                os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
            ) as dst:
                while chunk := src.read(65536):
                    dst.write(stream.feed(chunk))
                dst.write(stream.finish())
        except OSError as exc:
            raise SessionError(f"cannot prepare the upload {path.name}: {exc}") from exc
        return target

    def _remove_temporary(self) -> None:
        import shutil

        while self._temporary:
            shutil.rmtree(self._temporary.pop(), ignore_errors=True)

    def _fill_query(self, component: str) -> str:
        return fill_template(component, self._quoted)

    def _quoted(self, name: str, *, plus: bool = False) -> str:
        """The value of ``{{name}}`` percent-encoded (a preview's placeholder as it is)."""
        value = self.lookup(name)
        if self._preview and name in SECRET_NAMES:
            return value
        return quote_plus(value) if plus else quote(value, safe="")

    def _segment(self, name: str) -> str:
        """The value of ``{{name}}`` in a path: percent-encoded, never ``.`` or ``..``."""
        value = self.lookup(name)
        if self._preview and name in SECRET_NAMES:
            return value
        return path_segment(value)

    def preview(self, exchange: Exchange) -> RequestSpec:
        """What :meth:`build` gives, without sending anything: secrets stay placeholders
        (``Authorization: Bearer {{token}}``), whatever the profile or ``--var`` holds."""
        self._preview = True
        try:
            return self.build(exchange)
        except MissingValue:
            request = exchange.request
            return RequestSpec(
                exchange.method,
                request["path"],
                query=list(request.get("query") or []),
                headers=dict(request.get("headers") or {}),
                json=(request.get("body") or {}).get("json", NO_BODY),
            )
        finally:
            self._preview = False

    # -- running -----------------------------------------------------------------------

    def run(self) -> ReplayReport:
        started = time.perf_counter()
        results: list[StepResult] = []
        total = len(self.session.exchanges)
        unreachable = 0
        known: set[str] = set()  # ids the recorded answers held so far (--only-safe)
        unavailable: dict[str, int] = {}  # id -> the skipped step that created it
        for index, exchange in enumerate(self.session.exchanges, start=1):
            result = StepResult(
                exchange.step or index,
                exchange.method,
                exchange.target,
                exchange.command,
                exchange.status,
            )
            results.append(result)
            if unreachable >= MAX_UNREACHABLE:
                result.result = "skipped"
                result.failures.append(
                    Failure("", "", "not sent: the server stopped answering", "unreachable")
                )
                continue
            try:
                recorded = exchange.response_json if self.only_safe else MISSING
            except SessionError as exc:  # a deferred recorded answer that is not JSON
                self._error(result, str(exc), time.perf_counter())
                if self.progress is not None:
                    self.progress(index, total)
                continue
            if self.only_safe and exchange.method not in SAFE_METHODS:
                result.result = "skipped"
                if recorded is not MISSING:  # what it created, later steps cannot use
                    for new in ids_in(recorded) - known:
                        unavailable.setdefault(new, result.step)
            elif unavailable and (needs := self._needs(exchange, unavailable)) is not None:
                result.result = "skipped"
                result.note = (
                    f"not sent: it uses {needs}, which step {unavailable[needs]} created "
                    "and --only-safe did not send"
                )
            else:
                unreachable = self._step(exchange, result, unreachable)
            if self.only_safe and recorded is not MISSING:
                known |= ids_in(recorded)
            if self.progress is not None:
                self.progress(index, total)
        return ReplayReport(
            str(self.session.path), self.base_url, results, time.perf_counter() - started
        )

    def _needs(self, exchange: Exchange, unavailable: dict[str, int]) -> str | None:
        """The id, created by a step ``--only-safe`` skipped, that ``exchange`` uses in
        its path, query or body (None: it can be sent)."""
        if not unavailable:
            return None
        uses = Uses(unavailable)
        request = exchange.request
        uses.path(request["path"], exchange.route_path)
        uses.query(list(request.get("query") or []))
        body = request.get("body") or {}
        if "json" in body:
            uses.json(body["json"])
        elif "multipart" in body:
            uses.fields(dict(body["multipart"].get("fields") or {}))
        return uses.found

    def _step(self, exchange: Exchange, result: StepResult, unreachable: int) -> int:
        began = time.perf_counter()
        recorded_body = exchange.response.get("body")
        in_file = isinstance(recorded_body, dict) and "file" in recorded_body
        limit = HEAD_LIMIT if in_file else CHECK_LIMIT
        try:
            spec = self.build(exchange)
            result.target = spec.target
            response = self.send(spec)
            body, size = read_limited(response, limit)
        except TransportError as exc:
            self._error(result, str(exc), began, kind="unreachable")
            return unreachable + 1
        except ExplorerError as exc:
            self._error(result, str(exc), began)
            return 0
        finally:
            self._remove_temporary()
        result.duration_ms = (time.perf_counter() - began) * 1000
        result.actual_status = response.status
        if response.status == exchange.status and (in_file or size > limit):
            # Held only in part (or not worth holding): the status matched; the size is
            # what is left to compare.
            failures = _size_failures(recorded_body, size, response)
            result.note = (
                "body not checked: recorded in a file beside the session"
                if in_file
                else f"body not checked: {size} bytes, more than the "
                f"{CHECK_LIMIT // (1024 * 1024)} MB replay reads to check an answer"
            )
            if failures:
                result.result = "failed"
                result.failures = failures
            return 0
        if (
            response.status == exchange.status
            and self.spec_check is None
            and body
            and body == exchange.response_text
        ):
            # The very bytes the recorded answer was read from (or is to be read from,
            # deferred): the same value, so every check holds and nothing is learned.
            return 0
        try:
            self._check(exchange, result, response, spec, body)
        except SessionError as exc:  # a deferred recorded answer that is not JSON
            self._error(result, str(exc), began)
        return 0

    def _check(self, exchange: Exchange, result: StepResult, response: Response,
               spec: RequestSpec, body: bytes) -> None:
        parsed: Any = MISSING
        if body and (response.is_json or body[:1] in (b"{", b"[")):
            # The very bytes the recorded answer was read from parse to the recorded
            # value: it is taken as it is (the checks find it equal at once).  The
            # spec check gets a value of its own.
            same = self.spec_check is None and body == exchange.response_text
            try:
                parsed = exchange.response_json if same else json.loads(body)
                if json_depth_over(body, parsed, MAX_DEPTH):  # the checks walk it: compared as text
                    parsed = MISSING
            except (ValueError, RecursionError):
                parsed = MISSING
        failures = self.checker.check(
            exchange,
            status=response.status,
            content_type=response.content_type,
            body=body,
            ids=self.ids,
            parsed=parsed,
        )
        if self.spec_check is not None and parsed is not MISSING:
            failures = [*failures, *self.spec_check(spec, response.status, parsed)]
        recorded = exchange.response_json
        if (
            response.status == exchange.status
            and recorded is not MISSING
            and parsed is not MISSING
            and parsed != recorded  # an unchanged answer teaches nothing new
        ):
            self.ids.learn(recorded, parsed)
            for name, value in self.ids.captured.items():
                if name in SECRET_NAMES:
                    self.redactor.learn(value, name)
        if failures:
            if parsed is not MISSING:
                self.redactor.learn_fields(parsed)  # a failure may quote a secret field
            result.result = "failed"
            result.failures = [self._redacted(f) for f in failures]

    def _error(self, result: StepResult, message: str, began: float, *,
               kind: str = "error") -> None:
        result.duration_ms = (time.perf_counter() - began) * 1000
        result.result = "error"
        result.failures.append(Failure("", "", self.redactor.text(message), kind))

    def _redacted(self, failure: Failure) -> Failure:
        r = self.redactor
        return Failure(r.text(failure.path), r.text(failure.expected), r.text(failure.actual),
                       failure.kind)


def read_limited(response: Response, limit: int) -> tuple[bytes, int]:
    """The body (whole when it is at most ``limit`` bytes, else only its first
    :data:`HEAD_LIMIT`) and its size: read to its end chunk by chunk, so an answer of
    any size costs about ``limit`` bytes of memory."""
    kept = bytearray()
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size <= limit:
                kept += chunk
            elif len(kept) != HEAD_LIMIT:  # too large to check: keep a head for a message
                del kept[HEAD_LIMIT:]
                kept += chunk[: HEAD_LIMIT - len(kept)]
    finally:
        response.close()
    return bytes(kept), size


def _size_failures(recorded: Any, size: int, response: Response) -> list[Failure]:
    """A changed size of a body recorded whole in a file (a download's length is its
    content; a JSON body's length changes with its values, so it is not compared)."""
    if not isinstance(recorded, dict) or recorded.get("truncated"):
        return []
    expected = recorded.get("size")
    if type(expected) is not int or expected == size:
        return []
    kind = str(recorded.get("type") or "")
    if "json" in kind.lower() or response.is_json:
        return []
    return [Failure("body", f"{expected} bytes", f"{size} bytes", "body")]


def _recorded_name(entry: dict[str, Any]) -> str | None:
    """The file name an upload was recorded under (the server is given it again, not
    the name of the copy beside the session or of a filled-in temporary copy)."""
    name = entry.get("filename")
    return name if isinstance(name, str) and name else None
