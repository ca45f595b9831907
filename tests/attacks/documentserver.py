"""A loopback server answering whatever body a test puts at a path: ``server.bodies``
maps a path to ``(headers, body)``; the body goes out whole, with the headers given
(a Content-Length, or none: then the connection's end ends the body).  ``server.seen``
lists the paths asked for, ``server.targets`` the whole targets (query included)."""

from __future__ import annotations

from loopback import QuietHandler, serving


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        bodies = self.server.bodies
        path = self.path.split("?", 1)[0]
        self.server.seen.append(path)
        self.server.targets.append(self.path)
        if path not in bodies:
            self.send_json({"message": "no such path"}, status=404)
            return
        headers, body = bodies[path]
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True


def document_server():
    """``with document_server() as server: server.bodies[path] = (headers, body)``."""
    context = serving(_Handler)

    class _Serving:
        def __enter__(self):
            server = context.__enter__()
            server.bodies = {}
            server.seen = []
            server.targets = []
            return server

        def __exit__(self, *exc):
            return context.__exit__(*exc)

    return _Serving()
