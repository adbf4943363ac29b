"""``AsyncDownload``: an answer read as it arrives, for documents too large to hold whole (the
ledger CSV) and for anyone who would rather not.

Made by ``plug.stream(...)`` and the resources' ``stream_*`` methods without sending anything;
``async with`` sends the call through the client's pipeline (signed, retried, the 429 gate, the
deadline) until a success answer starts, so an error answer raises its ``PlugipayError`` there.
``awrite_to(path_or_file)`` copies the body to a file chunk by chunk. Once the body starts nothing
is retried: a connection lost while reading raises
``PlugipayNetworkError`` (``PlugipayTimeoutError`` for a read that outlasts the timeout), and the
call can be made again. Leaving the block closes the answer, read or not.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from types import TracebackType
from typing import IO, TYPE_CHECKING

import httpx

from .._request import PreparedRequest
from .._transport_errors import transport_error

if TYPE_CHECKING:
    from ._client import AsyncPlugipayClient

__all__ = ["AsyncDownload"]


class AsyncDownload:
    """A streamed answer: enter it with ``async with``, then read ``aiter_bytes()`` (or
    ``aiter_text()``, ``aiter_lines()``); the body is never held whole."""

    __slots__ = ("_client", "_prepared", "_response")

    def __init__(self, client: AsyncPlugipayClient, prepared: PreparedRequest) -> None:
        self._client = client
        self._prepared = prepared
        self._response: httpx.Response | None = None

    def __repr__(self) -> str:
        path = self._prepared.target.partition("?")[0]
        state = "open" if self._response is not None else "not open"
        return f"{type(self).__name__}({self._prepared.method} {path}, {state})"

    async def __aenter__(self) -> AsyncDownload:
        if self._response is not None:
            raise RuntimeError("this download is already open")
        self._response = await self._client._open_stream(self._prepared)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the answer (what is left of the body is not read)."""
        response, self._response = self._response, None
        if response is not None:
            await response.aclose()

    def _open(self) -> httpx.Response:
        if self._response is None:
            raise RuntimeError("enter the download with 'async with' before reading it")
        return self._response

    @property
    def status_code(self) -> int:
        """The answer's HTTP status."""
        return self._open().status_code

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers."""
        return self._open().headers

    @property
    def content_type(self) -> str | None:
        """The answer's media type without parameters (``text/csv``), if it named one."""
        value = self._open().headers.get("content-type")
        return value.partition(";")[0].strip().lower() or None if value else None

    @property
    def request_id(self) -> str | None:
        """The server's request id of the answer, if it gave one."""
        request_id: str | None = self._open().headers.get("x-request-id")
        return request_id

    @property
    def idempotency_key(self) -> str | None:
        """The key every attempt of a write carried (``None`` for a read)."""
        return self._prepared.idempotency_key

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive (decompressed), in chunks of ``chunk_size`` if given."""
        response = self._open()
        try:
            async for chunk in response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.RequestError as exc:
            raise self._lost(exc) from exc

    async def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """The body decoded as text (its charset, else UTF-8) as it arrives."""
        response = self._open()
        try:
            async for text in response.aiter_text(chunk_size):
                yield text
        except httpx.RequestError as exc:
            raise self._lost(exc) from exc

    async def aiter_lines(self) -> AsyncIterator[str]:
        """The body decoded as text, one line at a time without its line ending (a CSV's rows)."""
        response = self._open()
        try:
            async for line in response.aiter_lines():
                yield line
        except httpx.RequestError as exc:
            raise self._lost(exc) from exc

    async def awrite_to(
        self, path_or_file: str | os.PathLike[str] | IO[bytes], chunk_size: int | None = None
    ) -> int:
        """Copy the body, chunk by chunk as it arrives, to a file: a path (created or
        truncated) or a binary file opened for writing (left open). Returns the bytes written.

        A body cut off part way raises ``PlugipayNetworkError`` with what arrived already
        written; writes to the file are ordinary blocking writes, one per chunk."""
        if isinstance(path_or_file, str | os.PathLike):
            with _open_for_writing(path_or_file) as file:
                return await self._copy(file, chunk_size)
        return await self._copy(path_or_file, chunk_size)

    async def _copy(self, file: IO[bytes], chunk_size: int | None) -> int:
        written = 0
        async for chunk in self.aiter_bytes(chunk_size):
            file.write(chunk)
            written += len(chunk)
        return written

    def _lost(self, exc: httpx.RequestError) -> Exception:
        path = self._prepared.target.partition("?")[0]
        return transport_error(exc, self._prepared.method, path, self._prepared.idempotency_key)


def _open_for_writing(path: str | os.PathLike[str]) -> IO[bytes]:
    # A plain blocking open, like each chunk's write after it: both are local and quick, and
    # only _concurrency.py may reach a thread pool (no anyio here, DESIGN).
    return open(path, "wb")


AsyncDownload.__module__ = "plugipay"  # its public home, as httpx's classes report theirs
