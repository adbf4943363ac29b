"""The emulator's fast canonical re-serialization agrees with ``canonical_json`` on every body."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay._json import canonical_json
from plugipay.testing._auth import parse_body

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6) | st.integers(0, 30).map(str), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(json_values, st.booleans())
def test_parse_body_matches_canonical_json(value: object, pretty: bool) -> None:
    raw = json.dumps(value, indent=1 if pretty else None, ensure_ascii=pretty).encode()
    _parsed, canonical = parse_body(raw)
    reparsed = json.loads(raw, parse_int=lambda t: int(t) if abs(int(t)) < 2**53 else float(t))
    expected = b"" if reparsed == {} else canonical_json(reparsed).encode()
    assert canonical == expected


def test_examples_that_take_the_slow_path() -> None:
    assert parse_body(b'{"b":1,"1":2.50,"a":[1e21,1e-7,-0.0]}')[1] == (
        b'{"1":2.5,"b":1,"a":[1e+21,1e-7,0]}'
    )
    assert parse_body(b'{"n":123456789012345678901}')[1] == b'{"n":123456789012345680000}'
    assert parse_body(b'{"s":"\\u00e9\\n"}')[1] == '{"s":"é\\n"}'.encode()
    assert parse_body(b" { } ") == ({}, b"")
