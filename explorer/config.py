"""Configuration: XDG directories, ``config.toml`` profiles and the credentials file.

Where things live (each overridable by its ``XDG_*`` variable, or for all three by
``EXPLORER_HOME``, which tests use)::

    ~/.config/explorer/config.toml        profiles and settings (read with tomllib)
    ~/.config/explorer/credentials.json   keys saved by ``explorer login`` (mode 0600)
    ~/.cache/explorer/                    discovery caches, learned ids and fields
    ~/.local/share/explorer/              shell history, cookie jars (cookies/, 0700)

A profile names a server and how to authenticate to it::

    default_profile = "labos"

    [settings]
    confirm_destructive = true
    pager = "less -FRX"          # false: never page (EXPLORER_PAGER still wins)
    document_limit = 94371840    # bytes: the largest listing, spec or HAR read (90 MB)
    render_limit = 4194304       # bytes of one answer shown on a terminal (4 MB)

    [profiles.labos]
    url = "https://labos.example.com"
    token_file = "~/Downloads/token.txt"
    proxy = "http://proxy.lab:3128"  # else HTTPS_PROXY / HTTP_PROXY / NO_PROXY
    cert = "~/lab/client.pem"        # a TLS client certificate (cert_key: its key)
    cookies = false                  # keep no cookies (default: a jar per profile)

    [profiles.labstep]
    url = "https://api.labstep.com"
    routes = "labstep"          # a built-in routes file, or a path
    username = "me@example.com"
    headers = { "X-Client" = "explorer" }

Precedence: command-line options, then ``EXPLORER_*`` environment variables, then the
profile, then defaults.

A file holding a credential that others can read gets one warning line on stderr
(``explorer: warning: ... run: chmod 600 FILE``): a token file, a config.toml whose
profiles hold a token, an API key or a credential header, and credentials.json.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from explorer.auth.resolve import choice_keys
from explorer.auth.resolve import keys as auth_keys
from explorer.auth.resolve import secret_keys as auth_secret_keys
from explorer.errors import ConfigError
from explorer.fileio import (
    CONFIG_LIMIT,
    CREDENTIALS_LIMIT,
    DOCUMENT_LIMIT,
    RENDER_LIMIT,
    TOKEN_FILE_LIMIT,
    atomic_write,
    read_bounded,
)
from explorer.fileio import (
    locked as file_lock,
)
from explorer.nesting import too_deep
from explorer.record import Record

#: a profile's credential keys are the auth schemes' (token, token_file, api_key, auth),
#: and what chooses between two of them (auth_type)
CREDENTIAL_KEYS = auth_keys("profile") | choice_keys("profile")
PROFILE_KEYS = CREDENTIAL_KEYS | {
    "url",
    "username",
    "spec",
    "routes",
    "headers",
    "timeout",
    "insecure",
    "ca_bundle",
    "proxy",
    "cert",
    "cert_key",
    "cookies",
}
SETTING_KEYS = {
    "confirm_destructive",
    "pager",
    "discovery_ttl",
    "highlight_limit",
    "table",
    "history",
    "document_limit",
    "render_limit",
}


def _base(env_var: str, default: str, sub: str) -> Path:
    home = os.environ.get("EXPLORER_HOME")
    if home:
        return Path(home) / sub
    root = os.environ.get(env_var) or str(Path.home() / default)
    return Path(root) / "explorer"


def config_dir() -> Path:
    return _base("XDG_CONFIG_HOME", ".config", "config")


def cache_dir() -> Path:
    return _base("XDG_CACHE_HOME", ".cache", "cache")


def data_dir() -> Path:
    return _base("XDG_DATA_HOME", ".local/share", "data")


_PROFILE_FIELDS = (
    "name", "url", "credentials", "username", "spec", "routes", "headers", "timeout",
    "insecure", "ca_bundle", "proxy", "cert", "cert_key", "cookies",
)


class Profile(Record):
    """Everything needed to talk to one server.

    ``credentials`` holds the credential keys it sets (:data:`CREDENTIAL_KEYS`), read by
    :mod:`explorer.auth`; ``proxy`` carries every request (``--proxy URL``); ``cert``
    is the TLS client certificate and ``cert_key`` its key when it is not in the same
    file; ``cookies``: keep the server's cookies in the profile's jar and send them back.
    """

    __slots__ = _PROFILE_FIELDS
    _fields = _PROFILE_FIELDS

    def __init__(
        self,
        name: str,
        url: str | None = None,
        credentials: dict[str, str] | None = None,
        username: str | None = None,
        spec: str | None = None,
        routes: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        insecure: bool = False,
        ca_bundle: str | None = None,
        proxy: str | None = None,
        cert: str | None = None,
        cert_key: str | None = None,
        cookies: bool = True,
    ) -> None:
        self.name = name
        self.url = url
        self.credentials: dict[str, str] = {} if credentials is None else credentials
        self.username = username
        self.spec = spec
        self.routes = routes
        self.headers: dict[str, str] = {} if headers is None else headers
        self.timeout = timeout
        self.insecure = insecure
        self.ca_bundle = ca_bundle
        self.proxy = proxy
        self.cert = cert
        self.cert_key = cert_key
        self.cookies = cookies

    @property
    def token(self) -> str | None:
        return self.credentials.get("token")

    @property
    def token_file(self) -> str | None:
        return self.credentials.get("token_file")

    @property
    def api_key(self) -> str | None:
        return self.credentials.get("api_key")

    def with_overrides(self, **values: Any) -> Profile:
        """A copy with every non-None value replaced."""
        return self.replace(**{k: v for k, v in values.items() if v is not None})


_SETTINGS_FIELDS = (
    "confirm_destructive", "pager", "discovery_ttl", "highlight_limit", "table", "history",
    "document_limit", "render_limit",
)


class Settings(Record):
    """The ``[settings]`` table.  ``pager``: a pager command, False for "never page",
    None when not set; ``document_limit``: the largest /discover listing, routes file,
    spec or HAR file read (decoded bytes); ``render_limit``: the most of one answer shown
    on a terminal (bytes; piped output has no limit)."""

    __slots__ = _SETTINGS_FIELDS
    _fields = _SETTINGS_FIELDS

    def __init__(
        self,
        confirm_destructive: bool = True,
        pager: str | bool | None = None,
        discovery_ttl: float = 3600.0,
        highlight_limit: int = 1_000_000,
        table: bool = True,
        history: bool = True,
        document_limit: int = DOCUMENT_LIMIT,
        render_limit: int = RENDER_LIMIT,
    ) -> None:
        self.confirm_destructive = confirm_destructive
        self.pager = pager
        self.discovery_ttl = discovery_ttl
        self.highlight_limit = highlight_limit
        self.table = table
        self.history = history
        self.document_limit = document_limit
        self.render_limit = render_limit


class Config(Record):
    """The whole configuration file: profiles, settings, the default profile's name."""

    __slots__ = ("default_profile", "path", "profiles", "settings")
    _fields = ("profiles", "settings", "default_profile", "path")

    def __init__(
        self,
        profiles: dict[str, Profile] | None = None,
        settings: Settings | None = None,
        default_profile: str | None = None,
        path: Path | None = None,
    ) -> None:
        self.profiles: dict[str, Profile] = {} if profiles is None else profiles
        self.settings = Settings() if settings is None else settings
        self.default_profile = default_profile
        self.path = path


