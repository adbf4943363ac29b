"""Path segments, query strings and header values, encoded exactly as signed (SPEC §2)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay._urls import check_header_value, encode_query, format_datetime, quote_segment

# -- path segments -------------------------------------------------------------------------------

SEGMENTS = [
    ("cus_01HXAB7K3M9N2P5QRS8TVWXY3Z", "cus_01HXAB7K3M9N2P5QRS8TVWXY3Z"),
    ("AZaz09-._~", "AZaz09-._~"),
    ("...", "..."),
    ("a@b", "a%40b"),
    ("a b", "a%20b"),
    ("a+b", "a%2Bb"),
    ("acc/../x", "acc%2F..%2Fx"),
    ("100%", "100%25"),
    ("%2F", "%252F"),
    ("a?b", "a%3Fb"),
    ("a#b", "a%23b"),
    ("a:b;c=d&e,f", "a%3Ab%3Bc%3Dd%26e%2Cf"),
    ("back\\slash", "back%5Cslash"),
    ("zoë", "zo%C3%AB"),
    ("😀", "%F0%9F%98%80"),
    ("日本", "%E6%97%A5%E6%9C%AC"),
]


@pytest.mark.parametrize(("value", "expected"), SEGMENTS, ids=[e for _, e in SEGMENTS])
def test_quote_segment_exact(value: str, expected: str) -> None:
    assert quote_segment(value) == expected


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_quote_segment_refuses_path_changing_ids(value: str) -> None:
    with pytest.raises(ValueError, match="customer_id"):
        quote_segment(value, name="customer_id")
    with pytest.raises(ValueError, match=r"^id "):
        quote_segment(value)


@pytest.mark.parametrize("value", [None, 123, b"cus_1", ["cus_1"]])
def test_quote_segment_refuses_non_str(value: object) -> None:
    with pytest.raises(TypeError, match="workspace_id"):
        quote_segment(value, name="workspace_id")


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "\x00", "a\x7f", "\t", "a\x1fb"])
def test_quote_segment_refuses_control_characters(value: str) -> None:
    with pytest.raises(ValueError, match="member_id"):
        quote_segment(value, name="member_id")


# -- query strings -------------------------------------------------------------------------------


def test_encode_query_keeps_declared_order() -> None:
    assert encode_query([("limit", 100), ("email", "alice@example.com")]) == (
        "limit=100&email=alice%40example.com"
    )
    assert encode_query([("b", 1), ("a", 2), ("c", 3)]) == "b=1&a=2&c=3"


def test_encode_query_leaves_out_none() -> None:
    assert encode_query([("a", None), ("b", "x"), ("c", None)]) == "b=x"
    assert encode_query([("a", None)]) == ""
    assert encode_query([]) == ""
    assert encode_query(iter([("cursor", None), ("limit", 5)])) == "limit=5"


def test_encode_query_keeps_empty_strings_and_zero() -> None:
    assert encode_query([("q", ""), ("n", 0), ("m", -5)]) == "q=&n=0&m=-5"


def test_encode_query_booleans() -> None:
    assert encode_query([("archived", True), ("x", False)]) == "archived=true&x=false"


QUERY_VALUES = [
    ("a+b", "a%2Bb"),
    ("a b", "a%20b"),
    ("alice@example.com", "alice%40example.com"),
    ("a&b=c", "a%26b%3Dc"),
    ("zoë", "zo%C3%AB"),
    ("x/y?z#w", "x%2Fy%3Fz%23w"),
    ("AZaz09-._~", "AZaz09-._~"),
    ("100%", "100%25"),
]


@pytest.mark.parametrize(("value", "expected"), QUERY_VALUES, ids=[e for _, e in QUERY_VALUES])
def test_encode_query_values_percent_encoded_upper_hex(value: str, expected: str) -> None:
    assert encode_query([("v", value)]) == f"v={expected}"


def test_encode_query_encodes_names_too() -> None:
    assert encode_query([("a b", "1"), ("c&d", "2")]) == "a%20b=1&c%26d=2"


def test_encode_query_datetimes() -> None:
    aware = dt.datetime(2026, 5, 12, 10, 42, 0, 123456, tzinfo=dt.UTC)
    naive = dt.datetime(2026, 5, 12, 10, 42)
    jakarta = dt.datetime(2026, 5, 12, 17, 42, 0, 5000, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert encode_query([("createdAfter", aware)]) == "createdAfter=2026-05-12T10%3A42%3A00.123Z"
    assert encode_query([("createdAfter", naive)]) == "createdAfter=2026-05-12T10%3A42%3A00.000Z"
    assert encode_query([("createdAfter", jakarta)]) == (
        "createdAfter=2026-05-12T10%3A42%3A00.005Z"
    )


def test_format_datetime() -> None:
    assert format_datetime(dt.datetime(2026, 5, 12, 10, 42, 0, 123000, tzinfo=dt.UTC)) == (
        "2026-05-12T10:42:00.123Z"
    )
    assert format_datetime(dt.datetime(2026, 5, 12, 10, 42)) == "2026-05-12T10:42:00.000Z"
    late = dt.datetime(2026, 5, 12, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert format_datetime(late) == "2026-05-13T04:59:59.999Z"


@pytest.mark.parametrize(
    "value",
    [1.5, b"x", [1], {"a": 1}, object(), dt.date(2026, 5, 12), (1, 2)],
    ids=lambda v: type(v).__name__,
)
def test_encode_query_refuses_unsupported_values(value: object) -> None:
    with pytest.raises(TypeError):
        encode_query([("v", value)])


# -- header values -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["idem_6f1c2a52-9a0e-4c55", "acc_01HX", "a b=c;d", "x" * 300])
def test_check_header_value_returns_safe_values(value: str) -> None:
    assert check_header_value("idempotency_key", value) == value


@pytest.mark.parametrize(
    "value",
    ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\x00", "a\x7f", "\x1b[0m", "tab\there", "zoë", "😀"],
)
def test_check_header_value_refuses_unsafe_values(value: str) -> None:
    with pytest.raises(ValueError, match="on_behalf_of"):
        check_header_value("on_behalf_of", value)


def test_check_header_value_refuses_non_str() -> None:
    with pytest.raises(TypeError, match="key_id"):
        check_header_value("key_id", 123)  # type: ignore[arg-type]


# -- boundaries on both sides (the Hardening issue, items 8, 9 and 12) ---------------------------


def test_an_id_at_the_length_limit_is_quoted_and_one_past_it_refused() -> None:
    from plugipay._urls import MAX_ID_LENGTH

    assert quote_segment("x" * MAX_ID_LENGTH) == "x" * 255
    with pytest.raises(ValueError, match="customer_id must be at most 255 characters, got 256"):
        quote_segment("x" * 256, "customer_id")
    with pytest.raises(ValueError, match="at most 255 characters, got 70000"):
        quote_segment("x" * 70_000)


@pytest.mark.parametrize(
    "path",
    [
        "/./customers",
        "/api/v1/./customers",
        "/api/v1/../admin",
        "/api/v1/%2e%2e/admin",
        "/api/v1/%2E%2e/admin",
        "/api/v1/.%2e/admin",
        "/api/v1/%2e/customers",
    ],
)
def test_check_path_refuses_dot_segments_however_spelt(path: str) -> None:
    from plugipay._urls import check_path

    with pytest.raises(ValueError, match=r"must not have '\.' or '\.\.' segments"):
        check_path(path)


@pytest.mark.parametrize("path", ["//api/v1/customers", "/api//v1/customers", "/api/v1/customers/"])
def test_check_path_refuses_empty_segments(path: str) -> None:
    from plugipay._urls import check_path

    with pytest.raises(ValueError, match="must not have empty segments"):
        check_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers",
        "/api/v1/customers/cus_%2f..%2fx",
        "/api/v1/customers/cus_%2F",
        "/api/v1/customers/...",
        "/api/v1/customers/.hidden",
        "/api/v1/customers/a.b",
        "/api/v1/x/%2e%2e%2e",
    ],
)
def test_check_path_keeps_good_paths_as_written(path: str) -> None:
    from plugipay._urls import check_path

    assert check_path(path) == path


# -- the accepting side (the Hardening issue, item 12) ---------------------------------------------

_WIDE = settings(max_examples=300, deadline=None, database=None, derandomize=True)
_ID_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@given(st.lists(_ID_TEXT.filter(lambda s: s not in (".", "..")), min_size=1, max_size=4))
@_WIDE
def test_check_path_keeps_any_path_built_from_quoted_segments(ids: list[str]) -> None:
    from plugipay._urls import check_path

    path = "/api/v1/" + "/".join(quote_segment(i) for i in ids)
    assert check_path(path) == path


@pytest.mark.parametrize(
    "path",
    [
        "/x/%7e",
        "/x/%7E",
        "/x/a%2fb%3a",
        "/x/%c3%ab",
        "/x/%C3%AB",
        "/x/%2e%2e%2e",
        "/x/~!$&'()*+,;=:@",
        "/x",
        "/x/.a",
        "/x/a..",
    ],
)
def test_check_path_keeps_escapes_in_either_case_and_every_literal_path_character(
    path: str,
) -> None:
    from plugipay._urls import check_path

    assert check_path(path) == path


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/", "empty segments"),
        ("/x//y", "empty segments"),
        ("/x/", "empty segments"),
        ("x/y", "start with '/'"),
        ("", "start with '/'"),
        ("/x/%2", "percent-encoded"),
        ("/x/%zz", "percent-encoded"),
        ("/x/%%41", "percent-encoded"),
        ("/x/a b", "percent-encoded"),
        ("/x/a?b", "percent-encoded"),
        ("/x/é", "percent-encoded"),
        ("/x/..", r"'\.' or '\.\.' segments"),
        ("/x/%2E", r"'\.' or '\.\.' segments"),
        ("/x/.%2E", r"'\.' or '\.\.' segments"),
    ],
)
def test_check_path_refuses_one_character_off(path: str, message: str) -> None:
    from plugipay._urls import check_path

    with pytest.raises(ValueError, match=f"path must.*{message}"):
        check_path(path)
    with pytest.raises(TypeError, match="path must be a str"):
        check_path(b"/x")  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/./customers", "/../customers", "/%2e/customers", "/%2E%2E"])
def test_a_request_path_starting_with_a_dot_segment_is_refused(path: str) -> None:
    from plugipay._config import resolve_config
    from plugipay._request import prepare

    config = resolve_config(key_id="k", secret="s", environ={})
    with pytest.raises(ValueError, match=r"'\.' or '\.\.' segments"):
        prepare(config, "GET", path)


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60))
@_WIDE
def test_check_header_value_keeps_any_printable_ascii(value: str) -> None:
    assert check_header_value("x", value) == value


@given(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=10),
    st.sampled_from([chr(c) for c in [*range(0x20), 0x7F]] + ["é", "\u2028", "😀"]),
)
@_WIDE
def test_check_header_value_refuses_any_control_or_non_ascii_character(
    value: str, bad: str
) -> None:
    with pytest.raises(ValueError, match="x must"):
        check_header_value("x", value + bad)


def test_quote_segment_keeps_the_unreserved_set_and_refuses_one_past_each_edge() -> None:
    assert quote_segment("~") == "~"
    assert quote_segment("x", "member_id") == "x"
    assert quote_segment(" ") == "%20"
    assert quote_segment("\x80") == "%C2%80"
    with pytest.raises(ValueError, match="member_id must not contain control characters"):
        quote_segment("\x1f", "member_id")
    with pytest.raises(ValueError, match="member_id must be a non-empty id"):
        quote_segment("..", "member_id")


@pytest.mark.parametrize(
    ("host", "plain"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("127.0.0.1", True),
        ("127.255.255.254", True),
        ("::1", True),
        # A reserved .test name is not loopback: a hosts file or a resolver may point it anywhere.
        ("plugipay.test", False),
        ("a.b.test.", False),
        ("test", False),
        ("localhost.example", False),
        ("128.0.0.1", False),
        ("10.0.0.1", False),
        ("api.plugipay.com", False),
        ("mytest", False),
    ],
)
def test_is_plain_http_host(host: str, plain: bool) -> None:
    from plugipay._urls import is_plain_http_host

    assert is_plain_http_host(host) is plain


def test_format_datetime_takes_naive_as_utc_and_converts_offsets() -> None:
    naive = dt.datetime(2026, 5, 12, 10, 42, 0, 123456)
    assert format_datetime(naive) == "2026-05-12T10:42:00.123Z"
    plus7 = dt.timezone(dt.timedelta(hours=7))
    assert format_datetime(dt.datetime(2026, 5, 12, 17, 42, tzinfo=plus7)) == (
        "2026-05-12T10:42:00.000Z"
    )
