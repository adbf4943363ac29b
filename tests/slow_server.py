"""A loopback HTTP server that drips its answer one byte at a time: the misbehaving server of the
timeout tests. Every loop is bounded: a drip stops when the client goes away, when the answer is
sent, or when the server stops."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Literal

BODY = b'{"data":{"id":"cus_1"},"error":null,"meta":{"requestId":"req_slow"}}'


class SlowServer:
    """Serves one JSON answer to every request, dripping the ``headers`` or the ``body`` one byte
    every ``gap`` seconds (the other part goes at once)."""

    def __init__(self, drip: Literal["headers", "body"], gap: float = 0.05) -> None:
        self.drip = drip
        self.gap = gap
        self.finished = 0
        """How many answers were sent to the end (a client that timed out never gets one)."""
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> SlowServer:
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            serve = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            serve.start()
            self._threads.append(serve)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65_536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            head = (
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"x-request-id: req_slow\r\n"
                b"content-length: " + str(len(BODY)).encode() + b"\r\n\r\n"
            )
            try:
                if self.drip == "headers":
                    self._drip(conn, head)
                    conn.sendall(BODY)
                else:
                    conn.sendall(head)
                    self._drip(conn, BODY)
            except OSError:
                return  # the client went away: what a timeout should make it do
            self.finished += 1

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self._stop.is_set():
                raise OSError("server stopping")
            conn.sendall(data[i : i + 1])
            time.sleep(self.gap)