Warn = Callable[[str], None]


def warn_stderr(message: str) -> None:
    """The default ``warn`` of the loaders: one line on stderr."""
    print(f"explorer: warning: {message}", file=sys.stderr, flush=True)


#: files already warned about in this process (path, inode, mode): said once
_WARNED: set[tuple[str, int, int]] = set()


def warn_if_shared(
    path: Path, what: str, warn: Warn | None, *, st: os.stat_result | None = None
) -> None:
    """Warn once when ``path`` (holding a credential) is readable by group or others:
    ``{what} is readable by other users; run: chmod 600 PATH``."""
    if warn is None or sys.platform == "win32":
        return
    try:
        st = st or path.stat()
    except OSError:
        return
    if not st.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        return
    key = (str(path), st.st_ino, st.st_mode)
    if key in _WARNED:
        return
    _WARNED.add(key)
    warn(f"{what} is readable by other users; run: chmod 600 {path}")


def load_config(path: Path | None = None, *, warn: Warn | None = warn_stderr) -> Config:
    """Read ``config.toml``; a missing file is an empty config.

    Anything malformed raises :class:`ConfigError` naming the file and the problem;
    the file itself is never modified.  A file whose profiles hold a credential and
    that others can read is named to ``warn`` (once).
    """
    path = path or config_dir() / "config.toml"
    try:
        raw = read_bounded(path, CONFIG_LIMIT)
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: not valid TOML: {too_deep(raw)}, too deep to read") from exc
    config = parse_config(data, path=path)
    if any(_holds_credential(p) for p in config.profiles.values()):
        warn_if_shared(path, f"config file {path}, which holds a credential,", warn)
    return config


def _holds_credential(profile: Profile) -> bool:
    if any(profile.credentials.get(key) for key in auth_secret_keys()):
        return True
    if not profile.headers:
        return False
    from explorer.secrets import is_secret_header

    return any(is_secret_header(name) and value for name, value in profile.headers.items())


