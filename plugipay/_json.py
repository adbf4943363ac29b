"""Canonical JSON: the exact bytes JavaScript's ``JSON.stringify`` writes (SPEC §2).

The server hashes the re-serialization of the body it parsed, so the SDK must send exactly
that form: compact, UTF-8 with non-ASCII characters as themselves, numbers formatted the way
JavaScript formats them, and object keys in JavaScript's property order (array-index keys first,
ascending, then the rest in insertion order). Values JavaScript cannot represent faithfully
(NaN, ±Infinity, lone surrogates, integers beyond ±(2**53 - 1)) and bodies nested deeper than
``MAX_DEPTH`` objects and arrays are refused with ``ValueError`` before anything is sent. Pure
functions, no I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._secrets import Secret

__all__ = ["MAX_DEPTH", "MAX_SAFE_INTEGER", "canonical_body", "canonical_json", "js_number"]

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64
"""How deep objects and arrays may nest in a body the SDK sends or a webhook it reads."""
_MAX_ARRAY_INDEX = 2**32 - 2

# json's own encoder escapes exactly what JSON.stringify escapes when ensure_ascii is off:
# '"', '\\', \b \f \n \r \t, and every other control character as lower-case \u00xx.
_encode_string: Any = getattr(json.encoder, "c_encode_basestring", None) or (
    json.encoder.py_encode_basestring
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_INDEX_KEY = re.compile(r"0|[1-9][0-9]{0,9}")


def canonical_json(value: object) -> str:
    """Return ``value`` serialized exactly as ``JSON.stringify(JSON.parse(x))`` would."""
    parts: list[str] = []
    _encode(value, parts, 0)
    return "".join(parts)


def canonical_body(body: Mapping[str, object] | None) -> bytes:
    """Return the request body bytes to send and sign: ``b""`` for no body or an empty object."""
    if not body:
        return b""
    return canonical_json(body).encode("utf-8")


def js_number(value: int | float) -> str:
    """Format a number as JavaScript's ``Number.prototype.toString`` does."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return int.__repr__(value)  # not str(): an IntEnum member's str() is its name
        raise ValueError(
            f"integer {value} is beyond ±(2**53 - 1) and JavaScript would round it; send it as a string"
        )
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value!r} cannot be sent in JSON")
    if value == 0:
        return "0"  # covers -0.0, which JavaScript writes as 0
    value = float(value)  # a float subclass (numpy.float64) may repr differently
    if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
        return str(int(value))
    # Beyond 2**53 JavaScript still writes the shortest round-trip digits, padded with zeros
    # (1.152921504606847e18 -> "1152921504606847000"), never the float's exact integer value.
    return _js_float(value)


def _js_float(value: float) -> str:
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip, which is what JavaScript uses too.
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # n: the decimal exponent such that value = 0.<digits> * 10**n
    n = len(whole) + (int(exp_text) if exp_text else 0)
    n -= len(whole + frac) - len((whole + frac).lstrip("0"))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    exponent = n - 1
    exp_part = ("+" if exponent >= 0 else "-") + str(abs(exponent))
    if k == 1:
        return sign + digits + "e" + exp_part
    return sign + digits[0] + "." + digits[1:] + "e" + exp_part


def _encode_str(value: str, parts: list[str]) -> None:
    if _LONE_SURROGATE.search(value):
        raise ValueError("a string holds a lone surrogate, which cannot be sent as UTF-8")
    parts.append(_encode_string(value))


def _ordered_keys(obj: Mapping[Any, object]) -> list[Any]:
    keys = list(obj)
    index_keys = [
        k
        for k in keys
        if isinstance(k, str) and _INDEX_KEY.fullmatch(k) and int(k) <= _MAX_ARRAY_INDEX
    ]
    if not index_keys:
        return keys
    chosen = set(index_keys)
    return sorted(index_keys, key=int) + [k for k in keys if k not in chosen]


def _too_deep() -> ValueError:
    return ValueError(f"the body nests objects and arrays deeper than {MAX_DEPTH} levels")


def _encode(value: object, parts: list[str], depth: int) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        _encode_str(value, parts)
    elif isinstance(value, int | float):
        parts.append(js_number(value))
    elif isinstance(value, Mapping):
        if depth == MAX_DEPTH:
            raise _too_deep()
        parts.append("{")
        first = True
        for key in _ordered_keys(value):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be str, not {type(key).__name__}")
            if not first:
                parts.append(",")
            first = False
            _encode_str(key, parts)
            parts.append(":")
            _encode(value[key], parts, depth + 1)
        parts.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        if depth == MAX_DEPTH:
            raise _too_deep()
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _encode(item, parts, depth + 1)
        parts.append("]")
    elif isinstance(value, Secret):
        # The one place a secret's value is written: into the body bytes.
        _encode_str(value.reveal(), parts)
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
