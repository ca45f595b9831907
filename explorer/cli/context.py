"""Wiring: from global options, environment and config to a client, discovery and engine.

Every part is built on first use, so ``explorer --help`` or ``explorer serve`` never
reads the config, and a one-shot command pays only for what it touches.

A profile's credentials (token, token file, API key, the key ``explorer login`` saved
for it, and credential headers among its ``headers``) belong to the profile's server:
when ``--url`` or ``EXPLORER_URL`` points at another origin they are not sent, and a
warning says so once.  Credentials given for this run (``--token``, ``--api-key``,
``EXPLORER_TOKEN`` ...) are sent wherever the URL points.

A front end hooks in through explicit calls, never by replacing a method:
:meth:`Context.subscribe_warnings` (the shell shows warnings above its prompt),
:meth:`Context.subscribe_routes` (a refetch changed the routes) and
:meth:`Context.set_recorder` (``record start``/``record stop``); what is in hand is
read without building anything through :attr:`Context.routes_in_hand` and
:attr:`Context.active_recorder`.
"""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlsplit

from explorer import config as cfg
from explorer.client.urls import display_url, same_origin, url_secrets, without_userinfo
from explorer.errors import ConfigError, DiscoveryError, TransportError, UsageError
from explorer.render.text import one_line


class Context:
    def __init__(self, options: Namespace, *, stderr=None) -> None:
        self.options = options
        self.stderr = stderr or sys.stderr
        self.warnings: list[str] = []
        #: nothing goes to the server (``--offline``, ``--curl``): discovery reads the
        #: cache only; set before the first use of :attr:`discovery`
        self.offline = False
        #: secrets met while running (a password typed at ``login``), for redaction
        self.typed_secrets: list[str] = []
        #: whether this run's credentials (options, environment) apply; a context
        #: made by :meth:`connect` uses only its profile's and what ``connect`` was given
        self.run_credentials = True
        #: who shows the warnings (see :meth:`subscribe_warnings`); empty: printed here
        self._warning_handlers: list[Callable[[str], None]] = []

    def connect(
        self,
        *,
        profile: str | None = None,
        url: str | None = None,
        routes: str | None = None,
        spec: str | None = None,
        credentials: dict[str, str] | None = None,
    ) -> Context:
        """A context for another server in the same run (the shell's ``connect``, as
        psql's ``\\c``): ``profile`` (its url, routes and credentials), or ``url`` with
        ``routes`` or ``spec``.  It shares the config (with any profiles defined in
        memory, as ``explorer demo``'s) and the secrets known so far, keeps the TLS and
        timeout options, and leaves this run's credentials (``--token``,
        ``EXPLORER_TOKEN`` ...) and ``--record`` behind: only ``credentials`` (option
        names: ``token``, ``token_file``, ``api_key``) and the profile's are used."""
        from copy import copy

        from explorer.auth.resolve import keys

        options = copy(self.options)
        for key in keys("options"):
            setattr(options, key, None)
        for key, value in (credentials or {}).items():
            setattr(options, key, value)
        options.record = None
        options.profile = profile
        options.routes, options.spec = routes, spec
        if profile is not None:
            chosen = cfg.select_profile(self.config, profile)
            if not chosen.url:
                raise UsageError(f"profile {profile!r} has no url")
            url = url or chosen.url  # EXPLORER_URL does not move a profile chosen here
        if not url:
            raise UsageError("connect needs a PROFILE or a URL")
        options.url = url
        new = Context(options, stderr=self.stderr)
        new.run_credentials = False
        new.config = self.config
        if profile is None:  # a URL alone: no profile (not EXPLORER_PROFILE's, nor the default)
            new.selected_profile = cfg.Profile(name="default")
        new.typed_secrets = self.typed_secrets
        # A front end's showing of warnings (the shell's) goes on for the new server.
        new._warning_handlers = list(self._warning_handlers)
        for secret in self.secrets:  # what was secret stays hidden for the whole run
            if secret not in new.typed_secrets:
                new.typed_secrets.append(secret)
        return new

    # -- messages ----------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """Note a warning in :attr:`warnings` and show it: through the newest handler
        of :meth:`subscribe_warnings`, else on stderr (:meth:`print_warning`)."""
        self.warnings.append(message)
        handlers = self._warning_handlers
        if handlers:
            handlers[-1](message)
        else:
            self.print_warning(message)

    def print_warning(self, message: str) -> None:
        """``explorer: warning: ...`` on stderr, one line, its secrets masked (the way a
        warning is shown when no handler is subscribed; a handler may call it too)."""
        print(f"explorer: warning: {one_line(self.redact(message))}", file=self.stderr, flush=True)

    def subscribe_warnings(self, handler: Callable[[str], None]) -> None:
        """Hand every later warning to ``handler(message)`` instead of printing it
        (the newest handler wins; the warning is in :attr:`warnings` already), until
        :meth:`unsubscribe_warnings`.  A context made by :meth:`connect` starts with
        the same handlers."""
        self._warning_handlers.append(handler)

    def unsubscribe_warnings(self, handler: Callable[[str], None]) -> None:
        """Print warnings here again unless another handler is subscribed."""
        if handler in self._warning_handlers:
            self._warning_handlers.remove(handler)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    @property
    def secrets(self) -> list[str]:
        """Every secret value this run knows of, for redaction.  Never raises: it is
        used while an error (a broken config, say) is being reported."""
        found = list(self.typed_secrets)
        if "client" in self.__dict__:
            found.extend(self.client.secrets)
        if self.__dict__.get("auth") is not None:
            found.extend(self.auth.secrets)
        found += url_secrets(self.options.url) + url_secrets(os.environ.get("EXPLORER_URL"))
        found += url_secrets(getattr(self.options, "proxy", None))
        if "cookie_jar" in self.__dict__:
            from explorer.client.cookies import cookie_values

            found += cookie_values(self.cookie_jar)
        if "profile" in self.__dict__:
            found += url_secrets(self.profile.url)
        from explorer.auth import given_secrets

        found += given_secrets(lambda key: getattr(self.options, key, None))
        found += given_secrets(os.environ.get)  # hidden even when not used (connect)
        password = os.environ.get("EXPLORER_PASSWORD")
        if password:
            found += [password, password.strip()]
        return found

    # -- configuration -----------------------------------------------------------------

    @cached_property
    def config(self) -> cfg.Config:
        return cfg.load_config(warn=self.warn)

    @cached_property
    def selected_profile(self) -> cfg.Profile:
        """The profile as the config has it, before command-line overrides."""
        return cfg.select_profile(self.config, self.options.profile)

    @cached_property
    def profile(self) -> cfg.Profile:
        o = self.options
        return self.selected_profile.with_overrides(
            url=o.url or os.environ.get("EXPLORER_URL"),
            spec=o.spec,
            routes=o.routes,
            timeout=o.timeout,
            insecure=True if o.insecure else None,
            ca_bundle=o.ca_bundle,
            proxy=getattr(o, "proxy", None),
            cert=getattr(o, "cert", None),
            cert_key=getattr(o, "cert_key", None),
            cookies=False if getattr(o, "no_cookies", False) else None,
        )

    @property
    def base_url(self) -> str:
        url = self.profile.url
        if not url:
            raise UsageError(
                "no server: give --url URL, set EXPLORER_URL, or choose a profile with a url "
                "(or try explorer demo: a sandbox server and the shell on it)"
            )
        return url.rstrip("/")

    @cached_property
    def elsewhere(self) -> bool:
        """True when the URL was overridden to another origin than the profile's own:
        then the profile's credentials stay home (see the module docstring)."""
        own = self.selected_profile.url
        return bool(own) and not same_origin(own, self.base_url)

    @property
    def credential_key(self) -> str:
        """Where ``explorer login`` keeps this server's key in the credentials file."""
        if (self.profile.name != "default" or self.options.profile) and not self.elsewhere:
            return self.profile.name

        return f"url:{without_userinfo(self.base_url)}"

    def _places(self, profile: cfg.Profile | None = None) -> list:
        """Where credentials are looked for, in order of precedence (see
        :mod:`explorer.auth.resolve`): this run's options and environment, then (with
        ``profile``) the profile and what ``explorer login`` saved for it."""
        from explorer.auth import Place

        def read_file(path: str) -> str:
            return cfg.read_token_file(path, warn=self.warn)

        def saved() -> dict:
            return cfg.load_credentials(warn=self.warn).get(self.credential_key, {})

        places = [Place("options", lambda: vars(self.options), read_file, self._ask)]
        if self.run_credentials:
            places.append(Place("environment", lambda: os.environ, read_file, self._ask))
        if profile is not None:
            places += [
                Place("profile", lambda: profile.credentials, read_file, self._ask),
                Place("saved", saved, read_file, self._ask),
            ]
        return places

    def _ask(self, prompt: str) -> str | None:
        """A password typed at the terminal without echo (None: no terminal); it joins
        the run's secrets."""
        if not sys.stdin.isatty():
            return None
        import getpass

        password = getpass.getpass(prompt)
        self.typed_secrets.append(password)
        return password

    @cached_property
    def home_profile(self) -> cfg.Profile:
        """:attr:`profile`, without its credentials (token, token file, API key,
        credential headers) when the URL points elsewhere; then a warning says so,
        once, if any of them would have been sent."""
        p = self.profile
        if not self.elsewhere:
            return p
        from explorer.auth.resolve import holds
        from explorer.secrets import is_secret_header

        secret_headers = [k for k in p.headers if is_secret_header(k)]
        own = bool(p.credentials) or bool(self._saved(p.name))
        given = any(holds(place) for place in self._places())
        if secret_headers or (own and not given):
            self.warn(
                f"profile {p.name!r} is for {display_url(self.selected_profile.url or '')}: "
                f"its credentials are not sent to {display_url(self.base_url)}"
            )
        return p.replace(
            credentials={},
            headers={k: v for k, v in p.headers.items() if k not in secret_headers},
        )

    @staticmethod
    def _saved(key: str) -> dict:
        """What ``explorer login`` saved under ``key`` ({} when the file is unreadable:
        only for deciding whether to warn)."""
        try:
            return cfg.load_credentials().get(key, {})
        except ConfigError:
            return {}

    @cached_property
    def auth(self):
        """The credential of this run (:func:`explorer.auth.resolve`), or None."""
        from explorer.auth import resolve

        return resolve(self._places(self.home_profile))

    def use_auth(self, scheme) -> None:
        """Send ``scheme`` from now on, with every later request of this run (the
        shell's ``login``): it becomes :attr:`auth` and the client's credential."""
        self.auth = scheme
        self.client.auth = scheme

    # -- the engine --------------------------------------------------------------------

    @cached_property
    def client(self):
        from explorer.client.session import Client

        p = self.profile
        verify: bool | str = True
        if p.insecure:
            verify = False
            self.warn("TLS certificate verification is off (--insecure)")
        elif p.ca_bundle:
            verify = os.path.expanduser(p.ca_bundle)
            if not os.path.isfile(verify):
                raise UsageError(f"--ca-bundle {p.ca_bundle}: no such file")
        if not verify:
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        return Client(
            self.base_url,
            auth=self.auth,
            headers=self.home_profile.headers,
            timeout=p.timeout,
            verify=verify,
            warn=self.warn,
            max_time=getattr(self.options, "max_time", None),
            proxy=_proxy_url(p.proxy),
            cert=self._client_cert(),
            cookies=self.cookie_jar,
        )

    def _client_cert(self):
        """``--cert``/``--cert-key``, else the profile's: a profile's certificate is an
        identity of its own server, so it is not presented where ``--url`` points
        elsewhere (like its other credentials)."""
        o = self.options
        if getattr(o, "cert", None) or getattr(o, "cert_key", None):
            return _client_cert(o.cert, o.cert_key)
        if self.elsewhere:
            return None
        chosen = self.selected_profile
        return _client_cert(chosen.cert, chosen.cert_key)

    @cached_property
    def cookie_jar(self):
        """The profile's cookie jar (:mod:`explorer.client.cookies`); one that keeps
        nothing under ``--no-cookies`` or a profile's ``cookies = false``."""
        from explorer.client import cookies

        if not self.profile.cookies:
            return cookies.refusing_jar()
        path = cookies.jar_path(cfg.data_dir(), self.credential_key)
        jar = cookies.open_jar(path, warn=self.warn)
        self._cookies_before = jar.fingerprint()
        return jar

    def save_cookies(self) -> None:
        """Write the cookie jar if a cookie changed in this run (a failure is a warning:
        the command's own result stands)."""
        if "cookie_jar" not in self.__dict__ or not self.profile.cookies:
            return
        from explorer.client import cookies

        jar = self.cookie_jar
        before = getattr(self, "_cookies_before", frozenset())
        if jar.fingerprint() == before:
            return
        try:
            cookies.save_jar(jar, cookies.jar_path(cfg.data_dir(), self.credential_key),
                             before=before)
        except OSError as exc:
            self.warn(f"cannot save the cookies: {exc.strerror or exc}")
        self._cookies_before = jar.fingerprint()

    @cached_property
    def source(self):
        from explorer.discovery import DiscoverSource, RoutesFileSource, SpecSource

        p = self.profile
        if p.spec:
            source = SpecSource(p.spec)
        elif p.routes:
            source = RoutesFileSource(p.routes)
        else:
            source = DiscoverSource()
        source.limit = self.config.settings.document_limit
        return source

    @cached_property
    def discovery_cache(self):
        """This server's and source's entry of the discovery cache."""
        from explorer.discovery.cache import DiscoveryCache

        return DiscoveryCache(cfg.cache_dir(), self.base_url, self.source.key)

    def cached_registry(self):
        """The routes as the discovery cache holds them, or None: read from disk only,
        never fetched, however old (shell completion of one-shot commands)."""
        entry = self.discovery_cache.read()
        return entry.registry if entry is not None else None

    @cached_property
    def discovery(self):
        from explorer.discovery import Discovery

        return Discovery(
            lambda: self.client,  # routes the cache answers need no client
            self.source,
            cache=self.discovery_cache,
            offline=self.offline,
            ttl=self.config.settings.discovery_ttl,
            warn=self.warn,
        )

    def load_routes(self, *, required: bool = True, revalidate: bool = True):
        """The registry; with ``required=False`` a failure is a warning and None."""
        try:
            return self.discovery.load(revalidate=revalidate)
        except (DiscoveryError, TransportError) as exc:
            if required:
                raise
            self.warn(f"routes unavailable: {exc}")
            return None

    @cached_property
    def recorder(self):
        """The recorder of ``--record FILE``, or None."""
        return self.open_recorder(self.options.record) if self.options.record else None

    def open_recorder(self, path):
        """A recorder appending to ``path`` (the shell's ``record start`` uses it too);
        a bare name means ``sessions/NAME.jsonl``."""
        from explorer.sessions.format import session_path
        from explorer.sessions.recorder import Recorder

        registry = self.discovery.registry
        return Recorder.open(
            session_path(path),
            base_url=self.base_url,
            secrets=self.secrets,
            auth=self.auth,
            routes_fingerprint=registry.fingerprint if registry is not None else None,
            warn=self.warn,
        )

    @cached_property
    def engine(self):
        from explorer.engine import Engine

        return Engine(self.client, self.discovery, warn=self.warn, recorder=self.recorder)

    def subscribe_routes(self, listener: Callable) -> None:
        """Call ``listener(change)`` when the engine's refetch (an unknown path or
        command) changed the routes (:meth:`explorer.engine.Engine.subscribe_routes`)."""
        self.engine.subscribe_routes(listener)

    def unsubscribe_routes(self, listener: Callable) -> None:
        if "engine" in self.__dict__:
            self.engine.unsubscribe_routes(listener)

    def set_recorder(self, recorder):
        """Record every later exchange with ``recorder`` (None: stop); returns the one
        it replaces, which the caller closes."""
        return self.engine.set_recorder(recorder)

    @property
    def active_recorder(self):
        """The recorder exchanges go through now, or None (builds nothing)."""
        return self.engine.recorder if "engine" in self.__dict__ else None

    @property
    def routes_in_hand(self):
        """The registry loaded so far, or None (loads and builds nothing)."""
        return self.discovery.registry if "discovery" in self.__dict__ else None

    def output_env(self, *, stdout=None, stderr=None, no_pager: bool | None = None):
        """The terminal facts for rendering, with ``--no-pager`` and the config's
        ``pager``, ``highlight_limit`` and ``render_limit`` applied: the one place an
        OutputEnv is made for a front end (the shell passes its own streams, and
        ``no_pager`` for its ``pager on|off``)."""
        from explorer.render import OutputEnv

        settings = self.config.settings
        pager_setting = settings.pager
        if no_pager is None:
            no_pager = bool(getattr(self.options, "no_pager", False))
        elif not no_pager and pager_setting is False:
            pager_setting = None  # ``pager on`` over the config's ``pager = false``
        return OutputEnv.from_system(
            no_pager=no_pager,
            stdout=stdout,
            stderr=stderr,
            pager_setting=pager_setting,
            max_highlight_bytes=settings.highlight_limit,
            max_render_bytes=settings.render_limit,
            redact=self.redact,
        )

    def close(self) -> None:
        if "recorder" in self.__dict__ and self.recorder is not None:
            self.recorder.close()
        self.save_cookies()
        if "client" in self.__dict__:
            self.client.close()


