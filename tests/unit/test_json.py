"""Canonical JSON: byte-for-byte what JavaScript's ``JSON.stringify`` writes (SPEC §2)."""

from __future__ import annotations

import datetime
import decimal
import json
import math
import os
import select
import shutil
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugipay._json import MAX_SAFE_INTEGER, canonical_body, canonical_json, js_number

NODE = shutil.which("node")
# Skipped only on a developer machine without node; in CI (CI=true) a missing node fails the run,
# so the oracle check can never silently stop running.
needs_node = pytest.mark.skipif(
    NODE is None and os.environ.get("CI") != "true", reason="node is not on the PATH"
)

# -- numbers -------------------------------------------------------------------------------------

JS_NUMBERS: list[tuple[int | float, str]] = [
    (1.0, "1"),
    (-1.0, "-1"),
    (0.0, "0"),
    (-0.0, "0"),
    (0, "0"),
    (100.0, "100"),
    (0.5, "0.5"),
    (1e-7, "1e-7"),
    (-1e-7, "-1e-7"),
    (1.5e-7, "1.5e-7"),
    (1e-6, "0.000001"),
    (0.00001, "0.00001"),
    (1.23e-18, "1.23e-18"),
    (4.35e-10, "4.35e-10"),
    (1e20, "100000000000000000000"),
    (1e21, "1e+21"),
    (-1e21, "-1e+21"),
    (1.5e300, "1.5e+300"),
    (123.456, "123.456"),
    (-123.456, "-123.456"),
    (5e-324, "5e-324"),
    (2.2250738585072014e-308, "2.2250738585072014e-308"),
    (sys.float_info.max, "1.7976931348623157e+308"),
    (-sys.float_info.max, "-1.7976931348623157e+308"),
    (0.1 + 0.2, "0.30000000000000004"),
    (1e15 + 0.5, "1000000000000000.5"),
    (2.0**53, "9007199254740992"),
    # Integer-valued floats beyond 2**53: JavaScript writes the shortest round-trip digits
    # padded with zeros, not the exact binary value.
    (2.0**60, "1152921504606847000"),
    (1.2345678901234567e20, "123456789012345670000"),
    (2**53 - 1, "9007199254740991"),
    (-(2**53 - 1), "-9007199254740991"),
    (-42, "-42"),
]


@pytest.mark.parametrize(("value", "expected"), JS_NUMBERS, ids=[e for _, e in JS_NUMBERS])
def test_js_number_formats_like_javascript(value: int | float, expected: str) -> None:
    assert js_number(value) == expected
    assert canonical_json([value]) == f"[{expected}]"


@pytest.mark.parametrize("value", [2**53, -(2**53), 2**63, -(2**64), 123456789012345678901])
def test_integers_beyond_the_safe_range_are_refused(value: int) -> None:
    with pytest.raises(ValueError, match=r"2\*\*53"):
        js_number(value)
    with pytest.raises(ValueError):
        canonical_json({"amount": value})


def test_max_safe_integer_is_2_pow_53_minus_1() -> None:
    assert MAX_SAFE_INTEGER == 2**53 - 1
    assert canonical_json({"n": MAX_SAFE_INTEGER}) == '{"n":9007199254740991}'


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(value: float) -> None:
    with pytest.raises(ValueError):
        js_number(value)
    with pytest.raises(ValueError):
        canonical_json(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_deep_inside(value: float) -> None:
    with pytest.raises(ValueError):
        canonical_json({"a": [1, {"b": [2, {"c": value}]}]})
    with pytest.raises(ValueError):
        canonical_json([[[[value]]]])
    with pytest.raises(ValueError):
        canonical_body({"metadata": {"x": [value]}})


def test_bool_is_not_a_number() -> None:
    with pytest.raises(TypeError):
        js_number(True)
    assert canonical_json([True, False, None]) == "[true,false,null]"


# -- strings -------------------------------------------------------------------------------------

_SHORT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}


@pytest.mark.parametrize("code", range(0x20), ids=[f"U+{c:04X}" for c in range(0x20)])
def test_control_characters_are_escaped_like_javascript(code: int) -> None:
    expected = _SHORT_ESCAPES.get(code, f"\\u{code:04x}")
    assert canonical_json(chr(code)) == f'"{expected}"'


def test_control_escapes_use_lower_case_hex() -> None:
    assert canonical_json("\x1a\x1b\x1f\x0b\x0e") == '"\\u001a\\u001b\\u001f\\u000b\\u000e"'


