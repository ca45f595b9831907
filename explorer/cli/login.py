"""``explorer login``: Labstep's login flow.

``POST /public-api/user/login {"username", "password"}`` answers the user, including
``api_key``; the key is saved to the profile's entry in the credentials file (0600) and
sent as the ``apikey`` header from then on.  The password is read without echo from
the terminal, or from standard input with ``--password-stdin``; it is never saved.

The login follows no redirect: a 3xx answer is an error naming where it pointed, so
the password goes nowhere else and no key from anywhere else is saved.  When the
credentials file cannot be written, the key is printed instead (with one warning
line) and the exit is 0: the login itself worked.
"""

from __future__ import annotations

import sys
from urllib.parse import urljoin

from explorer.client.models import RequestSpec
from explorer.client.urls import display_url
from explorer.errors import ConfigError, ResponseError, SessionError, UsageError

LOGIN_PATH = "/public-api/user/login"
USAGE = "usage: explorer [GLOBAL] login [--username NAME] [--password-stdin]"


HELP = f"""{USAGE}

Labstep's login: POST /public-api/user/login with the username and password; the
api_key it answers is saved for the profile (0600) and sent as the apikey header.

  --username NAME    the account (default: the profile's username, else asked)
  --password-stdin   read the password from standard input (else asked, no echo)"""


def main(context, args: list[str]) -> int:
    if "--help" in args or "-h" in args:
        print(HELP)
        return 0
    username, from_stdin = None, False
    it = iter(args)
    for arg in it:
        if arg == "--username":
            username = next(it, None)
            if not username:
                raise UsageError(f"--username needs a value ({USAGE})")
        elif arg.startswith("--username="):
            username = arg.split("=", 1)[1]
        elif arg == "--password-stdin":
            from_stdin = True
        else:
            raise UsageError(f"unexpected argument {arg!r} ({USAGE})")
    username = username or context.profile.username
    if not username:
        if not sys.stdin.isatty():
            raise UsageError(f"login needs --username (or a profile with a username) ({USAGE})")
        username = input("username: ").strip()
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass("password: ")
    log_in_and_save(context, username, password)
    return 0


def log_in_and_save(context, username: str, password: str, *, say=None) -> str:
    """The whole flow after the password is known, for ``explorer login`` and the
    shell's ``login``: log in through the engine (so ``--record`` sees it), save the key
    for the profile (or, when that fails, warn and show it), say so with ``say``, and
    return the key."""
    if not password:
        raise UsageError("empty password")
    say = say or (lambda text: print(text, flush=True))
    context.typed_secrets.append(password)  # never shown, even in a crash's traceback
    key = login(_engine(context), username, password)  # the engine: --record sees it
    from explorer.config import credentials_path, save_credential

    try:
        path = save_credential(context.credential_key, {"api_key": key, "username": username})
    except (OSError, ConfigError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        context.warn(f"the key could not be saved to {credentials_path()} ({reason}); "
                     "give it with --api-key or EXPLORER_API_KEY")
        say(f"logged in as {username}; key (not saved): {key}")
        return key
    say(f"logged in as {username}; key saved to {path} ({context.credential_key})")
    return key


def _engine(context):
    """The run's engine; when its ``--record`` session cannot be opened, one warning
    and an engine that does not record (the login matters more than its copy)."""
    try:
        return context.engine
    except SessionError as exc:
        from explorer.engine import Engine

        context.warn(f"{exc}; logging in without recording it")
        return Engine(context.client, None, warn=context.warn)


def login(client, username: str, password: str) -> str:
    """The API key the server gives for ``username``/``password``; ``client`` is
    anything with ``send(RequestSpec)`` (an Engine, so the exchange is recorded)."""
    spec = RequestSpec("POST", LOGIN_PATH, json={"username": username, "password": password})
    response = client.send(spec, allow_redirects=False)
    if 300 <= response.status < 400:
        response.close()
        where = response.headers.get("Location")
        where = urljoin(response.url, where) if where else "nowhere (no Location)"
        raise ResponseError(
            f"login was redirected to {display_url(where)} ({response.status}); not followed, "
            "so the password was sent nowhere else and no key was saved"
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status >= 400:
        message = body.get("message") if isinstance(body, dict) else None
        error = ResponseError(f"login failed: {response.status} {message or response.reason}")
        error.exit_code = 4 if response.status < 500 else 5
        raise error
    key = body.get("api_key") if isinstance(body, dict) else None
    if not isinstance(key, str) or not key:
        raise ResponseError("login answered without an api_key")
    return key
