"""HTTP Digest (RFC 7616): ``--auth USER[:PASS] --auth-type digest`` as HTTPie spells it
(``EXPLORER_AUTH`` with ``EXPLORER_AUTH_TYPE=digest``; a profile's ``auth`` with
``auth_type = "digest"``); the password is asked without echo when left out.

Digest sends nothing up front: the server's ``401`` carries a challenge
(``WWW-Authenticate: Digest realm=..., nonce=..., qop="auth"``) and the client sends the
request again once, with the answer :meth:`Digest.answer` computes from it (the hash
of the user, the password, the nonce, the method and the target; the password itself
never goes on the wire).  Only a challenge from the server's own origin is answered
(the client asks only for its first hop).  Algorithms: MD5, SHA-256 and SHA-512-256,
each with its ``-sess`` form; ``qop=auth`` (or none, RFC 2069); ``auth-int`` is not
offered.

A session records no ``Authorization`` for it (the answer is good for one nonce);
replay answers the challenges again from the current ``--auth``.  The curl export sends
``--digest -u "$DIGEST_AUTH"`` (``EXPLORER_DIGEST_AUTH``); the python and locust scripts
and hurl cannot answer a challenge, and say so when that variable is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import urlsplit

from explorer.auth.basic import Basic
from explorer.auth.scheme import ExportAuth, authorization, register

#: algorithm (upper case, without ``-sess``) -> hashlib name
ALGORITHMS = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}
_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))')


def challenge_params(header: str) -> dict[str, str] | None:
    """The parameters of the Digest challenge in a ``WWW-Authenticate`` value (which
    may offer several schemes), lower-case names; None when it offers no Digest."""
    found = re.search(r"(?:^|,)\s*digest\s+", header, re.IGNORECASE)
    if found is None:
        return None
    params: dict[str, str] = {}
    for match in _PARAM.finditer(header, found.end()):
        name = match[1].lower()
        value = match[2] if match[2] is not None else match[3]
        if match[2] is not None:
            value = re.sub(r"\\(.)", r"\1", value)
        params.setdefault(name, value)
    return params if "nonce" in params and "realm" in params else None


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@register
class Digest(Basic):
    """A user and password, as :class:`~explorer.auth.basic.Basic` reads them; sent only
    as the answer to a challenge."""

    #: before Basic, which reads the same keys: Digest is chosen by ``auth_type``
    precedence = 29
    name = "digest"
    what = "user and password"
    placeholder = "secret"
    authorization = "digest"
    keys = {
        "options": ("auth",),
        "environment": ("EXPLORER_AUTH",),
        "profile": ("auth",),
    }
    chosen_by = {
        "options": "auth_type",
        "environment": "EXPLORER_AUTH_TYPE",
        "profile": "auth_type",
    }
    secret_keys = frozenset({"auth", "EXPLORER_AUTH"})
    header_help: ClassVar[dict[str, str]] = {}

    def __init__(self, username: str, password: str) -> None:
        super().__init__(username, password)
        #: how many times each nonce was answered (the ``nc`` of the next answer)
        self._counts: dict[str, int] = {}

    @classmethod
    def from_value(cls, value: str) -> Digest:
        username, _, password = value.partition(":")
        return cls(username, password)

    # -- the challenge ---------------------------------------------------------------

    def answer(self, request, response) -> dict[str, str] | None:
        """The client's hook (:meth:`Scheme.answer`): a 401 with a Digest challenge is
        answered for ``request``'s method and target."""
        if response.status != 401:
            return None
        challenge = response.headers.get("WWW-Authenticate")
        if not challenge:
            return None
        return self.respond(challenge, request.method, request.url)

    def respond(self, challenge: str, method: str, url: str) -> dict[str, str] | None:
        """The ``Authorization`` answering ``challenge`` for ``method url`` (None when
        the challenge is not a Digest one this scheme can answer)."""
        params = challenge_params(challenge)
        if params is None:
            return None
        algorithm = params.get("algorithm", "MD5").upper()
        session = algorithm.endswith("-SESS")
        hash_name = ALGORITHMS.get(algorithm.removesuffix("-SESS"))
        if hash_name is None:
            return None
        qops = [q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()]
        if qops and "auth" not in qops:
            return None  # auth-int only

        import hashlib  # here, not at import: a Tab's completion loads no OpenSSL

        def digest(text: str) -> str:
            return hashlib.new(hash_name, text.encode("utf-8")).hexdigest()

        realm, nonce = params["realm"], params["nonce"]
        parts = urlsplit(url)
        uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        cnonce = _cnonce()
        count = self._counts[nonce] = self._counts.get(nonce, 0) + 1
        nc = f"{count:08x}"
        ha1 = digest(f"{self.username}:{realm}:{self.password}")
        if session:
            ha1 = digest(f"{ha1}:{nonce}:{cnonce}")
        ha2 = digest(f"{method}:{uri}")
        if qops:
            response = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        else:
            response = digest(f"{ha1}:{nonce}:{ha2}")
        fields = [
            f'username="{_quote(self.username)}"',
            f'realm="{_quote(realm)}"',
            f'nonce="{_quote(nonce)}"',
            f'uri="{_quote(uri)}"',
            f"algorithm={params.get('algorithm', 'MD5')}",
            f'response="{response}"',
        ]
        if "opaque" in params:
            fields.append(f'opaque="{_quote(params["opaque"])}"')
        if qops:
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        return {"Authorization": "Digest " + ", ".join(fields)}

    # -- what is secret -------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        return {}  # nothing up front: the answer to a challenge only

    def placeholders(self) -> dict[str, str]:
        return {self.password: "password"} if self.password else {}

    @classmethod
    def export(cls) -> ExportAuth:
        unsupported = ("raise SystemExit('HTTP Digest ({value} is set) is not sent by this "
                       "script: use the curl export')",)
        return ExportAuth(
            env="EXPLORER_DIGEST_AUTH",
            variable="DIGEST_AUTH",
            placeholder="digest_auth",
            curl='--digest -u "${DIGEST_AUTH}"',
            python=tuple(line.replace("{value}", "EXPLORER_DIGEST_AUTH") for line in unsupported),
            hurl=("# HTTP Digest: hurl cannot answer the challenge (use the curl export)",),
            fills_secret=False,
        )

    @classmethod
    def presented(cls, headers: Mapping[str, str]) -> bool:
        word, credential = authorization(headers)
        return word == "digest" and bool(credential)

    def accepts(self, headers: Mapping[str, str], query: Mapping[str, str] | None = None) -> bool:
        return False  # a server checks a Digest answer against its own nonces


def digest(username: str, password: str) -> Digest:
    return Digest(username, password)


def _cnonce() -> str:
    """The client nonce of one answer: 16 random hex digits."""
    import secrets

    return secrets.token_hex(8)
