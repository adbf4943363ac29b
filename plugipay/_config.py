"""Client options: explicit arguments first, then environment variables, then defaults.

Missing credentials, unsafe header values and a plain-http base URL to another machine are
refused here, with a ``ValueError`` that names the option and its environment variable, before
any request exists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ._signing import SigningKey
from ._urls import check_header_value, check_path, is_plain_http_host

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_RETRIES",
    "MODES",
    "ClientConfig",
    "attempt_seconds",
    "check_mode",
    "resolve_config",
]

DEFAULT_BASE_URL = "https://plugipay.com"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_BYTES = 64 * 2**20
"""The largest JSON answer read (after decompression): 64 MiB."""
MAX_RETRIES = 100
"""The most retries a client may make of one call: enough for a rate-limited bulk job, and a
bound, so a typo can't make a call retry forever."""
_ACCOUNT_REF = re.compile(r"[A-Za-z0-9_-]{1,255}")

ENV_KEY_ID = "PLUGIPAY_KEY_ID"
ENV_SECRET = "PLUGIPAY_SECRET"
ENV_SECRET_ALT = "PLUGIPAY_KEY_SECRET"
ENV_API_KEY = "PLUGIPAY_API_KEY"
ENV_BASE_URL = "PLUGIPAY_BASE_URL"
ENV_ON_BEHALF_OF = "PLUGIPAY_ON_BEHALF_OF"