def _proxy_url(proxy: str | None) -> str | None:
    """``--proxy URL`` checked (``host:port`` means ``http://host:port``, as curl reads it)."""
    if not proxy:
        return None

    url = proxy if "://" in proxy else "http://" + proxy
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        valid = valid and (parts.port is None or parts.port > 0)  # .port checks the number
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(f"--proxy {display_url(proxy)}: not an http(s) proxy URL")
    return url


def _client_cert(cert: str | None, key: str | None) -> str | tuple[str, str] | None:
    """``--cert FILE [--cert-key FILE]`` as requests takes them, each file checked:
    a missing or unreadable one, or an encrypted key (which would make OpenSSL ask for a
    pass phrase on the terminal), is a usage error."""
    if key and not cert:
        raise UsageError("--cert-key goes with --cert FILE")
    if not cert:
        return None
    paths = []
    for option, name in (("--cert", cert), ("--cert-key", key)):
        if not name:
            continue
        path = os.path.expanduser(name)
        try:
            with open(path, "rb") as f:
                head = f.read(256 * 1024)
        except OSError as exc:
            raise UsageError(f"{option} {name}: {exc.strerror}") from exc
        if b"-----BEGIN" not in head:
            raise UsageError(f"{option} {name}: not a PEM file")
        if b"ENCRYPTED" in head:
            raise UsageError(f"{option} {name}: the key is encrypted; give a key without a "
                             "pass phrase (openssl pkey -in KEY -out PLAIN)")
        paths.append(path)
    return (paths[0], paths[1]) if len(paths) == 2 else paths[0]
