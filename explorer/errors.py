"""The exception tree of explorer.

Every error the user can cause or meet is one of these; front ends turn them into
one line of text and an exit code, never a traceback.  The tree is every exception
class of the package, wherever it is defined (``tests/engine/test_errors_tree.py``
checks):

    ExplorerError                 base; ``exit_code`` says how the CLI ends
    ├── UsageError                bad command line or bad request item (exit 2)
    │   └── ItemError             a malformed request item, with a caret position
    │       └── FilterError       (render.filter) a ``--filter`` that does not parse
    ├── ConfigError               unreadable config, unknown profile (exit 2)
    ├── RouteError                (ValueError) a route pattern that cannot be parsed
    ├── DecodeError               (ValueError) malformed percent-encoding in a path
    ├── DiscoveryError            the server's route listing is unusable (exit 1)
    │   └── RouteIndexError       (ValueError; registry) a cached route index that is
    │                             stale or damaged: the cache treats it as absent
    ├── TransportError            the server could not be reached or timed out (exit 3)
    ├── ResponseError             a malformed response (exit 1)
    │   ├── ViewError             (render.formats) an answer a format cannot show
    │   └── DownloadError         (download) a download that could not be completed
    ├── SessionError              a session file that cannot be read or written (exit 1)
    ├── FilterTypeError           (render.filter) a ``--filter`` that does not apply
    └── MissingValue              (sessions.replay) a placeholder nothing can fill

Outside the tree, each caught where it is raised and never shown as it is:

    UnsafeFileError               (OSError; fileio) not a regular file, or too large:
                                  read as any OSError is, its ``strerror`` says why
    SchemaTooLarge                (ValueError; spec.schema) schemas that expand too far
    NotFollowed                   (client.redirects) a redirect the rules do not follow
    _Stop                         (client.paging) ``--all`` must end before a page
                                  (it repeats the last, or the pages are too large)
    _Unchanged                    (jsonbytes) a document decoded as it is, unescaped
    Exit                          (repl.commands) ``exit``: leave the shell
    Terminated                    (SystemExit; sandbox.server) SIGTERM or SIGHUP arrived
    ApiError                      (sandbox.wire) the sandbox's own HTTP error answers
    BadRequest                    (sessions.serve) a request ``replay --serve`` cannot read
    _NotJSON                      (items.request) a ``:=`` number JSON cannot carry
                                  (NaN, Infinity, 1e400)
    _NotJSONNumber                (ValueError; sessions.format) the same in a session

Foreign exceptions (requests, OSError, json) are translated where they happen and
chained with ``raise ... from exc``.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_4XX = 4
EXIT_5XX = 5


class ExplorerError(Exception):
    """Base of every error explorer raises on purpose."""

    exit_code = EXIT_OTHER

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(ExplorerError):
    """The command line, or something typed at the shell, does not make sense."""

    exit_code = EXIT_USAGE


class ItemError(UsageError):
    """A request item that cannot be parsed.

    ``text`` is the item as typed and ``position`` the index of the bad character,
    so a front end can draw a caret under it (see :meth:`caret`).
    """

    def __init__(self, message: str, *, text: str = "", position: int = 0) -> None:
        super().__init__(message)
        self.text = text
        self.position = position

    def caret(self) -> str:
        """Two lines: the item, and a caret under the bad position."""
        return f"{self.text}\n{' ' * self.position}^"


class ConfigError(ExplorerError):
    """The config file or a profile cannot be used."""

    exit_code = EXIT_USAGE


class RouteError(ExplorerError, ValueError):
    """A route pattern that cannot be parsed; names the pattern and the position."""

    def __init__(self, message: str, *, pattern: str = "", position: int | None = None) -> None:
        if pattern and position is not None:
            message = f"{message} in route {pattern!r} at index {position}"
        elif pattern:
            message = f"{message} in route {pattern!r}"
        super().__init__(message)
        self.pattern = pattern
        self.position = position


class DecodeError(ExplorerError, ValueError):
    """Malformed percent-encoding in a path parameter (Express answers 400)."""


class DiscoveryError(ExplorerError):
    """The route listing could not be fetched or understood."""


class TransportError(ExplorerError):
    """The server could not be reached, refused, reset or timed out.

    ``reason`` says which, for callers that act on it (never match the message text):
    ``"refused"``, ``"unknown-host"``, ``"unreachable"`` (no connection was made),
    ``"timeout"``, ``"reset"`` (the connection was closed or lost), ``"tls"``, or
    ``"failed"`` (anything else).
    """

    exit_code = EXIT_UNREACHABLE
    NOT_CONNECTED = frozenset({"refused", "unknown-host", "unreachable"})

    def __init__(self, message: str, *, reason: str = "failed", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason

    @property
    def unreachable(self) -> bool:
        """True when no connection to the server could be made at all."""
        return self.reason in self.NOT_CONNECTED


class ResponseError(ExplorerError):
    """The server answered something that cannot be read as promised."""


class SessionError(ExplorerError):
    """A recorded session that cannot be read, written or replayed."""
