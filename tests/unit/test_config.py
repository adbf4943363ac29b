"""Client options: explicit arguments, then the environment, then defaults (API.md "Clients")."""

from __future__ import annotations

from typing import Any

import pytest

from plugipay._config import DEFAULT_BASE_URL, ClientConfig, resolve_config
from plugipay._signing import sign_request

KEY_ID = "key_test_01HXKEY"
SECRET = "sk_test_s3cr3t_DO_NOT_SHOW"
API_KEY = "pk_test_dashboard_DO_NOT_SHOW"


def _signs_like(config: ClientConfig, secret: str) -> bool:
    """Whether the config's secret is ``secret`` (compared by what it signs, never by reading it)."""
    assert config.secret is not None
    return sign_request(config.secret, "GET", "/x", 1, b"") == sign_request(
        secret, "GET", "/x", 1, b""
    )


def test_explicit_arguments() -> None:
    config = resolve_config(key_id=KEY_ID, secret=SECRET, environ={})
    assert config.key_id == KEY_ID
    assert _signs_like(config, SECRET)
    assert config.api_key is None
    assert config.base_url == DEFAULT_BASE_URL == "https://plugipay.com"
    assert (config.origin, config.base_path) == ("https://plugipay.com", "")
    assert config.on_behalf_of is None
    assert (config.timeout, config.max_retries) == (30.0, 2)


def test_environment_names() -> None:
    env = {
        "PLUGIPAY_KEY_ID": "key_env",
        "PLUGIPAY_SECRET": "sk_env",
        "PLUGIPAY_BASE_URL": "http://127.0.0.1:8787",
        "PLUGIPAY_ON_BEHALF_OF": "acc_01HXENV",
    }
    config = resolve_config(environ=env)
    assert config.key_id == "key_env"
    assert _signs_like(config, "sk_env")
    assert config.base_url == "http://127.0.0.1:8787"
    assert config.on_behalf_of == "acc_01HXENV"


def test_secret_env_prefers_plugipay_secret_over_key_secret() -> None:
    both = {"PLUGIPAY_KEY_ID": "k", "PLUGIPAY_SECRET": "first", "PLUGIPAY_KEY_SECRET": "second"}
    assert _signs_like(resolve_config(environ=both), "first")
    alt = {"PLUGIPAY_KEY_ID": "k", "PLUGIPAY_KEY_SECRET": "second"}
    assert _signs_like(resolve_config(environ=alt), "second")


def test_api_key_from_environment() -> None:
    config = resolve_config(environ={"PLUGIPAY_API_KEY": API_KEY})
    assert config.api_key == API_KEY
    assert (config.key_id, config.secret) == (None, None)


def test_explicit_arguments_beat_the_environment() -> None:
    env = {
        "PLUGIPAY_KEY_ID": "key_env",
        "PLUGIPAY_SECRET": "sk_env",
        "PLUGIPAY_KEY_SECRET": "sk_env_alt",
        "PLUGIPAY_API_KEY": "pk_env",
        "PLUGIPAY_BASE_URL": "http://env.invalid",
        "PLUGIPAY_ON_BEHALF_OF": "acc_env",
    }
    config = resolve_config(
        key_id="key_arg",
        secret="sk_arg",
        api_key="pk_arg",
        base_url="https://arg.example",
        on_behalf_of="acc_arg",
        environ=env,
    )
    assert config.key_id == "key_arg"
    assert _signs_like(config, "sk_arg")
    assert config.api_key == "pk_arg"
    assert config.base_url == "https://arg.example"
    assert config.on_behalf_of == "acc_arg"


def test_empty_environment_values_are_ignored() -> None:
    env = {"PLUGIPAY_KEY_ID": "", "PLUGIPAY_SECRET": "", "PLUGIPAY_KEY_SECRET": "sk_alt"}
    with pytest.raises(ValueError, match="PLUGIPAY_KEY_ID"):
        resolve_config(environ=env)
    config = resolve_config(key_id="k", environ=env)
    assert _signs_like(config, "sk_alt")


def test_missing_everything_names_option_and_env_variable() -> None:
    with pytest.raises(ValueError) as caught:
        resolve_config(environ={})
    message = str(caught.value)
    assert "key_id" in message
    assert "PLUGIPAY_KEY_ID" in message


def test_missing_secret_names_option_and_env_variable() -> None:
    with pytest.raises(ValueError) as caught:
        resolve_config(key_id=KEY_ID, environ={})
    message = str(caught.value)
    assert "secret" in message
    assert "PLUGIPAY_SECRET" in message


def test_missing_key_id_names_option_and_env_variable() -> None:
    with pytest.raises(ValueError) as caught:
        resolve_config(secret=SECRET, environ={"PLUGIPAY_SECRET": "x"})
    message = str(caught.value)
    assert "key_id" in message
    assert "PLUGIPAY_KEY_ID" in message
    assert SECRET not in message


