"""Decoding success envelopes and both pagination meta shapes (SPEC §3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plugipay._envelope import Envelope, PageInfo, decode_envelope, page_info
from plugipay._exceptions import InvalidResponseError


def _body(data: Any, meta: Any) -> bytes:
    return json.dumps({"data": data, "error": None, "meta": meta}).encode()


def test_success_envelope_data_and_meta() -> None:
    meta = {"requestId": "req_1", "timestamp": "2026-05-12T10:42:00.000Z"}
    data = {"id": "cus_1", "name": "Zoë", "unknownField": [1, 2]}
    envelope = decode_envelope(200, _body(data, meta))
    assert envelope == Envelope(data, meta)
    assert envelope.data == data
    assert envelope.meta == meta


def test_list_envelope_keeps_the_list() -> None:
    envelope = decode_envelope(200, _body([{"id": "cus_1"}, {"id": "cus_2"}], {"hasMore": False}))
    assert envelope.data == [{"id": "cus_1"}, {"id": "cus_2"}]


def test_data_null_is_none() -> None:
    assert decode_envelope(201, _body(None, {"requestId": "req_1"})) == (
        None,
        {"requestId": "req_1"},
    )


@pytest.mark.parametrize("meta", [None, "x", [1]])
def test_missing_or_odd_meta_is_empty(meta: Any) -> None:
    body = json.dumps({"data": {"id": "x"}} if meta is None else {"data": 1, "meta": meta})
    assert decode_envelope(200, body.encode()).meta == {}


def test_204_and_empty_body_are_none_and_empty_meta() -> None:
    assert decode_envelope(204, b"") == (None, {})
    assert decode_envelope(200, b"") == (None, {})
    assert decode_envelope(202, b"") == (None, {})


_HTML = "<html><head><title>502 Bad Gateway</title></head><body>" + "z" * 500 + "</body></html>"


def test_non_json_success_body_is_invalid_response() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        decode_envelope(200, _HTML.encode(), request_id="req_hdr")
    err = caught.value
    assert (err.status, err.code, err.request_id) == (200, "invalid_response", "req_hdr")
    assert err.message == f"HTTP 200 with a body that isn't JSON: {_HTML[:200]!r}"


def test_undecodable_success_body_is_invalid_response() -> None:
    with pytest.raises(InvalidResponseError):
        decode_envelope(200, b"\xff\xfe{")


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"result": 1}', b'"data"', b"null", b"3"])
def test_json_that_is_not_the_envelope_is_invalid_response(body: bytes) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        decode_envelope(200, body)
    assert caught.value.status == 200
    assert caught.value.message == "HTTP 200 with JSON that isn't the Plugipay envelope"


PAGES: list[tuple[dict[str, Any], PageInfo]] = [
    # documented (seed 004)
    ({"page": {"limit": 20, "hasMore": True, "nextCursor": "cur_a"}}, PageInfo("cur_a", True)),
    ({"page": {"limit": 20, "hasMore": False, "nextCursor": None}}, PageInfo(None, False)),
    # observed (published SDKs)
    ({"cursor": "cur_b", "hasMore": True}, PageInfo("cur_b", True)),
    ({"cursor": None, "hasMore": False}, PageInfo(None, False)),
    # both: the documented shape wins
    (
        {
            "page": {"limit": 20, "hasMore": False, "nextCursor": "cur_a"},
            "cursor": "cur_b",
            "hasMore": True,
        },
        PageInfo("cur_a", False),
    ),
    # documented cursor absent: fall back to the observed one
    ({"page": {"hasMore": True}, "cursor": "cur_b"}, PageInfo("cur_b", True)),
    # hasMore absent means false
    ({"cursor": "cur_b"}, PageInfo("cur_b", False)),
    ({"page": {"nextCursor": "cur_a"}}, PageInfo("cur_a", False)),
    ({}, PageInfo(None, False)),
    ({"requestId": "req_1"}, PageInfo(None, False)),
]


@pytest.mark.parametrize(("meta", "expected"), PAGES, ids=[str(i) for i in range(len(PAGES))])
def test_page_info_reads_both_shapes(meta: dict[str, Any], expected: PageInfo) -> None:
    assert page_info(meta) == expected


@pytest.mark.parametrize(
    "meta",
    [
        {"cursor": 5, "hasMore": True},
        {"cursor": {"id": "x"}},
        {"page": {"nextCursor": 12, "hasMore": True}},
        {"page": {"nextCursor": ["cur"]}},
    ],
)
def test_page_info_non_string_cursor_is_invalid_response(meta: dict[str, Any]) -> None:
    with pytest.raises(InvalidResponseError):
        page_info(meta)


def test_page_info_from_a_decoded_envelope() -> None:
    meta = {
        "requestId": "req_1",
        "page": {"limit": 2, "hasMore": True, "nextCursor": "cur_2"},
        "cursor": "cur_2",
        "hasMore": True,
    }
    envelope = decode_envelope(200, _body([{"id": "a"}, {"id": "b"}], meta))
    assert page_info(envelope.meta) == PageInfo("cur_2", True)


# -- the accepting side at its edges (the Hardening issue, item 12) -------------------------------


def test_a_204_is_empty_whatever_its_body_and_its_neighbours_are_decoded() -> None:
    assert decode_envelope(204, b"not json") == Envelope(None, {})
    body = _body({"id": "cus_1"}, {"requestId": "req_1"})
    for status in (200, 203, 205):
        assert decode_envelope(status, body) == Envelope({"id": "cus_1"}, {"requestId": "req_1"})


def test_a_success_status_carrying_an_error_keeps_what_the_server_said() -> None:
    body = json.dumps(
        {
            "data": None,
            "error": {"code": "NOT_FOUND", "message": "No such customer", "details": {"id": 1}},
            "meta": {"requestId": "req_body"},
        }
    ).encode()
    with pytest.raises(InvalidResponseError) as info:
        decode_envelope(200, body, request_id="req_header")
    err = info.value
    assert (err.status, err.code, err.request_id, err.details) == (
        200,
        "not_found",
        "req_body",
        {"id": 1},
    )
    assert err.message == "HTTP 200 carrying an error: No such customer"


@pytest.mark.parametrize("code", [5, "", None])
def test_a_success_carrying_an_error_with_an_odd_code_is_invalid_response(code: Any) -> None:
    body = json.dumps({"error": {"code": code, "message": 3}, "meta": [1]}).encode()
    with pytest.raises(InvalidResponseError) as info:
        decode_envelope(200, body, request_id="req_header")
    assert (info.value.code, info.value.request_id) == ("invalid_response", "req_header")
    assert info.value.message == "HTTP 200 carrying an error: ?"


def test_the_snippet_of_a_non_json_body_holds_200_four_byte_characters() -> None:
    body = ("😀" * 300).encode()
    with pytest.raises(InvalidResponseError) as info:
        decode_envelope(200, body)
    assert info.value.message == f"HTTP 200 with a body that isn't JSON: {'😀' * 200!r}"


def test_the_error_snippet_holds_200_four_byte_characters() -> None:
    from plugipay._exceptions import error_from_response

    err = error_from_response(502, ("😀" * 300).encode(), {})
    assert err.message == f"HTTP 502 with a body that isn't the Plugipay envelope: {'😀' * 200!r}"
