"""The dashboard serves only requests made to its own address (dashboards/origin_guard.py):
a web page elsewhere must not drive it through the user's browser, by websocket
(``Origin``) or by DNS rebinding (``Host``).

First the guard on a small Starlette app, called as an ASGI server calls it, then
the real ``solara run dashboards/app.py`` on loopback, spoken to over real sockets."""

from __future__ import annotations

import asyncio
import base64
import http.client
import os
import socket

import pytest
from conftest import ROOT
from e2e_support import solara_server
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute

from dashboards import origin_guard

HERE = ("127.0.0.1", 8765)


def small_app() -> Starlette:
    async def page(request):
        return PlainTextResponse("page")

    async def socket_(ws):
        await ws.accept()
        await ws.close()

    return Starlette(routes=[Route("/", page), WebSocketRoute("/ws", socket_)])


def request(app, kind: str, headers: dict[str, str]) -> list[dict]:
    """What ``app`` sends back to one ASGI request of ``kind`` (http or websocket)
    that came in on 127.0.0.1:8765 with ``headers``."""
    scope = {
        "type": kind,
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "scheme": "ws" if kind == "websocket" else "http",
        "path": "/ws" if kind == "websocket" else "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "server": HERE,
        "client": ("127.0.0.1", 40000),
        "method": "GET",
    }
    incoming = [{"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request", "body": b""}]
    sent: list[dict] = []

    async def receive():
        return (
            incoming.pop(0)
            if incoming
            else {"type": "websocket.disconnect" if kind == "websocket" else "http.disconnect"}
        )

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@pytest.fixture
def app():
    app = small_app()
    request(app, "http", {"host": "127.0.0.1:8765"})  # the app has started: its middleware stack is built
    origin_guard.guard(app, environ={})
    return app


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"])
def test_a_page_request_to_the_dashboards_address_is_served(app, host):
    sent = request(app, "http", {"host": host, "origin": f"http://{host}"})
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"page"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"host": "evil.example"},
        {"host": "evil.example:8765"},
        {"host": "127.0.0.1:9999"},
        {"host": "127.0.0.1:8765", "origin": "http://evil.example"},
        {"host": "127.0.0.1:8765", "origin": "null"},
        {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:9999"},
    ],
)
def test_a_page_request_to_another_host_or_from_another_origin_is_refused(app, headers):
    sent = request(app, "http", headers)
    assert sent[0]["status"] == 403 and b"not this dashboard's address" in sent[1]["body"]


def test_a_websocket_from_the_dashboards_own_page_is_accepted(app):
    sent = request(app, "websocket", {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"})
    assert sent[0]["type"] == "websocket.accept"


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "127.0.0.1:8765", "origin": "http://evil.example"},
        {"host": "evil.example:8765", "origin": "http://evil.example:8765"},
    ],
)
def test_a_websocket_from_another_origin_or_to_another_host_is_refused_before_it_is_accepted(app, headers):
    sent = request(app, "websocket", headers)
    assert [m["type"] for m in sent] == ["websocket.close"] and sent[0]["code"] == 1008


def test_the_host_given_to_solara_run_is_the_dashboards_address_too():
    scope = {"type": "http", "server": ("0.0.0.0", 8765), "headers": [(b"host", b"myhost.lan:8765")]}
    assert origin_guard.refusal(scope, {"SERVER_NAME": "myhost.lan"}) is None
    assert origin_guard.refusal(scope, {}) is not None


def test_the_guard_is_added_once():
    app = small_app()
    origin_guard.guard(app, environ={})
    origin_guard.guard(app, environ={})
    assert sum(m.cls is origin_guard.OriginGuard for m in app.user_middleware) == 1


# -- the real server -------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``solara run dashboards/app.py --production`` on a free loopback port (its
    front end is not needed: these requests only need answers)."""
    log = tmp_path_factory.mktemp("origin") / "server.log"
    with solara_server(
        ROOT / "dashboards" / "app.py", log, production=True, env={"SOLARA_ASSETS_PROXY": "false"}
    ) as url:
        yield url.removeprefix("http://").rstrip("/")


def get_status(netloc: str, host: str, origin: str | None = None) -> int:
    address, port = netloc.rsplit(":", 1)
    connection = http.client.HTTPConnection(address, int(port), timeout=30)
    try:
        connection.putrequest("GET", "/", skip_host=True)
        connection.putheader("Host", host)
        if origin:
            connection.putheader("Origin", origin)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def websocket_handshake(netloc: str, origin: str) -> str:
    """The status line the server answers a websocket handshake to Solara's kernel
    channel with."""
    address, port = netloc.rsplit(":", 1)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /jupyter/api/kernels/origin-test/channels?session_id=origin-test HTTP/1.1\r\n"
        f"Host: {netloc}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((address, int(port)), timeout=30) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(1024)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def test_the_dashboard_server_serves_its_own_address_only(server):
    port = server.rsplit(":", 1)[1]
    assert get_status(server, server) == 200
    assert get_status(server, f"localhost:{port}", origin=f"http://localhost:{port}") == 200
    assert get_status(server, f"evil.example:{port}") == 403
    assert get_status(server, server, origin="http://evil.example") == 403


def test_the_dashboard_server_refuses_a_websocket_from_another_origin(server):
    assert " 403 " in websocket_handshake(server, "http://evil.example")
    assert " 101 " in websocket_handshake(server, f"http://{server}")