@pytest.mark.parametrize(
    ("kwargs", "option", "env_name"),
    [
        ({"key_id": "", "secret": SECRET}, "key_id", "PLUGIPAY_KEY_ID"),
        ({"key_id": KEY_ID, "secret": ""}, "secret", "PLUGIPAY_SECRET"),
        ({"api_key": ""}, "api_key", "PLUGIPAY_API_KEY"),
    ],
    ids=["key_id", "secret", "api_key"],
)
def test_empty_credentials_are_missing_credentials(
    kwargs: dict[str, Any], option: str, env_name: str
) -> None:
    with pytest.raises(ValueError) as caught:
        resolve_config(environ={}, **kwargs)
    message = str(caught.value)
    assert option in message
    assert env_name in message


@pytest.mark.parametrize("key_id", ["key\r\nX-Evil: 1", "key\n", "key\x00", "k,ey", "k ey"])
def test_unsafe_key_id_is_refused(key_id: str) -> None:
    with pytest.raises(ValueError, match="key_id"):
        resolve_config(key_id=key_id, secret=SECRET, environ={})


@pytest.mark.parametrize("value", ["acc_1\nX-Evil: 1", "acc_1\r\n", "acc\x7f"])
def test_unsafe_on_behalf_of_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="on_behalf_of"):
        resolve_config(key_id=KEY_ID, secret=SECRET, on_behalf_of=value, environ={})
    with pytest.raises(ValueError, match="on_behalf_of"):
        resolve_config(key_id=KEY_ID, secret=SECRET, environ={"PLUGIPAY_ON_BEHALF_OF": value})


def test_unsafe_api_key_is_refused_without_echoing_it() -> None:
    for api_key in ["pk_test_s3cr3t\r\n", "pk_test_sécret"]:
        with pytest.raises(ValueError, match="api_key") as caught:
            resolve_config(api_key=api_key, environ={})
        assert "s3cr3t" not in str(caught.value)
        assert "sécret" not in str(caught.value)


@pytest.mark.parametrize(
    "base_url",
    [
        "plugipay.com",
        "ftp://plugipay.com",
        "https://",
        "https://plugipay.com/api?x=1",
        "https://plugipay.com/#frag",
        "//plugipay.com",
    ],
)
def test_bad_base_url_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        resolve_config(key_id=KEY_ID, secret=SECRET, base_url=base_url, environ={})


@pytest.mark.parametrize(
    ("base_url", "origin", "base_path"),
    [
        ("https://plugipay.com", "https://plugipay.com", ""),
        ("https://plugipay.com/", "https://plugipay.com", ""),
        ("http://127.0.0.1:8787", "http://127.0.0.1:8787", ""),
        ("https://gw.example/plugipay", "https://gw.example", "/plugipay"),
        ("https://gw.example/plugipay/", "https://gw.example", "/plugipay"),
        ("https://gw.example/a/b//", "https://gw.example", "/a/b"),
    ],
)
def test_base_url_prefix_is_split(base_url: str, origin: str, base_path: str) -> None:
    config = resolve_config(key_id=KEY_ID, secret=SECRET, base_url=base_url, environ={})
    assert (config.origin, config.base_path) == (origin, base_path)
    assert config.base_url == origin + base_path


