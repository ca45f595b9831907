"""Export as a bash script of curl commands, one per step, runnable as it is.

Secrets come from the environment (``EXPLORER_TOKEN``, ``EXPLORER_API_KEY``,
``EXPLORER_PASSWORD``); ids later steps need are captured from the answers with a
one-line ``python3`` JSON reader, so no jq is needed.  A step whose recorded status
was a success runs with ``--fail-with-body``: the script stops where the server
disagrees with the recording.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from explorer import __version__
from explorer.secrets import MIN_TEXT_SECRET
from explorer.sessions.export.plan import Var, plan, split_placeholders
from explorer.sessions.format import Session

SHELL_VARS = {
    "token": "TOKEN",
    "api_key": "API_KEY",
    "password": "PASSWORD",
    "cookie": "COOKIE",
    "base_url": "BASE_URL",
    "secret": "SECRET",
    "files": "FILES",
}


def _var(name: str) -> str:
    if name in SHELL_VARS:
        return SHELL_VARS[name]
    return "V_" + "".join(c if c.isalnum() else "_" for c in name).upper()


def dq(text: str) -> str:
    """``text`` as one double-quoted shell word, ``{{name}}`` expanded from variables."""
    out = []
    for part in split_placeholders(text):
        if isinstance(part, Var):
            out.append("${" + _var(part.name) + "}")
        else:
            for ch in part:
                out.append("\\" + ch if ch in '\\"$`' else ch)
    return '"' + "".join(out) + '"'


def _json_text(value) -> str:
    """Compact JSON with Var references as ``{{name}}`` (quoted unless a number)."""
    marks: dict[str, str] = {}

    def encode(v):
        if isinstance(v, Var):
            mark = f"\x00{len(marks)}\x00"
            marks[mark] = str(v) if v.number else '"' + str(v) + '"'
            return mark
        if isinstance(v, dict):
            return {k: encode(x) for k, x in v.items()}
        if isinstance(v, list):
            return [encode(x) for x in v]
        return v

    text = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))
    for mark, replacement in marks.items():
        text = text.replace(json.dumps(mark), replacement)
    return text


def render(session: Session, *, files_root: Path) -> str:
    steps = plan(session)
    base = session.base_url or "http://127.0.0.1:8080"
    out = [
        "#!/usr/bin/env bash",
        f"# Replays the explorer session {session.path.name} ({len(steps)} requests) with curl.",
        f"# Exported by explorer {__version__}.  It holds no secret: set them in the environment,",
        "#   EXPLORER_URL=http://127.0.0.1:8080 EXPLORER_TOKEN=... bash this-script.sh",
        "# (EXPLORER_API_KEY for an apikey, EXPLORER_PASSWORD for a login;",
        "#  EXPLORER_FILES: where the uploaded files are.)",
        "set -euo pipefail",
        "",
        f"BASE_URL=\"${{EXPLORER_URL:-{base}}}\"",
        'BASE_URL="${BASE_URL%/}"',
        'TOKEN="${EXPLORER_TOKEN:-}"',
        'API_KEY="${EXPLORER_API_KEY:-}"',
        'PASSWORD="${EXPLORER_PASSWORD:-}"',
        'COOKIE="${EXPLORER_COOKIE:-}"',
        f"FILES=\"${{EXPLORER_FILES:-{files_root}}}\"",
        "AUTH=()",
        "set_auth() {",
        "  AUTH=()",
        '  if [ -n "$TOKEN" ]; then AUTH+=(-H "Authorization: Bearer $TOKEN"); fi',
        '  if [ -n "$API_KEY" ]; then AUTH+=(-H "apikey: $API_KEY"); fi',
        '  SECRET="${TOKEN:-$API_KEY}"',
        "}",
        "json_get() {  # json_get '[\"data\", 0, \"id\"]' < body",
        "  python3 -c 'import json, sys",
        "value = json.load(sys.stdin)",
        "for key in json.loads(sys.argv[1]):",
        "    value = value[key]",
        "print(value)' \"$1\"",
        "}",
        "show() {  # the body, with the secrets known so far masked",
        '  local body="$1" secret',
        '  for secret in "$TOKEN" "$API_KEY" "$PASSWORD" "$COOKIE"; do',
        f'    if [ "${{#secret}}" -ge {MIN_TEXT_SECRET} ]; then',
        '      body="${body//"$secret"/***}"',
        "    fi",
        "  done",
        "  printf '%s\\n' \"$body\"",
        "}",
        "set_auth",
    ]
    for step in steps:
        args = ["curl", "-sS"]
        if step.status < 400:
            args.append("--fail-with-body")
        if step.method == "HEAD":
            args.append("-I")
        else:
            args += ["-X", step.method]
        words = [shlex.quote(a) for a in args]
        words.append('${AUTH[@]+"${AUTH[@]}"}')
        for name, value in step.headers.items():
            words += ["-H", dq(f"{name}: {value}")]
        body = step.body
        if body is not None and body[0] == "json":
            if not any(k.lower() == "content-type" for k in step.headers):
                words += ["-H", shlex.quote("Content-Type: application/json")]
            words += ["--data-binary", dq(_json_text(body[1]))]
        elif body is not None and body[0] == "multipart":
            _, fields, files = body
            for name, value in fields.items():
                words += ["--form-string", dq(f"{name}={value}")]
            for item in files:
                spec = f"{item['field']}=@{{{{files}}}}/{item['file']};type={item.get('type')}"
                words += ["-F", dq(spec)]
        elif body is not None and body[0] == "text":
            words += ["--data-binary", dq(body[1])]
        elif body is not None and body[0] == "file":
            words += ["--data-binary", dq("@{{files}}/" + body[1])]
        words.append(dq("{{base_url}}" + step.target))
        command = " ".join(words)
        out.append("")
        out.append(f"# step {step.number} (expect {step.status}): {step.title}")
        out.append(f"BODY=$({command})")
        for capture in step.captures:
            path = shlex.quote(json.dumps(list(capture.path)))
            out.append(f"{_var(capture.name)}=$(printf '%s' \"$BODY\" | json_get {path})")
            if capture.name in ("api_key", "token"):
                out.append("set_auth")
        out.append('show "$BODY"')  # after the captures: a key a login answered is masked
    out.append("")
    return "\n".join(out)
