"""What every resource namespace shares: its client and the typed decoding of answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ..._envelope import Envelope
from ..._exceptions import InvalidResponseError
from ..._request import prepare, prepare_upload
from .._download import AsyncDownload
from .._pagination import AsyncCursorPaginator

if TYPE_CHECKING:
    from .._client import AsyncPlugipayClient

__all__ = ["AsyncResource"]

M = TypeVar("M")


def structure(data: Any, cls: type[M]) -> M:
    """``_convert.structure``, imported on first use: the converter (and cattrs) loads with the
    first answer, not with the client."""
    from ..._convert import structure as convert

    return convert(data, cls)


def structure_many(items: Any, cls: type[M]) -> list[M]:
    """``_convert.structure_many``, imported on first use (see ``structure``)."""
    from ..._convert import structure_many as convert

    return convert(items, cls)


class AsyncResource:
    """Base of the resource namespaces; holds the client it speaks through."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncPlugipayClient) -> None:
        self._client = client

    async def _call(
        self,
        cls: type[M],
        method: str,
        path: str,
        *,
        query: Iterable[tuple[str, object]] | None = None,
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
    ) -> M:
        def decode(envelope: Envelope) -> M:
            if not isinstance(envelope.data, dict):
                raise InvalidResponseError(
                    f"{method} {path} answered without the object it should return"
                )
            return structure(envelope.data, cls)

        return await self._client._request(
            method, path, decode, query=query, body=body, idempotency_key=idempotency_key
        )

    async def _call_optional(self, cls: type[M], path: str) -> M | None:
        """A GET whose answer is one ``cls`` or ``null`` (nothing there yet)."""

        def decode(envelope: Envelope) -> M | None:
            if envelope.data is None:
                return None
            if not isinstance(envelope.data, dict):
                raise InvalidResponseError(f"GET {path} answered neither an object nor null")
            return structure(envelope.data, cls)

        return await self._client._request("GET", path, decode)

    async def _call_list(
        self,
        cls: type[M],
        method: str,
        path: str,
        *,
        query: Iterable[tuple[str, object]] | None = None,
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
    ) -> list[M]:
        """A call whose answer is a bare array of ``cls`` (not a paginated list)."""

        def decode(envelope: Envelope) -> list[M]:
            if envelope.data is None and method != "GET":
                return []
            if not isinstance(envelope.data, list):
                raise InvalidResponseError(f"{method} {path} answered without the list it returns")
            return structure_many(envelope.data, cls)

        return await self._client._request(
            method, path, decode, query=query, body=body, idempotency_key=idempotency_key
        )

    async def _upload(
        self,
        cls: type[M],
        path: str,
        content: bytes,
        content_type: str,
        *,
        idempotency_key: str | None = None,
    ) -> M:
        """POST a body made already (a multipart form), signed over the empty body; every retry
        resends the same bytes with the same key."""

        def decode(envelope: Envelope) -> M:
            if not isinstance(envelope.data, dict):
                raise InvalidResponseError(
                    f"POST {path} answered without the object it should return"
                )
            return structure(envelope.data, cls)

        prepared = prepare_upload(
            self._client._config, path, content, content_type, idempotency_key=idempotency_key
        )
        return await self._client._send(prepared, decode)

    async def _download(
        self,
        path: str,
        accept: str,
        *,
        query: Iterable[tuple[str, object]] | None = None,
        method: str = "GET",
        body: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[str | None, bytes]:
        """Fetch a document (by GET, or a POST that renders one): its ``Content-Type`` header and
        its whole body."""
        prepared = prepare(
            self._client._config,
            method,
            path,
            query=query,
            body=body,
            idempotency_key=idempotency_key,
            accept=accept,
        )
        response, body_bytes = await self._client._send_download(prepared)
        content_type: str | None = response.headers.get("content-type")
        return content_type, body_bytes

    def _stream(
        self,
        path: str,
        accept: str,
        *,
        query: Iterable[tuple[str, object]] | None = None,
    ) -> AsyncDownload:
        """GET a document read as it arrives (nothing is sent until it is entered)."""
        prepared = prepare(self._client._config, "GET", path, query=query, accept=accept)
        return AsyncDownload(self._client, prepared)

    async def _call_no_content(
        self, method: str, path: str, *, idempotency_key: str | None = None
    ) -> None:
        await self._client._request(method, path, _nothing, idempotency_key=idempotency_key)

    def _paginate(
        self, cls: type[M], path: str, query: list[tuple[str, object]], cursor: str | None
    ) -> AsyncCursorPaginator[M]:
        def decode(items: list[Any]) -> list[M]:
            return structure_many(items, cls)

        return AsyncCursorPaginator(self._client, path, query, decode, cursor=cursor)


def text_of(content_type: str | None, body: bytes) -> str:
    """A text document's body as ``str``: decoded by the charset its ``Content-Type`` names,
    else as UTF-8 (undecodable bytes replaced, never an error)."""
    charset = "utf-8"
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        return body.decode(charset, "replace")
    except LookupError:  # a charset Python doesn't know
        return body.decode("utf-8", "replace")


def _nothing(envelope: Envelope) -> None:
    """A 204 (or any success) whose body the call doesn't return."""
