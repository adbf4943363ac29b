"""Field rules for request bodies (SPEC §7), reported field by field.

Every rule returns a problem ``(code, message)`` or ``None``; ``check_fields`` runs a rule table
over a body and raises one 400 ``VALIDATION_ERROR`` listing every problem (see ``_wire`` for the
shape of ``details``). Lengths count UTF-16 code units, as the JavaScript server does.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from ._wire import ApiError, FieldProblem

__all__ = [
    "Rule",
    "bool_rule",
    "check_fields",
    "color_rule",
    "email_rule",
    "image_url_rule",
    "js_len",
    "secret_rule",
    "string_rule",
    "validation_error",
]

Problem = tuple[str, str]
Rule = Callable[[str, object], Problem | None]
"""``rule(field_name, value)`` → ``(code, message)`` or ``None`` when the value is fine."""

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_LABEL}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_AREA_CITY = re.compile(r"[A-Z][A-Za-z]+(?:/[A-Za-z0-9][A-Za-z0-9_+-]*)+")
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_FILE_URL = re.compile(r"(?:/[^/?#]+)*/api/v1/files/[^/?#]+")


def js_len(text: str) -> int:
    """Length as JavaScript counts it (UTF-16 code units)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def string_rule(low: int, high: int, *, prefix: str | None = None) -> Rule:
    """A string of ``low``–``high`` characters, optionally starting with ``prefix``."""

    def rule(name: str, value: object) -> Problem | None:
        if not isinstance(value, str):
            return "invalid", f"{name} must be a string"
        size = js_len(value)
        if size < low:
            return "too_short", f"{name} must be at least {low} character{'s' * (low != 1)}"
        if size > high:
            return "too_long", f"{name} must be at most {high} characters"
        if prefix is not None and not value.startswith(prefix):
            return "invalid", f"{name} must start with {prefix!r}"
        return None

    return rule


def bool_rule(name: str, value: object) -> Problem | None:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        return "invalid", f"{name} must be true or false"
    return None


def color_rule(name: str, value: object) -> Problem | None:
    """A colour written ``#RRGGBB`` (hex digits in either case)."""
    if not isinstance(value, str) or not _COLOR.fullmatch(value):
        return "invalid", f"{name} must be a colour written #RRGGBB"
    return None


def image_url_rule(name: str, value: object) -> Problem | None:
    """An absolute http(s) URL, or the ``…/api/v1/files/<name>`` path an upload answered; at
    most 2048 characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= 2048:
        return "invalid", f"{name} must be a URL of at most 2048 characters"
    if _FILE_URL.fullmatch(value):
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "invalid", f"{name} must be an absolute http(s) URL or an uploaded file's url"
    return None


def secret_rule(name: str, value: object) -> Problem | None:
    """A credential of 8-1024 characters without whitespace (a key pasted with a line break is
    refused). Its problems never quote the value."""
    if not isinstance(value, str):
        return "invalid", f"{name} must be a string"
    if not 8 <= len(value) <= 1024:
        return "invalid", f"{name} must be 8-1024 characters long"
    if any(c.isspace() for c in value):
        return "invalid", f"{name} must not contain spaces or line breaks"
    return None


def email_rule(name: str, value: object) -> Problem | None:
    """An address of RFC 5321 shape (ASCII local part and domain), at most 320 characters."""
    if not isinstance(value, str):
        return "invalid", f"{name} must be a string"
    if len(value) > 320:
        return "too_long", f"{name} must be at most 320 characters"
    local, _, domain = value.rpartition("@")
    if (
        not _EMAIL.fullmatch(value)
        or len(local) > 64
        or len(domain) > 255
        or not domain.rsplit(".", 1)[-1].isalpha()
    ):
        return "invalid", f"{name} must be a valid email address"
    return None


def enum_rule(*allowed: str) -> Rule:
    """One of the ``allowed`` strings."""
    listed = ", ".join(allowed)

    def rule(name: str, value: object) -> Problem | None:
        if value not in allowed or not isinstance(value, str):
            return "invalid", f"{name} must be one of: {listed}"
        return None

    return rule


def currency_rule(name: str, value: object) -> Problem | None:
    """An ISO 4217 code: three upper-case letters."""
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        return "invalid", f"{name} must be an ISO 4217 code of three upper-case letters"
    return None


@functools.cache
def _zone_names() -> frozenset[str]:
    """The host's IANA zone names (``zoneinfo.available_timezones()`` scans files: once)."""
    return frozenset(zoneinfo.available_timezones())