def test_quote_and_backslash_are_escaped_and_slash_is_not() -> None:
    assert canonical_json('a"b\\c/d') == '"a\\"b\\\\c/d"'


@pytest.mark.parametrize(
    "text",
    ["\u2028", "\u2029", "\x7f", "\x80", "é", "zoë", "Ünïcødé", "日本語", "😀", "\ufeff", "\uffff"],
)
def test_non_ascii_and_del_are_written_as_themselves(text: str) -> None:
    assert canonical_json(text) == f'"{text}"'
    assert canonical_body({"name": text}) == f'{{"name":"{text}"}}'.encode()


@pytest.mark.parametrize("text", ["\ud800", "\udfff", "a\udc00b", "\ud83d\ude00"])
def test_lone_surrogates_in_values_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="surrogate"):
        canonical_json(text)
    with pytest.raises(ValueError, match="surrogate"):
        canonical_json({"a": [{"b": text}]})


@pytest.mark.parametrize("key", ["\ud800", "x\udfff"])
def test_lone_surrogates_in_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="surrogate"):
        canonical_json({key: 1})
    with pytest.raises(ValueError, match="surrogate"):
        canonical_body({"metadata": {key: "v"}})


# -- types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [1, 1.5, None, True, b"a", ("a",)])
def test_non_str_keys_are_refused(key: object) -> None:
    with pytest.raises(TypeError):
        canonical_json({key: 1})
    with pytest.raises(TypeError):
        canonical_json([{"ok": {key: 1}}])


@pytest.mark.parametrize(
    "value",
    [
        object(),
        b"bytes",
        bytearray(b"x"),
        {1, 2},
        frozenset(),
        decimal.Decimal("1.5"),
        datetime.datetime(2026, 5, 12, tzinfo=datetime.UTC),
        datetime.date(2026, 5, 12),
        1j,
    ],
    ids=lambda v: type(v).__name__,
)
def test_unsupported_types_are_refused(value: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)
    with pytest.raises(TypeError):
        canonical_json({"a": [value]})


def test_compact_separators_and_tuples_as_arrays() -> None:
    value = {"a": [1, 2, (3, "x")], "b": {"c": None}, "d": [], "e": {}}
    assert canonical_json(value) == '{"a":[1,2,[3,"x"]],"b":{"c":null},"d":[],"e":{}}'


# -- key order -----------------------------------------------------------------------------------

KEY_ORDERS: list[tuple[dict[str, int], str]] = [
    ({"b": 1, "a": 2}, '{"b":1,"a":2}'),
    (
        {"b": 1, "10": 2, "2": 3, "0": 4, "a": 5, "1": 6},
        '{"0":4,"1":6,"2":3,"10":2,"b":1,"a":5}',
    ),
    ({"4294967295": 1, "4294967294": 2, "x": 3}, '{"4294967294":2,"4294967295":1,"x":3}'),
    ({"01": 1, "1": 2}, '{"1":2,"01":1}'),
    ({"-1": 1, "0": 2}, '{"0":2,"-1":1}'),
    ({"1.5": 1, "1": 2}, '{"1":2,"1.5":1}'),
    ({"99999999999": 1, "5": 2}, '{"5":2,"99999999999":1}'),
    ({"١": 1, "1": 2}, '{"1":2,"١":1}'),
    ({" 1": 1, "1 ": 2, "1": 3}, '{"1":3," 1":1,"1 ":2}'),
    ({"__proto__": 1, "0": 2}, '{"0":2,"__proto__":1}'),
]


@pytest.mark.parametrize(("value", "expected"), KEY_ORDERS, ids=[e for _, e in KEY_ORDERS])
def test_keys_follow_javascript_property_order(value: dict[str, int], expected: str) -> None:
    assert canonical_json(value) == expected


def test_key_order_applies_to_nested_objects() -> None:
    value = {"z": {"b": 1, "2": 2, "10": 3}, "1": [{"y": 1, "0": 2}]}
    assert canonical_json(value) == '{"1":[{"0":2,"y":1}],"z":{"2":2,"10":3,"b":1}}'


# -- bodies --------------------------------------------------------------------------------------


def test_canonical_body_is_empty_for_none_and_empty_object() -> None:
    assert canonical_body(None) == b""
    assert canonical_body({}) == b""
    assert canonical_body(None) == canonical_body({})


