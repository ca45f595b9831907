"""One entry per step with HTTP <status> asserts and [Captures]; secrets as --variable / HURL_*.

A hurl file (https://hurl.dev).  Run it with the secrets as variables, never written in
the file::

    hurl --test --variable base_url=http://127.0.0.1:8080 --variable token=$EXPLORER_TOKEN \\
         --file-root SESSION_DIR session.hurl

(or ``HURL_token=...`` in the environment).  An auth header is written only where the
credential is known (a login step has none, so a Labstep flow needs only ``password``).

Every value from the session is written with hurl's own escapes, so it is data, never a
template or a comment: ``{`` as ``\\u{7b}`` (a ``{{`` would start a template), ``#`` as
``\\#``, a newline as ``\\n`` (or ``\\u{a}``), and in JSON bodies ``{`` as ``\\u007b``.
An id used in a URL is captured URL-encoded (hurl's ``urlEncode`` filter, and ``/`` as
``%2F``), and its capturing entry asserts it is not ``.``, ``..`` or empty.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from explorer import __version__
from explorer.auth import ExportAuth, from_session
from explorer.errors import SessionError
from explorer.sessions.export.plan import (
    FORM,
    JSON_STRING,
    QUERY,
    SEGMENT,
    FileBody,
    JsonBody,
    MultipartBody,
    Step,
    TextBody,
    Use,
    json_text,
    one_line,
    uses,
)
from explorer.sessions.format import Session

SUFFIX = ".hurl"

_KEY_TEXT = re.compile(r"[A-Za-z0-9_.\-\[\]@$]")
_MIME = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")


def _unicode(c: str) -> str:
    return "\\u{" + format(ord(c), "x") + "}"


def value_string(text: str) -> str:
    """``text`` as a hurl value-string (a URL, a header or field value)."""
    out = []
    for i, c in enumerate(text):
        if c in "\\#":
            out.append("\\" + c)
        elif c in "{}" or not c.isprintable() or (c == " " and i in (0, len(text) - 1)):
            out.append(_unicode(c))
        else:
            out.append(c)
    return "".join(out)


def key_string(text: str) -> str:
    """``text`` as a hurl key-string (a header or field name)."""
    return "".join(c if _KEY_TEXT.fullmatch(c) else _unicode(c) for c in text) or "\\u{0}"


def oneline(text: str) -> str:
    """``text`` inside a hurl oneline string (between backquotes)."""
    out = []
    for c in text:
        if c in "\\`#":
            out.append("\\" + c)
        elif c in "{}" or not c.isprintable():
            out.append(_unicode(c))
        else:
            out.append(c)
    return "".join(out)


def quoted(text: str) -> str:
    """``text`` as a hurl quoted string (a JSONPath in a capture, a regex)."""
    out = []
    for c in text:
        if c in '\\"':
            out.append("\\" + c)
        elif c in "{}" or not c.isprintable():
            out.append(_unicode(c))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def filename(text: str) -> str:
    """``text`` as a hurl filename (``file,NAME;``)."""
    out = []
    for c in text:
        if c in "\\#; {}:":
            out.append("\\" + c)
        elif not c.isprintable():
            out.append(_unicode(c))
        else:
            out.append(c)
    return "".join(out)


def json_inside(text: str) -> str:
    """A literal string inside a JSON body: JSON's escapes, and ``{`` as ``\\u007b``."""
    return json.dumps(text, ensure_ascii=False)[1:-1].replace("{", "\\u007b")


def jsonpath(path: tuple) -> str:
    out = "$"
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        elif key.isidentifier() and key.isascii():
            out += "." + key
        else:
            out += "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def variable(name: str) -> str:
    """A placeholder's name as a hurl variable (``[A-Za-z][A-Za-z0-9_-]*``)."""
    text = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in name)
    return text if text[:1].isalpha() else "v" + text


def _expression(use: Use) -> str:
    """A reference as a hurl template.  A captured id in a URL or a form is its URL
    form, captured as such (:func:`_captures`); a variable (a secret, ``base_url``) goes
    in as it is given."""
    name = variable(use.ref.name)
    if use.ref.captured and use.mode in (SEGMENT, QUERY, FORM):
        name += "_url"
    if use.mode == JSON_STRING:
        return '"{{' + name + '}}"'
    return "{{" + name + "}}"


