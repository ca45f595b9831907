"""A bash script, one curl per step; --fail-with-body on steps that succeeded when recorded.

Secrets come from the environment (``EXPLORER_TOKEN``, ``EXPLORER_API_KEY``,
``EXPLORER_PASSWORD``); ids later steps need are captured from the answers by a small
Python helper the script carries (no jq needed), which also writes what the script fills
in: an id as a path segment (``.`` and ``..`` refused), a password inside JSON.  Every
value from the session is a single-quoted word (:mod:`explorer.sessions.export.shell`).
A step whose recorded status was a success runs with ``--fail-with-body``: the script
stops where the server disagrees with the recording.  curl runs with ``--globoff`` and
``--path-as-is`` and bodies go as ``--data-raw``, so a ``{a,b}``, a ``/../`` or a body
starting with ``@`` is sent as it was recorded, never expanded, folded or read as a file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from explorer import __version__
from explorer.auth import exports
from explorer.errors import SessionError
from explorer.secrets import MIN_TEXT_SECRET
from explorer.sessions.export.plan import (
    RAW,
    FileBody,
    JsonBody,
    MultipartBody,
    Ref,
    Step,
    TextBody,
    Use,
    json_text,
    one_line,
    uses,
    wire_url,
)
from explorer.sessions.export.shell import (
    CREDENTIAL_ENV,
    HELPER,
    Var,
    assign,
    literal,
    variable,
    word,
)
from explorer.sessions.format import Session

SUFFIX = ".sh"

#: each auth scheme's variable and how curl sends it (explorer.auth)
_AUTH = exports()
#: placeholder -> the script's variable; any other {{name}} is V_NAME (EXPLORER_VAR_NAME)
_VARS = {
    **{e.placeholder: e.variable for e in _AUTH},
    "password": "PASSWORD",
    "cookie": "COOKIE",
    "secret": "SECRET",
    "base_url": "BASE_URL",
}
#: what show() masks in every answer it prints
_MASKED = " ".join(f'"${v}"' for v in [*(e.variable for e in _AUTH), "PASSWORD", "COOKIE"])

_FUNCTIONS = f'''json_at() {{  # json_at MODE JSON-PATH LABEL < answer: one value of the answer
  python3 -c "$HELPER" at "$@"
}}
encode() {{  # encode MODE json|text VALUE LABEL: VALUE as it goes in (see HELPER)
  python3 -c "$HELPER" "$2" "$1" "$3" "$4"
}}
show() {{  # the body, with the secrets known so far masked
  local body="$1" secret
  for secret in {_MASKED}; do
    if [ "${{#secret}}" -ge {MIN_TEXT_SECRET} ]; then
      body="${{body//"$secret"/***}}"
    fi
  done
  printf '%s\\n' "$body"
}}'''


def _no_credentials_for_the_recorded_url() -> list[str]:
    """A credential from the environment goes only where the user chose (replay's rule):
    without ``EXPLORER_URL`` the server is the one the session names, so the script
    stops before sending one there."""
    given = "".join("${" + name + ":-}" for name in CREDENTIAL_ENV)
    return [
        f'if [ -z "${{EXPLORER_URL:-}}" ] && [ -n "{given}" ]; then',
        "  printf '%s\\n' \"credentials are set but EXPLORER_URL is not: this script would"
        " send them to the server the session names, $RECORDED_URL; set EXPLORER_URL to"
        " the server they are for\" >&2",
        "  exit 2",
        "fi",
    ]


def _env(name: str) -> str:
    return _VARS.get(name) or "V_" + variable(name)


def _auth() -> list[str]:
    """How the script authenticates: ``set_auth`` fills ``AUTH`` (curl's arguments) from
    the credentials known now; it runs again when a login's answer gives a key."""
    secret = "".join("${" + e.variable + ":-" for e in _AUTH if e.fills_secret)
    secret += "}" * sum(e.fills_secret for e in _AUTH)
    return [
        "AUTH=()",
        "set_auth() {",
        "  AUTH=()",
        *(f'  if [ -n "${e.variable}" ]; then AUTH+=({e.curl}); fi' for e in _AUTH),
        f'  SECRET="{secret}"',
        "}",
    ]


def render(session: Session, steps: list[Step], *, files_root: Path) -> str:
    variables = sorted({u.ref.name for s in steps for u in _refs(s)
                        if not u.ref.captured and u.ref.name not in _VARS})
    out = [
        "#!/usr/bin/env bash",
        f"# Replays an explorer session with curl, {len(steps)} requests (SESSION names it).",
        f"# Exported by explorer {__version__}.  It holds no secret: set them in the environment,",
        "#   EXPLORER_URL=http://127.0.0.1:8080 EXPLORER_TOKEN=... bash this-script.sh",
        "# (EXPLORER_API_KEY for an apikey, EXPLORER_AUTH=USER:PASS for HTTP Basic,",
        "#  EXPLORER_PASSWORD for a login, EXPLORER_VAR_NAME",
        "#  for any other {{name}}; EXPLORER_FILES: where the uploaded files are.)",
        "set -euo pipefail",
        "",
        f"SESSION={literal(session.path.name)}",
        f"RECORDED_URL={literal(wire_url(session.base_url or 'http://127.0.0.1:8080'))}",
        f"RECORDED_FILES={literal(str(files_root))}",
        f"HELPER={literal(HELPER)}",
        "",
        'BASE_URL="${EXPLORER_URL:-$RECORDED_URL}"',
        'BASE_URL="${BASE_URL%/}"',
        *_no_credentials_for_the_recorded_url(),
        'FILES="${EXPLORER_FILES:-$RECORDED_FILES}"',
        *(f'{e.variable}="${{{e.env}:-}}"' for e in _AUTH),
        'PASSWORD="${EXPLORER_PASSWORD:-}"',
        'COOKIE="${EXPLORER_COOKIE:-}"',
        *(f'V_{variable(n)}="${{EXPLORER_VAR_{variable(n)}:-}}"' for n in variables),
        *_auth(),
        _FUNCTIONS,
        "set_auth",
    ]
    for step in steps:
        out.append("")
        out += _StepLines(step).lines()
    out.append("")
    return "\n".join(out)


def _refs(step: Step) -> list[Use]:
    return [Use(r, RAW) for r in step.refs()]


class _StepLines:
    """The lines of one step: the values it computes first, its curl, its captures."""

    def __init__(self, step: Step) -> None:
        self.step = step
        self.label = literal(f"step {step.number}")
        self.before: list[str] = []
        self.computed = 0

    def part(self, piece: str | Use) -> str | Var:
        if isinstance(piece, str):
            return piece
        ref, mode = piece.ref, piece.mode
        if not ref.captured and mode == RAW:
            return Var(_env(ref.name))
        self.computed += 1
        name = f"E{self.computed}"
        source = f'"$C_{variable(ref.name)}"' if ref.captured else f'"${_env(ref.name)}"'
        kind = "json" if ref.captured else "text"
        self.before += assign(name, f"encode {mode} {kind} {source} {self.label}")
        return Var(name)

    def word(self, pieces: list[str | Use]) -> str:
        return word([self.part(p) for p in pieces])

    def lines(self) -> list[str]:
        step = self.step
        args = ["curl", "-sS", "--globoff", "--path-as-is"]
        if step.status < 400:
            args.append("--fail-with-body")
        args += ["-I"] if step.method == "HEAD" else ["-X", step.method]
        words = [literal(a) for a in args]
        words.append('${AUTH[@]+"${AUTH[@]}"}')
        has_type = False
        for name, value in step.headers:
            has_type = has_type or name.lower() == "content-type"
            # curl drops a header given as "Name:"; "Name;" sends it empty
            words += ["-H", self.word([f"{name}: ", *uses(value)]) if value else
                      literal(f"{name};")]
        words += self.body(has_type)
        words.append(self.word([Use(Ref("base_url"), RAW), *uses(step.target)]))
        out = [f"# step {step.number} (expect {step.status}): {one_line(step.title)}"]
        command = " ".join(words)
        out += self.before
        out.append(f"BODY=$({command})")
        for capture in step.captures:
            path = literal(json.dumps(list(capture.path)))
            read = "printf '%s' \"$BODY\" | json_at"
            if capture.name in ("api_key", "token"):  # a login's answer: the credential
                out += assign(_VARS[capture.name], f"{read} raw {path} {self.label}")
                out.append("set_auth")
            else:
                out += assign(f"C_{variable(capture.name)}",
                              f"{read} json {path} {self.label}")
        out.append('show "$BODY"')  # after the captures: a key a login answered is masked
        return out

    def body(self, has_type: bool) -> list[str]:
        body = self.step.body
        if isinstance(body, JsonBody):
            kind = [] if has_type else ["-H", literal("Content-Type: application/json")]
            return [*kind, "--data-raw", self.word(json_text(body.value))]
        if isinstance(body, TextBody):
            kind = [] if has_type else ["-H", literal("Content-Type:")]  # not curl's own
            return [*kind, "--data-raw", self.word(uses(body.text))]
        if isinstance(body, FileBody):
            kind = [] if has_type else ["-H", literal("Content-Type:")]
            return [*kind, "--data-binary", word(["@", Var("FILES"), "/" + body.file])]
        if isinstance(body, MultipartBody):
            out = []
            for name, value in body.fields:
                if "=" in name:
                    raise SessionError(
                        f"step {self.step.number}: curl cannot send a form field named "
                        f"{name!r}")
                out += ["--form-string", self.word([f"{name}=", *uses(value)])]
            for upload in body.files:
                if "=" in upload.field:
                    raise SessionError(
                        f"step {self.step.number}: curl cannot send a form field named "
                        f"{upload.field!r}")
                if not _MIME.fullmatch(upload.type):
                    raise SessionError(
                        f"step {self.step.number}: curl cannot send the type {upload.type!r}")
                spec = [f'{upload.field}=@"', Var("FILES"), f'/{_quoted(upload.file)}"'
                        f';type={upload.type};filename="{_quoted(upload.filename)}"']
                out += ["-F", word(spec)]
            return out
        return []


def _quoted(text: str) -> str:
    """``text`` inside a double-quoted part of curl's ``-F`` (curl's own quoting, after
    the shell's)."""
    if any(c in text for c in "\r\n"):
        raise SessionError(f"a file name or type holds a line break: {text!r}")
    return text.replace("\\", "\\\\").replace('"', '\\"')


_MIME = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")