def parse_config(data: dict[str, Any], *, path: Path | None = None) -> Config:
    where = str(path) if path else "config"
    config = Config(path=path)
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise ConfigError(f"{where}: default_profile must be a string")
    config.default_profile = default
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(f"{where}: [settings] must be a table")
    for key, value in settings.items():
        if key not in SETTING_KEYS:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        expected = type(getattr(config.settings, key))
        if key == "pager":
            if not isinstance(value, str | bool):
                raise ConfigError(f"{where}: settings.pager must be a string or false")
            if value is True:
                value = None  # the default pager
            elif isinstance(value, str) and not value.strip():
                value = False  # an empty command: like PAGER="", never page
        elif expected is float and isinstance(value, int | float) and not isinstance(value, bool):
            value = float(value)
            if math.isnan(value) or value < 0:
                raise ConfigError(f"{where}: settings.{key} must be a number of 0 or more")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: settings.{key} must be a {expected.__name__}")
        elif expected is int and value < 0:
            raise ConfigError(f"{where}: settings.{key} must be 0 or more")
        elif key in ("document_limit", "render_limit") and value < 1024:
            raise ConfigError(f"{where}: settings.{key} must be a number of bytes, 1024 or more")
        setattr(config.settings, key, value)
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{where}: [profiles] must be a table of tables")
    for name, body in profiles.items():
        config.profiles[name] = _parse_profile(name, body, where)
    if config.default_profile and config.default_profile not in config.profiles:
        raise ConfigError(f"{where}: default_profile {config.default_profile!r} is not defined")
    return config


def _parse_profile(name: str, body: Any, where: str) -> Profile:
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: profiles.{name} must be a table")
    profile = Profile(name=name)
    for key, value in body.items():
        if key not in PROFILE_KEYS:
            raise ConfigError(f"{where}: profiles.{name}: unknown key {key!r}")
        if key == "headers":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f"{where}: profiles.{name}.headers must map names to strings")
        elif key == "timeout":
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise ConfigError(f"{where}: profiles.{name}.timeout must be a positive number")
            value = float(value)
        elif key in ("insecure", "cookies"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: profiles.{name}.{key} must be true or false")
        elif not isinstance(value, str):
            raise ConfigError(f"{where}: profiles.{name}.{key} must be a string")
        if key in CREDENTIAL_KEYS:
            profile.credentials[key] = value
        else:
            setattr(profile, key, value)
    return profile


def select_profile(config: Config, name: str | None) -> Profile:
    """The profile called ``name`` (or the default one, or an empty ad-hoc one)."""
    name = name or os.environ.get("EXPLORER_PROFILE") or config.default_profile
    if name is None:
        return Profile(name="default")
    try:
        return config.profiles[name].replace()
    except KeyError as exc:
        known = ", ".join(sorted(config.profiles)) or "none defined"
        where = config.path or "config.toml"
        raise ConfigError(f"unknown profile {name!r} (profiles in {where}: {known})") from exc


# -- credentials ------------------------------------------------------------------------


def credentials_path() -> Path:
    return config_dir() / "credentials.json"


def load_credentials(
    path: Path | None = None, *, warn: Warn | None = warn_stderr
) -> dict[str, dict[str, str]]:
    """The saved keys by profile; ``warn`` hears (once) when others can read them."""
    path = path or credentials_path()
    raw = b""
    try:
        raw = read_bounded(path, CREDENTIALS_LIMIT)
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read credentials {path}: {exc.strerror}") from exc
    except RecursionError as exc:
        raise ConfigError(
            f"cannot read credentials {path}: {too_deep(raw)}, too deep to read"
        ) from exc
    except ValueError as exc:
        raise ConfigError(f"cannot read credentials {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"credentials {path}: expected an object")
    saved = {k: v for k, v in data.items() if isinstance(v, dict)}
    if any(saved.values()):
        warn_if_shared(path, f"credentials file {path}", warn)
    return saved


def save_credential(profile: str, values: dict[str, str], path: Path | None = None) -> Path:
    """Merge ``values`` into the profile's entry; the file is written atomically, 0600.

    The read-merge-write holds a lock (``credentials.json.lock``), so two logins at once
    (two shells, two profiles) both keep their key.
    """
    path = path or credentials_path()
    with locked(path.with_name(path.name + ".lock")):
        data = load_credentials(path, warn=None)  # rewritten 0600 below
        data.setdefault(profile, {}).update(values)
        text = json.dumps(data, indent=2, sort_keys=True).encode() + b"\n"
        atomic_write(path, text, mode=0o600, root=config_dir())
    return path


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """An exclusive lock between processes, under the config directory
    (:func:`explorer.fileio.locked`)."""
    with file_lock(lock_path, root=config_dir()):
        yield


def read_token_file(path: str, *, warn: Warn | None = None) -> str:
    """The token in ``path`` (first non-empty line), warning when others can read it."""
    file = Path(path).expanduser()
    try:
        st = file.stat()
        text = read_bounded(file, TOKEN_FILE_LIMIT).decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read token file {file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"token file {file} is not text") from exc
    warn_if_shared(file, f"token file {file}", warn, st=st)
    token = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not token:
        raise ConfigError(f"token file {file} is empty")
    return token
