"""A standalone requests script, in the Labstep examples' style; exits 1 on a status that differs.

``url = ...; r = requests.post(url, json=data, headers=headers)``, each answer printed
(secrets masked), its status checked, and the ids later steps need captured.  Every
value from the session is a Python literal (:mod:`explorer.sessions.export.pysource`).
"""

from __future__ import annotations

from pathlib import Path

from explorer import __version__
from explorer.auth import exports
from explorer.secrets import FIELD_NAMES, MIN_TEXT_SECRET
from explorer.sessions.export import pysource
from explorer.sessions.export.plan import Ref, Step, one_line, wire_url
from explorer.sessions.export.pysource import Source, literal
from explorer.sessions.export.shell import CREDENTIAL_ENV
from explorer.sessions.format import Session

SUFFIX = ".py"

#: each auth scheme's variable and how requests sends it (explorer.auth)
_AUTH = exports()
#: placeholder -> the script's expression; any other {{name}} is var('name')
_NAMES = {
    **{e.placeholder: e.variable for e in _AUTH},
    "password": "PASSWORD",
    "secret": "(" + " or ".join(e.variable for e in _AUTH if e.fills_secret) + ")",
    "cookie": "COOKIE",
    "base_url": "API_ROOT",
}
#: what hidden() masks in every answer it prints
_MASKED = ", ".join([*(e.variable for e in _AUTH), "PASSWORD", "COOKIE"])
_IMPORTS = sorted({"json", "os", "sys", *(m for e in _AUTH for m in e.python_imports)})
_CREDENTIALS = "\n".join(f"{e.variable} = os.environ.get({e.env!r}, '')" for e in _AUTH)

_DOC = '''"""Replays an explorer session with requests, {count} requests (SESSION names it).

Exported by explorer {version}.  It holds no secret: set them in the environment,

    EXPLORER_URL=http://127.0.0.1:8080 EXPLORER_TOKEN=... python this-script.py

(EXPLORER_API_KEY for an apikey, EXPLORER_AUTH=USER:PASS for HTTP Basic,
EXPLORER_PASSWORD for a login, EXPLORER_VAR_NAME for any other {{{{name}}}};
EXPLORER_FILES: where the uploaded files are.)
"""
'''

_SETUP = '''
API_ROOT = (os.environ.get('EXPLORER_URL') or RECORDED_URL).rstrip('/')
{credentials}
PASSWORD = os.environ.get('EXPLORER_PASSWORD', '')
COOKIE = os.environ.get('EXPLORER_COOKIE', '')
FILES = os.environ.get('EXPLORER_FILES', RECORDED_FILES)
if not os.environ.get('EXPLORER_URL') and any(os.environ.get(name) for name in {given}):
    # a credential goes only where the user chose: without EXPLORER_URL the server is
    # the one the session names
    sys.exit('credentials are set but EXPLORER_URL is not: this script would send them '
             'to the server the session names, ' + RECORDED_URL + '; set EXPLORER_URL '
             'to the server they are for')


def fail(message):
    sys.exit(message)
'''

_CHECK = f'''

SECRET_FIELDS = {tuple(sorted(FIELD_NAMES))!r}


def hidden(value):
    # what is printed carries no secret: a login's api_key, a password field
    if isinstance(value, dict):
        return {{k: '***' if isinstance(v, str) and (k.lower() in SECRET_FIELDS
                or k.lower().endswith('_password')) else hidden(v)
                for k, v in value.items()}}
    if isinstance(value, list):
        return [hidden(v) for v in value]
    if isinstance(value, str):
        for secret in ({_MASKED}):
            if len(secret) >= {MIN_TEXT_SECRET}:
                value = value.replace(secret, '***')
    return value


def check(r, expected):
    print(r.request.method, hidden(r.url), r.status_code, r.reason)
    try:
        parsed = json.loads(r.content)
    except ValueError:
        parsed = None
        print(hidden(r.text))
    else:
        print(json.dumps(hidden(parsed), indent=4, sort_keys=True))
    if r.status_code != expected:
        sys.exit(f'{{r.request.method}} {{hidden(r.url)}}: expected {{expected}}, '
                 f'got {{r.status_code}}')
    return parsed
'''

#: for a step whose target requests would re-encode (a filter such as updatedAt>X)
_SEND = '''

def send(method, url, **kwargs):
    # requests and urllib3 would re-encode a filter like updatedAt>X, which the
    # server must see as written: requests builds the body, http.client sends it.
    import http.client
    import types
    from urllib.parse import urlsplit

    prepared = requests.Request(method, url, **kwargs).prepare()
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == 'https' \\
        else http.client.HTTPConnection
    connection = connection_class(parts.netloc, timeout=30)
    target = url.split(parts.netloc, 1)[1] or '/'
    connection.request(method, target, body=prepared.body, headers=dict(prepared.headers))
    answer = connection.getresponse()
    content = answer.read()
    connection.close()
    return types.SimpleNamespace(
        status_code=answer.status, reason=answer.reason, url=url, content=content,
        text=content.decode('utf-8', 'replace'),
        request=types.SimpleNamespace(method=method),
    )
'''


def _auth() -> str:
    """How the script authenticates: the headers from the credentials known now (a
    login's answer sets API_KEY on the way)."""
    lines = ["", "", "def auth_headers():", "    headers = {}"]
    for e in _AUTH:
        lines.append(f"    if {e.variable}:")
        lines += ["        " + line.format(value=e.variable) for line in e.python]
    return "\n".join([*lines, "    return headers", ""])


def _ref(ref: Ref) -> str:
    if ref.captured:
        return pysource.name(ref.name)
    return _NAMES.get(ref.name) or f"var({literal(ref.name)})"


def render(session: Session, steps: list[Step], *, files_root: Path) -> str:
    out = [
        "#!/usr/bin/env python",
        _DOC.format(count=len(steps), version=__version__),
        *(f"import {module}" for module in _IMPORTS),
        "from urllib.parse import quote, quote_plus",
        "",
        "import requests",
        "",
        f"SESSION = {literal(session.path.name)}",
        f"RECORDED_URL = {literal(wire_url(session.base_url or 'http://127.0.0.1:8080'))}",
        f"RECORDED_FILES = {literal(str(files_root))}",
        _SETUP.replace("{credentials}", _CREDENTIALS).replace("{given}", repr(CREDENTIAL_ENV))
        + pysource.HELPERS + _auth() + _CHECK,
    ]
    if any(step.raw_target for step in steps):
        out.append(_SEND)
    for step in steps:
        out += ["", f"# Step {step.number}: {one_line(step.title)}"]
        source = Source(_ref, f"step {step.number}")
        url = source.string(step.target)
        lines, kwargs = source.request(step, f"API_ROOT + {url}", "auth_headers()")
        out += lines
        if step.raw_target:
            out.append(f"r = send({literal(step.method)}, url, {', '.join(kwargs)})")
        elif step.method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
            out.append(f"r = requests.{step.method.lower()}(url, {', '.join(kwargs)})")
        else:
            out.append(f"r = requests.request({literal(step.method)}, url, {', '.join(kwargs)})")
        out.append(f"parsed = check(r, {step.status})")
        for capture in step.captures:
            target = _ref(Ref(capture.name, captured=capture.name not in ("api_key", "token")))
            out.append(f"{target} = parsed{pysource.path(capture.path)}")
    out.append("")
    return "\n".join(out)
