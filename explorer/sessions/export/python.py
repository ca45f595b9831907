"""Export as a standalone Python script using requests, in the style of the Labstep
API examples (``url = ...; r = requests.post(url, json=data, headers=headers)``), with
each answer printed, its status checked, and the ids later steps need captured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from explorer import __version__
from explorer.secrets import FIELD_NAMES, MIN_TEXT_SECRET
from explorer.sessions.export.plan import Step, Var, plan, split_placeholders
from explorer.sessions.format import Session

#: placeholder name -> the script's variable
SECRETS = {
    "token": "TOKEN",
    "api_key": "API_KEY",
    "password": "PASSWORD",
    "secret": "(TOKEN or API_KEY)",
    "cookie": "COOKIE",
    "base_url": "API_ROOT",
}


class PyNames:
    """How a script refers to a placeholder or a captured value."""

    def __init__(self, captured: set[str], *, prefix: str = "") -> None:
        self.captured = captured
        self.prefix = prefix

    def expr(self, name: str) -> str:
        if name in SECRETS and name not in self.captured:
            return SECRETS[name]
        if name in ("api_key", "token"):
            return SECRETS[name] if not self.prefix else f"{self.prefix}['{name}']"
        if name in self.captured:
            return f"{self.prefix}['{name}']" if self.prefix else name
        return f"var({name!r})"


def py_string(text: str, names: PyNames) -> str:
    """A Python expression for ``text`` with its ``{{placeholders}}`` filled in."""
    parts = split_placeholders(text)
    if not any(isinstance(p, Var) for p in parts):
        return repr(text)
    if len(parts) == 1:
        return f"str({names.expr(parts[0].name)})"
    out = []
    for part in parts:
        if isinstance(part, Var):
            out.append("{" + names.expr(part.name) + "}")
        else:
            literal = part.replace("\\", "\\\\").replace('"', '\\"')
            literal = literal.replace("\n", "\\n").replace("\r", "\\r")
            out.append(literal.replace("{", "{{").replace("}", "}}"))
    return 'f"' + "".join(out) + '"'


def py_value(value: Any, names: PyNames, indent: int = 0) -> str:
    if isinstance(value, Var):
        return names.expr(value.name)
    if isinstance(value, str):
        return py_string(value, names)
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = " " * (indent + 4)
        items = [f"{pad}{py_string(str(k), names)}: {py_value(v, names, indent + 4)},"
                 for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        pad = " " * (indent + 4)
        items = [f"{pad}{py_value(v, names, indent + 4)}," for v in value]
        return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"
    return repr(value)  # numbers, True/False/None


def py_path(path: tuple) -> str:
    return "".join(f"[{k!r}]" for k in path)


def request_lines(
    step: Step, names: PyNames, files_root: Path, *, client: str,
    auth: str = "auth_headers()",
) -> tuple[list[str], list[str]]:
    """Lines that set ``url`` (and ``data``/``files``/``body``, and ``headers`` from the
    ``auth`` expression), and the keyword arguments that send the request."""
    lines: list[str] = []
    url = py_string("{{base_url}}" + step.target, names) if client == "requests" else \
        py_string(step.target, names)
    kwargs = []
    body = step.body
    if body is not None and body[0] == "json":
        lines.append(f"data = {py_value(body[1], names)}")
        kwargs.append("json=data")
    elif body is not None and body[0] == "multipart":
        _, fields, files = body
        lines.append(f"data = {py_value(fields, names)}")
        lines.append("files = {")
        for item in files:
            path = repr(item["file"])
            lines.append(
                f"    {item['field']!r}: ({item.get('filename')!r}, "
                f"open(os.path.join(FILES, {path}), 'rb'), {item.get('type')!r}),"
            )
        lines.append("}")
        kwargs += ["data=data", "files=files"]
    elif body is not None and body[0] == "text":
        lines.append(f"body = {py_string(body[1], names)}.encode()")
        kwargs.append("data=body")
    elif body is not None and body[0] == "file":
        lines.append(f"body = open(os.path.join(FILES, {body[1]!r}), 'rb').read()")
        kwargs.append("data=body")
    header_items = {k: v for k, v in step.headers.items()}
    if header_items:
        lines.append(f"headers = {{**{auth}, **{py_value(header_items, names)}}}")
    else:
        lines.append(f"headers = {auth}")
    kwargs.append("headers=headers")
    lines.insert(0, f"url = {url}")
    return lines, kwargs


def render(session: Session, *, files_root: Path) -> str:
    steps = plan(session)
    captured = {c.name for s in steps for c in s.captures}
    names = PyNames(captured)
    base = session.base_url or "http://127.0.0.1:8080"
    out = [
        "#!/usr/bin/env python",
        f'"""Replays the explorer session {session.path.name} ({len(steps)} requests) '
        "with requests.",
        "",
        f"Exported by explorer {__version__}.  It holds no secret: set them in the environment,",
        "",
        "    EXPLORER_URL=http://127.0.0.1:8080 EXPLORER_TOKEN=... python this-script.py",
        "",
        "(EXPLORER_API_KEY for an apikey, EXPLORER_PASSWORD for a login, EXPLORER_VAR_NAME",
        "for any other {{name}}; EXPLORER_FILES: where the uploaded files are.)",
        '"""',
        "",
        "import json",
        "import os",
        "import sys",
        "",
        "import requests",
        "",
        f"API_ROOT = os.environ.get('EXPLORER_URL', {base!r}).rstrip('/')",
        "TOKEN = os.environ.get('EXPLORER_TOKEN', '')",
        "API_KEY = os.environ.get('EXPLORER_API_KEY', '')",
        "PASSWORD = os.environ.get('EXPLORER_PASSWORD', '')",
        "COOKIE = os.environ.get('EXPLORER_COOKIE', '')",
        f"FILES = os.environ.get('EXPLORER_FILES', {str(files_root)!r})",
        "",
        "",
        "def var(name):",
        "    return os.environ.get('EXPLORER_VAR_' + name.upper(), '')",
        "",
        "",
        "def auth_headers():",
        "    headers = {}",
        "    if TOKEN:",
        "        headers['Authorization'] = f'Bearer {TOKEN}'",
        "    if API_KEY:",
        "        headers['apikey'] = API_KEY",
        "    return headers",
        "",
        "",
        f"SECRET_FIELDS = {tuple(sorted(FIELD_NAMES))!r}",
        "",
        "",
        "def hidden(value):",
        "    # what is printed carries no secret: a login's api_key, a password field",
        "    if isinstance(value, dict):",
        "        return {k: '***' if isinstance(v, str) and (k.lower() in SECRET_FIELDS",
        "                or k.lower().endswith('_password')) else hidden(v)",
        "                for k, v in value.items()}",
        "    if isinstance(value, list):",
        "        return [hidden(v) for v in value]",
        "    if isinstance(value, str):",
        "        for secret in (TOKEN, API_KEY, PASSWORD, COOKIE):",
        f"            if len(secret) >= {MIN_TEXT_SECRET}:",
        "                value = value.replace(secret, '***')",
        "    return value",
        "",
        "",
        "def check(r, expected):",
        "    print(r.request.method, hidden(r.url), r.status_code, r.reason)",
        "    try:",
        "        parsed = json.loads(r.content)",
        "    except ValueError:",
        "        parsed = None",
        "        print(hidden(r.text))",
        "    else:",
        "        print(json.dumps(hidden(parsed), indent=4, sort_keys=True))",
        "    if r.status_code != expected:",
        "        sys.exit(f'{r.request.method} {hidden(r.url)}: expected {expected}, '",
        "                 f'got {r.status_code}')",
        "    return parsed",
        "",
    ]
    if any(step.raw_target for step in steps):
        out += [
            "",
            "def send(method, url, headers=None, json=None, data=None):",
            "    # requests and urllib3 would re-encode a filter like updatedAt>X, which the",
            "    # server must see as written: send such a request with http.client.",
            "    import http.client",
            "    import types",
            "    from urllib.parse import urlsplit",
            "",
            "    parts = urlsplit(url)",
            "    connection_class = http.client.HTTPSConnection if parts.scheme == 'https' \\",
            "        else http.client.HTTPConnection",
            "    connection = connection_class(parts.netloc, timeout=30)",
            "    headers = dict(headers or {})",
            "    if json is not None:",
            "        data = globals()['json'].dumps(json).encode()",
            "        headers['Content-Type'] = 'application/json'",
            "    target = url.split(parts.netloc, 1)[1] or '/'",
            "    connection.request(method, target, body=data, headers=headers)",
            "    answer = connection.getresponse()",
            "    content = answer.read()",
            "    connection.close()",
            "    return types.SimpleNamespace(",
            "        status_code=answer.status, reason=answer.reason, url=url, content=content,",
            "        text=content.decode('utf-8', 'replace'),",
            "        request=types.SimpleNamespace(method=method),",
            "    )",
            "",
        ]
    for step in steps:
        out.append("")
        out.append(f"# Step {step.number}: {step.title}")
        lines, kwargs = request_lines(step, names, files_root, client="requests")
        out += lines
        if step.raw_target:
            out.append(f"r = send({step.method!r}, url, {', '.join(kwargs)})")
        else:
            out.append(f"r = {_call(step.method)}(url, {', '.join(kwargs)})")
        out.append(f"parsed = check(r, {step.status})")
        for capture in step.captures:
            target = names.expr(capture.name)
            out.append(f"{target} = parsed{py_path(capture.path)}")
    out.append("")
    return "\n".join(out)


def _call(method: str) -> str:
    name = method.lower()
    if name in ("get", "post", "put", "patch", "delete", "head", "options"):
        return f"requests.{name}"
    return f"lambda url, **kw: requests.request({method!r}, url, **kw)"
