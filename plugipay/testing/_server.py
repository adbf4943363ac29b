"""The fake on a real loopback HTTP port: stdlib ``ThreadingHTTPServer``, HTTP/1.1 keep-alive.

Each connection gets a daemon thread; ``close`` stops accepting, shuts down open connections
(so idle keep-alive threads end) and joins the serving thread. A dropped-connection fault
closes the socket without writing a byte, so clients see a real disconnect. A chunked answer
(a large export) goes out with ``Transfer-Encoding: chunked``, one HTTP chunk per piece.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ._engine import Engine
from ._wire import RawRequest

__all__ = ["LoopbackServer"]


class _Handler(BaseHTTPRequestHandler):
    """Turns one HTTP request into a ``RawRequest`` for the engine and writes its answer."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, every keep-alive answer would stall
    # on the peer's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    server: _Server

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            # The client went away (a cancelled call, a closed pool): nothing to answer.
            self.close_connection = True

    def _serve(self) -> None:
        length = self.headers.get("content-length")
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self.rfile.read(int(length)) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        engine = self.server.engine
        pending = engine.open(RawRequest(self.command, self.path, headers, body))
        if pending.delay:
            time.sleep(pending.delay)
        answer = engine.finish(pending)
        if answer is None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response_only(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        chunks = answer.chunks
        if chunks is not None:
            self.send_header("transfer-encoding", "chunked")
        elif answer.status != 204:
            self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if chunks is None:
            self.wfile.write(answer.body)
            return
        for chunk in chunks:
            if chunk:  # an empty chunk would end the body early
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    continue
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the CLI print what matters themselves."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 overflows on a burst of new connections; the kernel
    # then falls back to SYN cookies, which now and then reset a request mid-send.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], engine: Engine) -> None:
        self.engine = engine
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.connections_lock:
            open_now = list(self.connections)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                continue


class LoopbackServer:
    """A running loopback server for one engine; use it as a context manager."""

    def __init__(self, engine: Engine, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), engine)
        bound_host, bound_port = self._server.server_address[:2]
        self.host = str(bound_host)
        self.port = int(bound_port)
        self.url = f"http://{self.host}:{self.port}"
        """The base URL without any path prefix."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"plugipay-fake:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        """Stop serving, end open connections and free the port."""
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