def test_canonical_body_is_utf8_of_canonical_json() -> None:
    body = {"name": "Zoë 😀", "10": 1, "2": {"x": None}}
    assert canonical_body(body) == '{"2":{"x":null},"10":1,"name":"Zoë 😀"}'.encode()


# -- against node --------------------------------------------------------------------------------

_INDEX_LIKE_KEYS = st.sampled_from(
    ["0", "1", "2", "10", "01", "-1", "1.5", "4294967294", "4294967295", "__proto__", ""]
)
_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
_KEYS = st.one_of(_TEXT, _INDEX_LIKE_KEYS, st.integers(0, 2**32 + 5).map(str))
_FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e-300, max_value=1e-300, allow_nan=False),
    st.floats(min_value=1e-8, max_value=1e-5),
    st.floats(min_value=1e15, max_value=1e25),
    # Integer-valued floats beyond 2**53, which JavaScript writes with trailing zeros.
    st.integers(2**53, 10**21).map(float),
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    _FLOATS,
    _TEXT,
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(_KEYS, children, max_size=6)
    ),
    max_leaves=12,
)


class NodeOracle:
    """One long-lived ``node`` process that answers one line for each line it is fed.

    ``expression`` is JavaScript computing a string from the input line ``l``; the answer comes
    back JSON-encoded, so it is always one line.
    """

    def __init__(self, expression: str) -> None:
        assert NODE is not None
        script = (
            "const rl = require('readline').createInterface({input: process.stdin});"
            f"rl.on('line', (l) => {{ process.stdout.write(JSON.stringify({expression}) + '\\n'); }});"
        )
        self._proc = subprocess.Popen(
            [NODE, "-e", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def __call__(self, line: str) -> str:
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(line.encode("utf-8") + b"\n")
        proc.stdin.flush()
        # Bounded wait: a node that stops answering fails the test instead of hanging it.
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, f"node did not answer for {line!r}"
        answer = proc.stdout.readline()
        assert answer, f"node exited (status {proc.poll()}) on {line!r}"
        result: str = json.loads(answer.decode("utf-8"))
        return result

    def __enter__(self) -> NodeOracle:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        assert self._proc.stdout is not None
        self._proc.stdout.close()


@needs_node
def test_canonical_json_matches_node() -> None:
    with NodeOracle("JSON.stringify(JSON.parse(l))") as node:

        @settings(max_examples=500, deadline=None, database=None)
        @given(JSON_VALUES)
        def agrees(value: Any) -> None:
            text = json.dumps(value, ensure_ascii=True)
            assert canonical_json(json.loads(text)) == node(text)

        agrees()


@needs_node
def test_js_number_matches_node_on_generated_numbers() -> None:
    with NodeOracle("String(JSON.parse(l))") as node:

        @settings(max_examples=500, deadline=None, database=None)
        @given(st.one_of(_FLOATS, st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)))
        def agrees(value: int | float) -> None:
            assert js_number(value) == node(json.dumps(value))

        agrees()


_EDGE_FLOATS: list[float] = sorted(
    {
        *(2.0**e for e in range(-1074, 1024)),
        *(10.0**e for e in range(-323, 309)),
        *(1.2345678901234567 * 10.0**e for e in range(-300, 300)),
        *(-(3.0**e) for e in range(-400, 600, 7)),
        5e-324,
        sys.float_info.max,
        sys.float_info.min,
        1e21,
        1e-7,
        1e-6,
        0.1 + 0.2,
        -0.0,
    }
)


@needs_node
def test_js_number_matches_node_on_edge_floats() -> None:
    assert NODE is not None
    # One node process for the whole batch: a JSON array in, the array of String(x) out.
    script = (
        "const xs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(xs.map((x) => String(x))));"
    )
    done = subprocess.run(
        [NODE, "-e", script],
        input=json.dumps(_EDGE_FLOATS).encode(),
        capture_output=True,
        timeout=60,
        check=True,
    )
    expected: list[str] = json.loads(done.stdout)
    mismatches = [
        (x, js_number(x), e)
        for x, e in zip(_EDGE_FLOATS, expected, strict=True)
        if js_number(x) != e
    ]
    assert mismatches == []


@settings(max_examples=200, deadline=None, database=None)
@given(JSON_VALUES)
def test_canonical_json_parses_back_to_the_same_value(value: Any) -> None:
    # parse_int=float: a JavaScript number is a double, whatever digits it is written with.
    assert json.loads(canonical_json(value), parse_int=float) == value