class ClientConfig:
    """Resolved, validated client settings. Immutable; the secret never shows in its repr."""

    __slots__ = (
        "api_key",
        "base_path",
        "base_url",
        "key_id",
        "max_response_bytes",
        "max_retries",
        "mode",
        "on_behalf_of",
        "origin",
        "secret",
        "timeout",
        "total_timeout",
    )

    key_id: str | None
    secret: SigningKey | None
    api_key: str | None
    base_url: str
    origin: str
    base_path: str
    on_behalf_of: str | None
    mode: str | None
    timeout: Any
    max_retries: int
    total_timeout: float | None
    max_response_bytes: int

    def __init__(
        self,
        *,
        key_id: str | None,
        secret: SigningKey | None,
        api_key: str | None,
        base_url: str,
        on_behalf_of: str | None,
        timeout: Any,
        max_retries: int,
        total_timeout: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        mode: str | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "key_id", key_id)
        set_(self, "secret", secret)
        set_(self, "api_key", api_key)
        set_(self, "base_url", base_url)
        origin, base_path = _split_base_url(base_url)
        set_(self, "origin", origin)
        set_(self, "base_path", base_path)
        set_(self, "on_behalf_of", on_behalf_of)
        set_(self, "timeout", timeout)
        set_(self, "max_retries", max_retries)
        set_(self, "total_timeout", total_timeout)
        set_(self, "max_response_bytes", max_response_bytes)
        set_(self, "mode", mode)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("ClientConfig is immutable; use replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("ClientConfig is immutable; use replace()")

    def replace(self, **changes: Any) -> ClientConfig:
        """A copy with some settings changed (validated like the originals)."""
        values = {name: getattr(self, name) for name in _INIT_FIELDS}
        values.update(changes)
        if values["on_behalf_of"] is not None:
            _check_on_behalf_of(values["on_behalf_of"])
        _check_max_retries(values["max_retries"])
        _check_timeout(values["timeout"])
        _check_total_timeout(values["total_timeout"])
        _check_max_response_bytes(values["max_response_bytes"])
        check_mode(values["mode"])
        return ClientConfig(**values)

    def __repr__(self) -> str:
        auth = "api_key" if self.api_key else f"key_id={self.key_id!r}"
        return (
            f"ClientConfig({auth}, base_url={self.base_url!r}, on_behalf_of={self.on_behalf_of!r}, "
            f"timeout={self.timeout!r}, max_retries={self.max_retries}"
            + (f", mode={self.mode!r})" if self.mode is not None else ")")
        )


_INIT_FIELDS = (
    "key_id",
    "secret",
    "api_key",
    "base_url",
    "on_behalf_of",
    "timeout",
    "max_retries",
    "total_timeout",
    "max_response_bytes",
    "mode",
)


def _split_base_url(base_url: str) -> tuple[str, str]:
    # urlsplit silently drops CR, LF and tabs, which would change where requests go.
    check_header_value("base_url", base_url)
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("base_url must be an http(s) URL with a host")
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would show in reprs and make httpx replace our signature.
        raise ValueError("base_url must not carry a user name or password")
    if parts.query or parts.fragment:
        raise ValueError("base_url must not carry a query or a fragment")
    if parts.scheme == "http" and not is_plain_http_host(parts.hostname):
        # Every request carries the key (a Bearer api_key, or a key id and signature).
        raise ValueError(
            f"base_url must use https: http:// would send the API key in clear text to "
            f"{parts.hostname}. Plain http is allowed only for loopback hosts (localhost, "
            f"127.0.0.0/8, ::1), where the emulator's server listens (python -m plugipay.testing "
            f"serve); FakePlugipay().client() needs no network at all"
        )
    path = parts.path.rstrip("/")
    if path:
        check_path(path, "base_url path")
    return f"{parts.scheme}://{parts.netloc}", path


def _check_max_retries(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        raise ValueError(f"max_retries must be an int from 0 to {MAX_RETRIES}, got {value!r}")


def _check_on_behalf_of(value: object) -> None:
    if value == "":
        raise ValueError("on_behalf_of must not be empty; pass None to act for the key's workspace")
    check_header_value("on_behalf_of", value)  # type: ignore[arg-type]
    if not _ACCOUNT_REF.fullmatch(str(value)):
        raise ValueError(
            "on_behalf_of must be a merchant's acc_ or ws_ id (or slug): letters, digits, '_' "
            f"and '-', at most 255 characters, got {value!r}"
        )


MAX_TIMEOUT = 86_400.0
"""The longest timeout taken, a day: past it, clocks and socket timeouts overflow."""


def _check_total_timeout(value: object) -> None:
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_TIMEOUT
    ):
        raise ValueError(
            f"total_timeout must be a number of seconds from 0 to {MAX_TIMEOUT:g}, or None; "
            f"got {value!r}"
        )


MODES = ("live", "test")
"""The values of ``X-Plugipay-Mode``."""


def check_mode(value: object) -> None:
    """The ``mode`` option: ``"live"``, ``"test"`` or ``None`` (the key's own mode). It picks
    the mode a platform key's adapter and settings calls act in (``X-Plugipay-Mode``)."""
    if value is not None and value not in MODES:
        raise ValueError(
            f"mode must be 'live' or 'test' (or None for the key's own mode), got {value!r}"
        )


def _check_max_response_bytes(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_response_bytes must be a positive int, got {value!r}")


def attempt_seconds(timeout: Any) -> float | None:
    """How long one attempt may take from start to the body's last byte: a number of seconds as
    given, or the largest part of an ``httpx.Timeout`` (``None``, unbounded, when a part is)."""
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        return float(timeout)
    parts = [getattr(timeout, name, None) for name in ("connect", "read", "write", "pool")]
    bounded = [float(part) for part in parts if isinstance(part, int | float)]
    # A phase without a limit leaves the attempt without one.
    return max(bounded) if len(bounded) == len(parts) else None


def _check_timeout(value: object) -> None:
    if isinstance(value, bool):
        raise TypeError("timeout must be a number of seconds or an httpx.Timeout, not bool")
    parts: list[object] = (
        [value]
        if isinstance(value, int | float)
        else [getattr(value, name, None) for name in ("connect", "read", "write", "pool")]
    )
    for part in parts:
        if isinstance(part, int | float) and not 0 < part <= MAX_TIMEOUT:
            raise ValueError(
                f"timeout must be a number of seconds from 0 to {MAX_TIMEOUT:g}, got {value!r}"
            )


def _pick(value: str | None, environ: Mapping[str, str], *names: str) -> str | None:
    """The explicit value, else the first set environment variable; empty counts as unset."""
    if value:
        return value
    for name in names:
        found = environ.get(name)
        if found:
            return found
    return None


def resolve_config(
    *,
    key_id: str | None = None,
    secret: str | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    on_behalf_of: str | None = None,
    timeout: Any = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    total_timeout: float | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    mode: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Resolve the client options against the environment and validate them."""
    env = os.environ if environ is None else environ
    if api_key and not (key_id or secret):
        # An explicit dashboard key decides the auth mode: no signing key from the environment.
        key_id = secret = None
    else:
        key_id = _pick(key_id, env, ENV_KEY_ID)
        secret = _pick(secret, env, ENV_SECRET, ENV_SECRET_ALT)
        if not api_key and key_id is None and secret is None:
            api_key = _pick(None, env, ENV_API_KEY)
    # Signing is the default; an api_key alone switches to Bearer auth.
    if key_id is None and secret is None:
        if api_key is None:
            raise ValueError(
                f"key_id is required: pass key_id= or set {ENV_KEY_ID} "
                f"(or use a dashboard key with api_key= / {ENV_API_KEY})"
            )
    elif key_id is None:
        raise ValueError(f"key_id is required with secret: pass key_id= or set {ENV_KEY_ID}")
    elif secret is None:
        raise ValueError(
            f"secret is required with key_id: pass secret= or set {ENV_SECRET} (or {ENV_SECRET_ALT})"
        )
    if key_id is not None:
        check_header_value("key_id", key_id)
        if "," in key_id or " " in key_id:
            raise ValueError("key_id must not contain commas or spaces")
    if api_key is not None:
        check_header_value("api_key", api_key)
    on_behalf_of = _pick(on_behalf_of, env, ENV_ON_BEHALF_OF)
    if on_behalf_of is not None:
        _check_on_behalf_of(on_behalf_of)
    base_url = _pick(base_url, env, ENV_BASE_URL) or DEFAULT_BASE_URL
    _check_max_retries(max_retries)
    _check_timeout(timeout)
    _check_total_timeout(total_timeout)
    _check_max_response_bytes(max_response_bytes)
    check_mode(mode)
    return ClientConfig(
        key_id=key_id,
        secret=SigningKey(secret) if secret is not None else None,
        api_key=api_key,
        base_url=base_url.rstrip("/"),
        on_behalf_of=on_behalf_of,
        timeout=timeout,
        max_retries=max_retries,
        total_timeout=None if total_timeout is None else float(total_timeout),
        max_response_bytes=max_response_bytes,
        mode=mode,
    )
