"""explorer: a discovery-driven explorer for REST APIs.

It asks a server what it offers (``GET {url}/discover``, an OpenAPI document or a
routes file), turns the route patterns into commands, and serves them through one
request path to every front end: the interactive shell, one-shot commands, probing
and replay of recorded sessions.
"""

__version__ = "0.1.0"