def _captures(step: Step, encoded: set[str]) -> list[str]:
    """``[Captures]`` and ``[Asserts]`` for the values later steps use.  An id that goes
    into a URL is captured a second time, URL-encoded (``/`` too), as ``NAME_url``; the
    entry asserts that it is an integer, or a string other than ``.``, ``..`` and empty
    (they would name another resource)."""
    if not step.captures:
        return []
    captures, asserts = ["[Captures]"], []
    answer = step.exchange.response_json
    for capture in step.captures:
        query = f"jsonpath {quoted(jsonpath(capture.path))}"
        captures.append(f"{variable(capture.name)}: {query}")
        if capture.name not in encoded:
            continue
        if isinstance(_at(answer, capture.path), int):
            asserts.append(f"{query} isInteger")
            captures.append(f"{variable(capture.name)}_url: {query}")
        else:
            asserts.append(f"{query} isString")
            asserts.append(f"{query} not matches {quoted('^[.]{0,2}$')}")
            captures.append(f"{variable(capture.name)}_url: {query} urlEncode "
                            f"replace {quoted('/')} {quoted('%2F')}")
    return captures + (["[Asserts]", *asserts] if asserts else [])


def _at(value, path: tuple):
    for key in path:
        try:
            value = value[key]
        except (LookupError, TypeError):
            return None
    return value


def _text(pieces: list[str | Use], escape) -> str:
    return "".join(escape(p) if isinstance(p, str) else _expression(p) for p in pieces)


def _auth(step: Step) -> ExportAuth | None:
    """How the session's credential, or the key a login answered, is sent (its scheme's
    hurl lines); None while it is unknown (a login step), so running the file needs no
    dummy variable."""
    scheme = from_session(step.auth)
    return scheme.export() if scheme is not None else None


def render(session: Session, steps: list[Step], *, files_root: Path) -> str:
    encoded = {r.name for s in steps for r in s.refs()
               if r.captured and r.encoding in (SEGMENT, QUERY, FORM)}
    out = [
        f"# An explorer session ({len(steps)} requests), exported by explorer {__version__}:",
        f"# {one_line(session.path.name)}, recorded against {one_line(session.base_url or '')}",
        "# No secret is stored here; pass them as variables (or HURL_<name> in the environment):",
        "#   hurl --test --variable base_url=http://127.0.0.1:8080 "
        + " ".join(f"--variable {name}=..." for name in _variables(session)) + " \\",
        f"#        --file-root {one_line(str(files_root))} THIS.hurl",
    ]
    for step in steps:
        out += ["", f"# step {step.number}: {one_line(step.title)}"]
        out.append(f"{_method(step)} {{{{base_url}}}}{_text(uses(step.target), value_string)}")
        auth = _auth(step)
        out += auth.hurl if auth is not None else ()
        body = step.body
        for name, value in step.headers:
            if isinstance(body, JsonBody) and name.lower() == "content-type":
                continue
            out.append(f"{key_string(name)}: {_text(uses(value), value_string)}")
        out += auth.hurl_section if auth is not None else ()
        out += _body(step)
        out.append(f"HTTP {step.status}")
        out += _captures(step, encoded)
    out.append("")
    return "\n".join(out)


def _variables(session: Session) -> list[str]:
    """The credential variables a run needs (``token``; a login's key is captured)."""
    scheme = from_session(session.auth)
    return list(scheme.export().hurl_variables) if scheme is not None else ["token"]


def _method(step: Step) -> str:
    if not re.fullmatch(r"[A-Z]+", step.method):
        raise SessionError(f"step {step.number}: hurl cannot send the method {step.method!r}")
    return step.method


def _body(step: Step) -> list[str]:
    body = step.body
    if isinstance(body, JsonBody):
        text = _text(json_text(body.value, json_inside), lambda piece: piece)
        if text[:1] in "{[":
            return [text]
        return ["`" + _text(json_text(body.value), oneline) + "`"]
    if isinstance(body, TextBody):
        return ["`" + _text(uses(body.text), oneline) + "`"]
    if isinstance(body, FileBody):
        return [f"file,{filename(body.file)};"]
    if isinstance(body, MultipartBody):
        out = ["[MultipartFormData]"]
        for name, value in body.fields:
            out.append(f"{key_string(name)}: {_text(uses(value), value_string)}")
        for upload in body.files:
            if not _MIME.fullmatch(upload.type):
                raise SessionError(
                    f"step {step.number}: hurl cannot send the type {upload.type!r}")
            out.append(f"{key_string(upload.field)}: file,{filename(upload.file)}; {upload.type}")
        return out
    return []