@pytest.mark.parametrize("max_retries", [-1, 1.5, True, "2"])
def test_bad_max_retries_is_refused(max_retries: object) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        resolve_config(key_id=KEY_ID, secret=SECRET, max_retries=max_retries, environ={})  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [0, -1, 0.0])
def test_bad_timeout_is_refused(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        resolve_config(key_id=KEY_ID, secret=SECRET, timeout=timeout, environ={})


def test_repr_never_shows_the_secret_or_api_key() -> None:
    signed = resolve_config(key_id=KEY_ID, secret=SECRET, on_behalf_of="acc_1", environ={})
    bearer = resolve_config(api_key=API_KEY, environ={})
    both = resolve_config(key_id=KEY_ID, secret=SECRET, api_key=API_KEY, environ={})
    for config in (signed, bearer, both):
        for text in (repr(config), str(config)):
            assert "DO_NOT_SHOW" not in text
    assert repr(signed) == (
        "ClientConfig(key_id='key_test_01HXKEY', base_url='https://plugipay.com', "
        "on_behalf_of='acc_1', timeout=30.0, max_retries=2)"
    )
    assert "DO_NOT_SHOW" not in repr(signed.secret)


def test_config_is_immutable() -> None:
    config = resolve_config(key_id=KEY_ID, secret=SECRET, environ={})
    with pytest.raises(AttributeError):
        config.on_behalf_of = "acc_other"
    with pytest.raises(AttributeError):
        config.new_field = 1
    with pytest.raises(AttributeError):
        del config.secret
    assert config.key_id == KEY_ID
    assert config.secret is not None


def test_replace_returns_a_changed_copy() -> None:
    config = resolve_config(key_id=KEY_ID, secret=SECRET, environ={})
    clone = config.replace(on_behalf_of="acc_m", timeout=5.0, max_retries=0)
    assert (clone.on_behalf_of, clone.timeout, clone.max_retries) == ("acc_m", 5.0, 0)
    assert clone.key_id == KEY_ID
    assert _signs_like(clone, SECRET)
    assert (config.on_behalf_of, config.timeout, config.max_retries) == (None, 30.0, 2)
    assert clone.replace(on_behalf_of=None).on_behalf_of is None


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"on_behalf_of": "acc\r\nX-Evil: 1"}, "on_behalf_of"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -5.0}, "timeout"),
    ],
    ids=[
        "on_behalf_of",
        "max_retries-negative",
        "max_retries-bool",
        "base_url",
        "timeout-0",
        "timeout-negative",
    ],
)
def test_replace_validates(changes: dict[str, object], option: str) -> None:
    config = resolve_config(key_id=KEY_ID, secret=SECRET, environ={})
    with pytest.raises(ValueError, match=option):
        config.replace(**changes)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://203.0.113.5",
        "http://plugipay.com",
        "http://10.0.0.7:8787",
        "http://[::2]",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://plugipay.test.example.com",
        "http://testing",
        # A .test name is reserved, but a hosts file or a resolver can still point it anywhere.
        "http://plugipay.test",
        "http://api.plugipay.test/prefix",
    ],
)
def test_plain_http_to_another_machine_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match=r"^base_url must use https: http:// would send") as info:
        resolve_config(api_key="pk_live_abc", base_url=base_url, environ={})
    message = str(info.value)
    assert "loopback" in message and "python -m plugipay.testing serve" in message
    assert ".test" in message


def test_plain_http_from_the_environment_is_refused_too() -> None:
    with pytest.raises(ValueError, match="must use https"):
        resolve_config(api_key="pk_live_abc", environ={"PLUGIPAY_BASE_URL": "http://203.0.113.5"})


@pytest.mark.parametrize(
    "base_url",
    [
        "http://localhost:8787",
        "http://LOCALHOST.",
        "http://127.0.0.1",
        "http://127.5.6.7:9",
        "http://[::1]:8787",
        "https://plugipay.test",
        "https://203.0.113.5",
    ],
)
def test_plain_http_to_loopback_or_https_anywhere_is_allowed(base_url: str) -> None:
    config = resolve_config(api_key="pk_live_abc", base_url=base_url, environ={})
    assert config.base_url == base_url


@pytest.mark.parametrize("max_retries", [101, 10**9])
def test_max_retries_past_the_cap_is_refused(max_retries: int) -> None:
    with pytest.raises(ValueError, match="max_retries must be an int from 0 to 100, got"):
        resolve_config(key_id=KEY_ID, secret=SECRET, max_retries=max_retries, environ={})


@pytest.mark.parametrize("max_retries", [0, 100])
def test_max_retries_at_the_bounds_is_taken(max_retries: int) -> None:
    config = resolve_config(key_id=KEY_ID, secret=SECRET, max_retries=max_retries, environ={})
    assert config.max_retries == max_retries


@pytest.mark.parametrize("value", ["acc 1", "acc_1/..", "acc_1?x=1", "ws_1#", "a" * 256])
def test_on_behalf_of_that_is_no_account_reference_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="on_behalf_of must be a merchant's acc_ or ws_ id"):
        resolve_config(key_id=KEY_ID, secret=SECRET, on_behalf_of=value, environ={})


@pytest.mark.parametrize("value", ["acc_01HXMERCHANT", "ws_01HX", "toko-budi", "a" * 255])
def test_account_references_are_taken_for_on_behalf_of(value: str) -> None:
    config = resolve_config(key_id=KEY_ID, secret=SECRET, on_behalf_of=value, environ={})
    assert config.on_behalf_of == value


def test_an_attempt_is_bounded_by_a_number_or_by_the_largest_part_of_a_timeout() -> None:
    import httpx

    from plugipay._config import attempt_seconds

    assert attempt_seconds(2.5) == 2.5
    assert attempt_seconds(httpx.Timeout(5.0, connect=2.0)) == 5.0
    assert attempt_seconds(httpx.Timeout(5.0, read=12.0)) == 12.0
    # A phase without a limit leaves the attempt without one.
    assert attempt_seconds(httpx.Timeout(5.0, read=None)) is None
    assert attempt_seconds(httpx.Timeout(None)) is None