def timezone_rule(name: str, value: object) -> Problem | None:
    """An IANA time zone name the host's tz database lists (not helper files such as
    ``posixrules``). On a host without a tz database, any ``Area/City``-shaped name (or
    ``UTC``) passes rather than every name failing."""
    if isinstance(value, str):
        known = _zone_names()
        shaped = value == "UTC" or _AREA_CITY.fullmatch(value) is not None
        if (value in known) if known else shaped:
            return None
    return "invalid", f"{name} must be an IANA time zone such as Asia/Jakarta"


def slug_rule(name: str, value: object) -> Problem | None:
    """Lower-case letters and digits in runs joined by single hyphens, 1–63 characters."""
    if not isinstance(value, str) or len(value) > 63 or not _SLUG.fullmatch(value):
        return (
            "invalid",
            f"{name} must be 1-63 lower-case letters, digits and single hyphens, "
            "not starting or ending with a hyphen",
        )
    return None


def rate_rule(name: str, value: object) -> Problem | None:
    """A number from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return "invalid", f"{name} must be a number from 0 to 1"
    return None


def metadata_rule(name: str, value: object) -> Problem | None:
    """At most 50 string → string entries, keys 1–40 characters, values at most 500."""
    if not isinstance(value, dict):
        return "invalid", f"{name} must be an object of string keys and string values"
    if len(value) > 50:
        return "too_many", f"{name} may hold at most 50 entries, got {len(value)}"
    for key, item in value.items():
        if not 1 <= js_len(key) <= 40:
            return "invalid", f"{name} keys must be 1-40 characters, got {key!r}"
        if not isinstance(item, str):
            return "invalid", f"{name}.{key} must be a string"
        if js_len(item) > 500:
            return "too_long", f"{name}.{key} must be at most 500 characters"
    return None


def validation_error(problems: Sequence[FieldProblem]) -> ApiError:
    """One 400 ``VALIDATION_ERROR`` naming every problem."""
    message = "; ".join(p["message"] for p in problems)
    return ApiError(400, "VALIDATION_ERROR", message, details=problems)


def problem(field: str, code: str, message: str) -> FieldProblem:
    """One ``details`` entry."""
    return {"field": field, "code": code, "message": message}


def check_fields(
    body: Mapping[str, object],
    rules: Mapping[str, Rule],
    *,
    nullable: frozenset[str] = frozenset(),
    required: Sequence[str] = (),
    read_only: frozenset[str] = frozenset(),
    not_patchable: frozenset[str] = frozenset(),
) -> None:
    """Check ``body`` against ``rules``; raise a ``VALIDATION_ERROR`` listing every problem."""
    problems: list[FieldProblem] = []
    for name in required:
        if body.get(name) is None:
            problems.append(problem(name, "required", f"{name} is required"))
    for name, value in body.items():
        rule = rules.get(name)
        if rule is None:
            if name in read_only:
                problems.append(problem(name, "read_only", f"{name} is set by the server"))
            elif name in not_patchable:
                problems.append(problem(name, "not_patchable", f"{name} can't be changed here"))
            else:
                problems.append(problem(name, "unknown_field", f"{name} is not a known field"))
            continue
        if value is None:
            if name not in nullable and name not in required:
                problems.append(problem(name, "invalid", f"{name} can't be null"))
            continue
        found = rule(name, value)
        if found is not None:
            problems.append(problem(name, *found))
    if problems:
        raise validation_error(problems)


def require_object(body: object) -> dict[str, object]:
    """The body as a JSON object (``{}`` when absent); 400 for arrays, strings, numbers."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "VALIDATION_ERROR", "The request body must be a JSON object")
    return body
