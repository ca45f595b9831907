"""What every auth scheme knows, and the table of schemes.

A :class:`Scheme` is one credential (a token, a key, a user and password) together with
everything explorer does with it:

* where it comes from: the global options, the environment variable, the profile keys
  and the saved-credential keys it is read from (:meth:`Scheme.from_key`);
* what it puts on the wire (:meth:`headers`, :meth:`query`) and which values must
  never be shown (:attr:`secrets`, :meth:`placeholders`);
* what a recorded session writes instead (:meth:`recorded_headers`, the placeholder
  names) and how replay fills those placeholders back in (:meth:`value`);
* how a generated script sends it (:meth:`export`: the environment variable and the
  code for each export format);
* how a server checks it (:meth:`accepts`, used by the sandbox);
* a challenge it answers (:meth:`answer`: a scheme like HTTP Digest computes its
  header from the server's ``401``; the client sends the request once more).

Schemes register themselves with :func:`register`; :data:`SCHEMES` keeps them in
order of :attr:`Scheme.precedence`, which decides between two schemes given in the
same place (``--token`` before ``--api-key``).  Nothing outside this package
compares a scheme's name: callers ask the scheme.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol

from explorer.errors import UsageError
from explorer.record import Frozen, setfield

#: every registered scheme, by :attr:`Scheme.name`, in order of precedence
SCHEMES: dict[str, type[Scheme]] = {}


def register(cls: type[Scheme]) -> type[Scheme]:
    """Class decorator: add ``cls`` to :data:`SCHEMES`, kept in order of
    :attr:`Scheme.precedence` (a later one of the same name replaces it)."""
    SCHEMES[cls.name] = cls
    ordered = sorted(SCHEMES.values(), key=lambda c: c.precedence)
    SCHEMES.clear()
    SCHEMES.update((c.name, c) for c in ordered)
    return cls


class Where(Protocol):
    """One place credentials are read from (see :mod:`explorer.auth.resolve`).

    ``kind`` is ``"options"``, ``"environment"``, ``"profile"`` or ``"saved"``;
    ``get(key)`` the value of one of its keys (an option's ``dest``, a variable, a
    profile or saved-credential key), or None."""

    kind: str

    def get(self, key: str) -> str | None: ...

    def read_file(self, path: str) -> str:
        """The credential in a file (first non-empty line)."""
        ...

    def ask(self, prompt: str) -> str | None:
        """A password typed without echo, or None when there is no terminal to ask on."""
        ...


_EXPORT_FIELDS = (
    "env", "variable", "placeholder", "curl", "python", "python_imports", "hurl",
    "hurl_section", "hurl_variables", "fills_secret",
)


class ExportAuth(Frozen):
    """How a generated script sends one scheme's credential (code, never a secret).

    * ``env``: the environment variable the script reads it from (``EXPLORER_TOKEN``),
      ``variable``: the script's name for it (``TOKEN``), ``placeholder``: the name a
      script keys it by (``token``: a login's captured ``api_key`` replaces it);
    * ``curl``: bash words for curl's command line when the variable is set
      (``-H "Authorization: Bearer ${TOKEN}"``);
    * ``python``: statements that add it to a dict ``headers``, with ``{value}``
      standing for an expression of the variable (``self.v['token']`` in locust),
      and the modules they need (``python_imports``);
    * ``hurl``: header lines of each request, and ``hurl_section`` lines of a request
      section (``[BasicAuth]``), with hurl ``{{variables}}``; ``hurl_variables`` are
      the ``--variable`` names a run needs.

    ``fills_secret``: the variable also fills a session's ``{{secret}}`` placeholder
    (a credential recorded under a scheme word nobody claims).
    """

    __slots__ = _EXPORT_FIELDS
    _fields = _EXPORT_FIELDS

    def __init__(
        self,
        env: str,
        variable: str,
        placeholder: str,
        curl: str,
        python: tuple[str, ...],
        python_imports: tuple[str, ...] = (),
        hurl: tuple[str, ...] = (),
        hurl_section: tuple[str, ...] = (),
        hurl_variables: tuple[str, ...] = (),
        fills_secret: bool = True,
    ) -> None:
        setfield(self, "env", env)
        setfield(self, "variable", variable)
        setfield(self, "placeholder", placeholder)
        setfield(self, "curl", curl)
        setfield(self, "python", python)
        setfield(self, "python_imports", python_imports)
        setfield(self, "hurl", hurl)
        setfield(self, "hurl_section", hurl_section)
        setfield(self, "hurl_variables", hurl_variables)
        setfield(self, "fills_secret", fills_secret)


class Scheme(ABC):
    """One credential and what explorer does with it (see the module docstring)."""

    #: the scheme's name: in a session's header (``"auth": "bearer"``) and in messages
    name: ClassVar[str] = ""
    #: lower first: which of two schemes given in the same place wins
    precedence: ClassVar[int] = 100
    #: what it is called in messages (``the token``)
    what: ClassVar[str] = "credential"
    #: the placeholder a session writes for its main secret (``{{token}}``)
    placeholder: ClassVar[str] = "secret"
    #: the word before the credential in an ``Authorization`` header, lower-case, if any
    authorization: ClassVar[str | None] = None
    #: the keys it is read from, by kind of place (see :class:`Where`), in order
    keys: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: keys whose value is a secret in itself (a path to a token file is not)
    secret_keys: ClassVar[frozenset[str]] = frozenset()
    #: header name -> what it is, for the shell's completion
    header_help: ClassVar[dict[str, str]] = {}
    #: for a scheme that shares its keys with another (Digest and Basic read ``auth``):
    #: the key, by kind of place, whose value must be this scheme's name for it to apply
    #: (``--auth-type digest``); empty: no choice needed
    chosen_by: ClassVar[dict[str, str]] = {}

    # -- where it comes from -----------------------------------------------------------

    @classmethod
    @abstractmethod
    def from_key(cls, key: str, value: str, where: Where) -> Scheme:
        """The credential that ``value`` of ``key`` gives (``key`` is one of
        :attr:`keys` for ``where.kind``, or :attr:`placeholder` for
        :meth:`from_value`)."""

    @classmethod
    def from_value(cls, value: str) -> Scheme:
        """The credential from the value of its placeholder (a key a login answered,
        captured during a replay)."""
        return cls.from_key(cls.placeholder, value, _NOWHERE)

    @classmethod
    def from_session(cls, value: Any) -> Scheme:
        """A template of this scheme as a session's header names it (``"auth"``): its
        secrets are the placeholders, so its :meth:`headers` are what a session
        records and its :meth:`export` what a script sends."""
        return cls.from_value("{{" + cls.placeholder + "}}")

    @classmethod
    def given_secrets(cls, get: Callable[[str], str | None]) -> list[str]:
        """The secret values ``get`` (options or environment) holds for this scheme, as
        given and as sent, for redaction; never raises."""
        found = []
        for key in cls.secret_keys:
            value = get(key)
            if value:
                found += [value, value.strip()]
        return found

    # -- what it sends -----------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        """The headers it adds to every request."""
        return {}

    def query(self) -> list[str]:
        """Query components (wire-ready) it adds to every request."""
        return []

    def answer(self, request: Any, response: Any) -> dict[str, str] | None:
        """The headers to send ``request`` again with, when ``response`` is a challenge
        this scheme answers (HTTP Digest's ``401`` with ``WWW-Authenticate: Digest``);
        None (the default) to keep the response.  The client asks once per request."""
        return None

    @property
    def header_names(self) -> frozenset[str]:
        """The names of :meth:`headers`, lower-case."""
        return frozenset(name.lower() for name in self.headers())

    @property
    def query_names(self) -> frozenset[str]:
        """The names of the query parameters :meth:`query` adds (decoded)."""
        if not self.query():
            return frozenset()
        from urllib.parse import unquote_plus

        return frozenset(unquote_plus(item.partition("=")[0]) for item in self.query())

    @property
    def secrets(self) -> list[str]:
        """Every value that must never be shown or written (masked, or a placeholder)."""
        return list(self.placeholders())

    def placeholders(self) -> dict[str, str]:
        """Secret value -> the placeholder name a recorded session writes for it."""
        return {}

    def value(self, name: str) -> str | None:
        """What replay fills ``{{name}}`` with from this credential (None: not ours)."""
        found = [secret for secret, kind in self.placeholders().items() if kind == name]
        return found[0] if found else None

    # -- what a session and an export write --------------------------------------------

    def recorded_headers(self) -> dict[str, str]:
        """:meth:`headers` as a session records them: secrets as placeholders."""
        names = self.placeholders()
        out = {}
        for header, value in self.headers().items():
            for secret, kind in names.items():
                value = value.replace(secret, "{{" + kind + "}}")
            out[header] = value
        return out

    def session_value(self) -> Any:
        """What a session's header says in ``"auth"`` (see :func:`explorer.auth.from_session`)."""
        return self.name

    @classmethod
    @abstractmethod
    def export(cls) -> ExportAuth:
        """How generated scripts send this scheme (see :class:`ExportAuth`)."""

    # -- how a server checks it --------------------------------------------------------

    @classmethod
    def presented(cls, headers: Mapping[str, str]) -> bool:
        """Whether a request with ``headers`` offers a credential of this scheme at all
        (right or wrong)."""
        return False

    def accepts(self, headers: Mapping[str, str], query: Mapping[str, str] | None = None) -> bool:
        """Whether a request carrying ``headers`` (case-insensitive) and ``query``
        presents this very credential (compared in constant time)."""
        return False

    # -- hiding it ---------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"{type(self).__name__}('***')"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._identity() == self._identity()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._identity()))

    def _identity(self) -> tuple:
        return tuple(sorted(self.placeholders().items()))


class _Nowhere:
    kind = "value"

    def get(self, key: str) -> str | None:
        return None

    def read_file(self, path: str) -> str:
        raise UsageError("no file can be read here")

    def ask(self, prompt: str) -> str | None:
        return None


_NOWHERE = _Nowhere()


def same(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """``given == expected`` in constant time (False when either is missing)."""
    if not given or not expected:
        return False
    import hmac

    a = given.encode() if isinstance(given, str) else given
    b = expected.encode() if isinstance(expected, str) else expected
    return hmac.compare_digest(a, b)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` in ``headers``, whatever its case."""
    value = headers.get(name)
    if value is not None:
        return value
    low = name.lower()
    return next((v for k, v in headers.items() if k.lower() == low), None)


def authorization(headers: Mapping[str, str]) -> tuple[str, str]:
    """``("bearer", "abc")`` for ``Authorization: Bearer abc`` (the word lower-case);
    ``("", "")`` when there is none."""
    value = (header(headers, "Authorization") or "").strip()
    word, _, credential = value.partition(" ")
    return word.lower(), credential.strip()


def checked(secret: str, what: str) -> str:
    """``secret`` without surrounding whitespace (a pasted token often ends in a newline);
    one with a space or control character inside cannot go in a header.  The message
    never quotes the secret."""
    secret = secret.strip()
    if not secret:
        raise UsageError(f"the {what} is empty")
    if any(c.isspace() or not c.isprintable() for c in secret):
        raise UsageError(
            f"the {what} contains a space or a control character, so it cannot be sent "
            "in a header; check where it was copied from"
        )
    return secret
