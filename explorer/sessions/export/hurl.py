"""Export as a hurl file (https://hurl.dev): one entry per step, the recorded status as
the assert (``HTTP 201``), ``[Captures]`` for the ids later entries use.

Run it with the secrets as variables, never written in the file::

    hurl --test --variable base_url=http://127.0.0.1:8080 --variable token=$EXPLORER_TOKEN \\
         --file-root SESSION_DIR session.hurl

(or ``HURL_token=...`` in the environment).
"""

from __future__ import annotations

import json
from pathlib import Path

from explorer import __version__
from explorer.sessions.export.curl import _json_text
from explorer.sessions.export.plan import plan
from explorer.sessions.format import Session


def jsonpath(path: tuple) -> str:
    out = "$"
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        elif key.isidentifier():
            out += "." + key
        else:
            out += "['" + key.replace("'", "\\'") + "']"
    return out


def render(session: Session, *, files_root: Path) -> str:
    steps = plan(session)
    out = [
        f"# The explorer session {session.path.name} ({len(steps)} requests), "
        f"exported by explorer {__version__}.",
        "# No secret is stored here; pass them as variables (or HURL_<name> in the environment):",
        "#   hurl --test --variable base_url=http://127.0.0.1:8080 --variable token=... \\",
        f"#        --file-root {files_root} THIS.hurl",
    ]
    for step in steps:
        out.append("")
        out.append(f"# step {step.number}: {step.title}")
        out.append(f"{step.method} {{{{base_url}}}}{step.target}")
        # The session's credential, or the key a login answered; none while it is
        # unknown (a login step), so running the file needs no dummy variable.
        if step.auth == "apikey":
            out.append("apikey: {{api_key}}")
        elif step.auth == "bearer":
            out.append("Authorization: Bearer {{token}}")
        body = step.body
        for name, value in step.headers.items():
            if body is not None and body[0] == "json" and name.lower() == "content-type":
                continue
            out.append(f"{name}: {value}")
        if body is not None and body[0] == "json":
            out.append(_json_text(body[1]))
        elif body is not None and body[0] == "multipart":
            _, fields, files = body
            out.append("[MultipartFormData]")
            for name, value in fields.items():
                out.append(f"{name}: {value}")
            for item in files:
                out.append(f"{item['field']}: file,{item['file']}; {item.get('type')}")
        elif body is not None and body[0] == "text":
            out.append("```")
            out.append(body[1])
            out.append("```")
        elif body is not None and body[0] == "file":
            out.append(f"file,{body[1]};")
        out.append(f"HTTP {step.status}")
        if step.captures:
            out.append("[Captures]")
            for capture in step.captures:
                out.append(f"{capture.name}: jsonpath {json.dumps(jsonpath(capture.path))}")
    out.append("")
    return "\n".join(out)
