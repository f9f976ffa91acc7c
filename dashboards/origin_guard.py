"""Serve only requests made to the dashboard's own address.

The dashboard has no login: whoever can send it requests can run it and upload to
it. Binding 127.0.0.1 keeps other machines out, but not other web pages in the
user's own browser: a page on any site may open a websocket to
``ws://127.0.0.1:8765/…`` (browsers let it, and tell the server only through the
``Origin`` header), and a DNS-rebinding site reaches it under its own host name
(the ``Host`` header says so). Solara checks neither, so :class:`OriginGuard`, an
ASGI middleware, refuses any HTTP or websocket request whose ``Host`` — or
``Origin``, when the browser sends one — is not an address the dashboard serves:
``127.0.0.1``, ``localhost`` or ``[::1]``, the host given to ``solara run --host``
(``mutualaid dashboard --host``), or the address the connection came in on; always
with the port served.

``solara run`` builds its Starlette app (``solara.server.starlette.app``) before it
imports the dashboard, and Starlette lets no middleware be added once an app has
started; :func:`guard_solara_server`, called by ``dashboards/app.py`` as it is
imported, adds the guard and has Starlette rebuild its middleware stack for the
next request (Starlette builds it lazily, so the rebuilt stack is what every
request after start-up goes through).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from starlette.middleware import Middleware

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
SERVER_NAME_ENV = "SERVER_NAME"  # set by `solara run` to its --host


def _netloc(host: str, port: int) -> str:
    host = host.strip("[]").lower()
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def allowed_netlocs(scope: Scope, environ: Mapping[str, str]) -> set[str]:
    """The ``host:port`` values a request to this server may name: the loopback
    names, the host the server was told to listen on and the address the connection
    came in on, each with the port it came in on (bare too, for port 80)."""
    server = scope.get("server") or ("127.0.0.1", 80)
    local, port = str(server[0]), int(server[1])
    hosts: Iterable[str] = (*LOOPBACK, local, *([environ[SERVER_NAME_ENV]] if environ.get(SERVER_NAME_ENV) else []))
    netlocs = {_netloc(host, port) for host in hosts}
    if port == 80:
        netlocs |= {netloc.rsplit(":", 1)[0] for netloc in netlocs}
    return netlocs


def refusal(scope: Scope, environ: Mapping[str, str]) -> str | None:
    """Why the request may not be served (None if it may)."""
    headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}
    allowed = allowed_netlocs(scope, environ)
    host = headers.get("host", "").lower()
    if host not in allowed:
        return f"Host {host[:100]!r} is not this dashboard's address"
    origin = headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin.lower())
        if parts.scheme not in ("http", "https") or parts.netloc not in allowed:
            return f"Origin {origin[:100]!r} is not this dashboard's address"
    return None


class OriginGuard:
    """ASGI middleware: HTTP and websocket requests to another ``Host`` or from
    another ``Origin`` are refused (HTTP 403; a websocket is closed before it is
    accepted, which the server answers with 403)."""

    def __init__(self, app: ASGIApp, environ: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.environ = os.environ if environ is None else environ

    async def __call__(self, scope: Scope, receive, send) -> None:
        reason = refusal(scope, self.environ) if scope["type"] in ("http", "websocket") else None
        if reason is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": reason})
        else:
            body = f"forbidden: {reason}\n".encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})


def guard(app: Any, environ: Mapping[str, str] | None = None) -> None:
    """Put :class:`OriginGuard` in front of the Starlette ``app``, even one already
    started (its middleware stack is rebuilt on the next request). Once per app."""
    if getattr(app.state, "origin_guard", False):
        return
    app.user_middleware.insert(0, Middleware(OriginGuard, environ=environ))
    app.middleware_stack = None
    app.state.origin_guard = True


def guard_solara_server() -> bool:
    """Guard the app of the Solara server this process runs, if it runs one (not
    when the page is rendered without a server, as in the tests)."""
    server = sys.modules.get("solara.server.starlette")
    if server is None:
        return False
    guard(server.app)
    return True
