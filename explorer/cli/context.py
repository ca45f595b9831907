"""Wiring: from global options, environment and config to a client, discovery and engine.

Every part is built on first use, so ``explorer --help`` or ``explorer serve`` never
reads the config, and a one-shot command pays only for what it touches.
"""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from functools import cached_property

from explorer import config as cfg
from explorer.errors import UsageError


class Context:
    def __init__(self, options: Namespace, *, stderr=None) -> None:
        self.options = options
        self.stderr = stderr or sys.stderr
        self.warnings: list[str] = []

    # -- messages ----------------------------------------------------------------------

    def warn(self, message: str) -> None:
        from explorer.render.text import one_line

        self.warnings.append(message)
        print(f"explorer: warning: {one_line(self.redact(message))}", file=self.stderr, flush=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    @property
    def secrets(self) -> list[str]:
        found = []
        if "client" in self.__dict__:
            found.extend(self.client.secrets)
        for value in (
            self.options.token,
            self.options.api_key,
            os.environ.get("EXPLORER_TOKEN"),
            os.environ.get("EXPLORER_API_KEY"),
            os.environ.get("EXPLORER_PASSWORD"),
        ):
            if value:
                found.append(value)
                if value.strip() != value:  # as sent (stripped), and as given
                    found.append(value.strip())
        return found

    # -- configuration -----------------------------------------------------------------

    @cached_property
    def config(self) -> cfg.Config:
        return cfg.load_config()

    @cached_property
    def profile(self) -> cfg.Profile:
        o = self.options
        profile = cfg.select_profile(self.config, o.profile)
        return profile.with_overrides(
            url=o.url or os.environ.get("EXPLORER_URL"),
            spec=o.spec,
            routes=o.routes,
            timeout=o.timeout,
            insecure=True if o.insecure else None,
            ca_bundle=o.ca_bundle,
        )

    @property
    def base_url(self) -> str:
        url = self.profile.url
        if not url:
            raise UsageError(
                "no server: give --url URL, set EXPLORER_URL, or choose a profile with a url"
            )
        return url.rstrip("/")

    @property
    def credential_key(self) -> str:
        """Where ``explorer login`` keeps this server's key in the credentials file."""
        if self.profile.name != "default" or self.options.profile:
            return self.profile.name
        return f"url:{self.base_url}"

    @cached_property
    def auth(self):
        from explorer.client.auth import api_key, bearer

        o, p = self.options, self.profile
        if o.token:
            return bearer(o.token)
        if o.token_file:
            return bearer(cfg.read_token_file(o.token_file, warn=self.warn))
        if o.api_key:
            return api_key(o.api_key)
        if os.environ.get("EXPLORER_TOKEN"):
            return bearer(os.environ["EXPLORER_TOKEN"])
        if os.environ.get("EXPLORER_API_KEY"):
            return api_key(os.environ["EXPLORER_API_KEY"])
        if p.token:
            return bearer(p.token)
        if p.token_file:
            return bearer(cfg.read_token_file(p.token_file, warn=self.warn))
        if p.api_key:
            return api_key(p.api_key)
        saved = cfg.load_credentials().get(self.credential_key, {})
        if saved.get("api_key"):
            return api_key(saved["api_key"])
        if saved.get("token"):
            return bearer(saved["token"])
        return None

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
            self.base_url, auth=self.auth, headers=p.headers, timeout=p.timeout, verify=verify
        )

    @cached_property
    def source(self):
        from explorer.discovery import DiscoverSource, RoutesFileSource, SpecSource

        p = self.profile
        if p.spec:
            return SpecSource(p.spec)
        if p.routes:
            return RoutesFileSource(p.routes)
        return DiscoverSource()

    @cached_property
    def discovery(self):
        from explorer.discovery import Discovery, DiscoveryCache

        cache = DiscoveryCache(cfg.cache_dir(), self.base_url, self.source.key)
        return Discovery(
            self.client,
            self.source,
            cache=cache,
            ttl=self.config.settings.discovery_ttl,
            warn=self.warn,
        )

    def load_routes(self, *, required: bool = True, revalidate: bool = True):
        """The registry; with ``required=False`` a failure is a warning and None."""
        from explorer.errors import DiscoveryError, TransportError

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
        """A recorder appending to ``path`` (the shell's ``record start`` uses it too)."""
        from explorer.sessions.recorder import Recorder

        registry = self.discovery.registry
        return Recorder.open(
            path,
            base_url=self.base_url,
            secrets=self.secrets,
            auth=self.auth,
            routes_fingerprint=registry.fingerprint if registry is not None else None,
        )

    @cached_property
    def engine(self):
        from explorer.engine import Engine

        return Engine(self.client, self.discovery, warn=self.warn, recorder=self.recorder)

    @cached_property
    def output(self):
        from explorer.render import OutputEnv

        env = OutputEnv.from_system(no_pager=self.options.no_pager)
        return env

    def close(self) -> None:
        if "recorder" in self.__dict__ and self.recorder is not None:
            self.recorder.close()
        if "client" in self.__dict__:
            self.client.close()
