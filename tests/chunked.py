"""A response body served chunk by chunk to either flavour of client, counting what it has handed
out (so a test can tell a streamed body from one read whole), and optionally failing part way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx


class ChunkedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Yields ``chunks`` one at a time; raises ``fail`` (a transport error) after them if given."""

    def __init__(self, chunks: list[bytes], fail: Exception | None = None) -> None:
        self.chunks = chunks
        self.fail = fail
        self.yielded = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.yielded += 1
            yield chunk
        if self.fail is not None:
            raise self.fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.yielded += 1
            yield chunk
        if self.fail is not None:
            raise self.fail

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True
