"""A loopback HTTP server that receives webhook deliveries: the merchant's endpoint in the
end-to-end tests. It records every request's raw body and headers, may act on each first
(``on_delivery``, in its own thread), and answers with the next status of a script (then 200), so
a test can make an endpoint fail a set number of times."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

MAX_BODY = 1 << 20


class Delivery:
    """One request the receiver got: raw body, headers (lower-case names) and what it answered."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, body: bytes, headers: dict[str, str], status: int) -> None:
        self.body = body
        self.headers = headers
        self.status = status


class WebhookReceiver:
    """Listens on 127.0.0.1 (a free port) while entered; ``url`` is where to deliver."""

    def __init__(
        self, statuses: Iterable[int] = (), on_delivery: Callable[[Delivery], object] | None = None
    ) -> None:
        self._script = list(statuses)
        self._on_delivery = on_delivery
        self._lock = threading.Lock()
        self.received: list[Delivery] = []
        """Every request, in arrival order."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = min(int(self.headers.get("content-length") or 0), MAX_BODY)
                body = self.rfile.read(length)
                with receiver._lock:
                    status = receiver._script.pop(0) if receiver._script else 200
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    delivery = Delivery(body, headers, status)
                    receiver.received.append(delivery)
                if receiver._on_delivery is not None:
                    # As a merchant's handler would: act on the event (maybe calling Plugipay
                    # back) before answering.
                    receiver._on_delivery(delivery)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests read ``received`` instead."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks/plugipay"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def accepted(self) -> list[Delivery]:
        """The requests answered 2xx, in arrival order."""
        with self._lock:
            return [d for d in self.received if 200 <= d.status < 300]

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
