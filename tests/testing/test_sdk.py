"""The emulator through our own SDK clients, and a strict converter over every payload it emits."""

from __future__ import annotations

import random
import time
import types
from typing import Any

import anyio
import anyio.lowlevel
import attrs
import pytest

from plugipay import (
    AsyncPlugipayClient,
    AuthenticationError,
    ConflictError,
    GoneError,
    NotFoundError,
    PlugipayClient,
    PlugipayError,
    PlugipayTimeoutError,
)
from plugipay._convert import make_converter
from plugipay._models import event_model
from plugipay.models import (
    Customer,
    ManagedOnboardingState,
    ManagedSubAccount,
    PartnerWorkspace,
    WebhookEndpoint,
    WebhookEvent,
)
from plugipay.testing import DropAfterCommit, FakeClock, FakePlugipay, Latency, StatusFault

from .conftest import START


async def no_sleep(seconds: float) -> None:
    """Backoff without waiting: a checkpoint, so other tasks run."""
    await anyio.lowlevel.checkpoint()


def test_sync_client_round_trip(
    plugipay_client: PlugipayClient, plugipay_fake: FakePlugipay
) -> None:
    plug = plugipay_client
    made = plug.customers.create(
        email="ada@example.com", name="Ada", external_id="u1", metadata={"a": "b"}
    )
    assert made.external_id == "u1" and made["email"] == "ada@example.com"
    assert plug.customers.get(made.id).raw == plugipay_fake.customers[0]
    updated = plug.customers.update(made.id, name="Ada L.", phone=None)
    assert (updated.name, updated.phone) == ("Ada L.", None)
    for i in range(5):
        plug.customers.create(name=f"c{i}")
    names = [c.name for c in plug.customers.list(limit=2)]
    assert names == ["c4", "c3", "c2", "c1", "c0", "Ada L."]
    with pytest.raises(ConflictError) as info:
        plug.customers.create(external_id="u1")
    assert (info.value.status, info.value.code) == (409, "conflict")
    assert info.value.message == "externalId already exists for this account"
    with pytest.raises(NotFoundError):
        plug.customers.get("cus_01HXAB7K3M9N2P5QRS8TVWXY3Z")
    found, created = plug.customers.get_or_create(external_id="u1", name="again")
    assert (found.id, created) == (made.id, False)


@pytest.mark.anyio
async def test_async_fixture(
    async_plugipay_client: AsyncPlugipayClient, plugipay_fake: FakePlugipay
) -> None:
    made = await async_plugipay_client.customers.create(name="async")
    page = await async_plugipay_client.customers.list(limit=10)
    assert [c.id for c in page.data] == [made.id]
    assert plugipay_fake.customers[0]["name"] == "async"


def test_workspaces_and_members_through_the_sdk(fake: FakePlugipay) -> None:
    with fake.client() as plug:
        ws = plug.workspaces.create(brand_name="Acme Staging", business_email="billing@acme.com")
        assert (ws.name, ws.slug) == ("Acme Staging", "acme-staging")
        plug.workspaces.update(ws.id, slug="acme-stg", default_currency="USD")
        with pytest.raises(GoneError):
            plug.workspaces.get("acme-staging")
        assert plug.workspaces.get(str(ws.account_id)).default_currency == "USD"
        member = plug.workspaces.invite_member(ws.id, email="bob@acme.com", role="member")
        fake.accept_invite(str(ws.account_id), "bob@acme.com")
        members = list(plug.workspaces.list_members(ws.id))
        assert [(m.email, m.status) for m in members] == [
            ("bob@acme.com", "active"),
            ("owner@example.com", "active"),
        ]
        plug.workspaces.remove_member(ws.id, member.id)
        plug.workspaces.delete(ws.id)
        assert [w.id for w in plug.workspaces.list()] == [fake.workspace_id]


def test_platform_client_acts_for_merchants(fake: FakePlugipay) -> None:
    with fake.client(platform="storlaunch") as partner:
        record = partner.admin.provision_workspace(
            account_id="acc_01HXMERCHANT0000000000000A", partner="storlaunch", discount_rate=0.1
        )
        assert record.account_id == "acc_01HXMERCHANT0000000000000A"
        merchant = partner.for_merchant("acc_01HXMERCHANT0000000000000A")
        made = merchant.customers.create(name="merchant's")
        assert made.account_id == "acc_01HXMERCHANT0000000000000A"
        sub = partner.onboarding.provision_managed()
        state = partner.for_merchant(str(sub.sub_account_id)).adapters.start_managed_onboarding(
            email="o@m.id"
        )
        assert (state.state, state.provider) == ("pending", "xendit")
        with pytest.raises(NotFoundError):
            partner.for_merchant(fake.account_id).customers.list().data  # noqa: B018


def test_bearer_api_key_client(fake: FakePlugipay) -> None:
    with fake.client(api_key=fake.api_key) as plug:
        assert plug.customers.create(name="bearer").name == "bearer"


def test_client_signs_with_the_fake_clock(fake: FakePlugipay) -> None:
    with fake.client() as plug:
        fake.clock.advance(3600)
        assert plug.customers.create(name="later").created_at is not None
    with PlugipayClient(
        key_id=fake.key_id,
        secret=fake.secret,
        base_url=fake.base_url,
        http_client=__import__("httpx").Client(transport=fake.transport),
        max_retries=0,
    ) as real_clock:
        with pytest.raises(AuthenticationError) as info:
            real_clock.customers.list().data  # noqa: B018
        assert info.value.code == "clock_skew"


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_thousand_async_creates_survive_drops_after_commit(backend: str) -> None:
    """Done-when: 30% of creates dropped after commit, max_retries=5, concurrency 20."""
    fake = FakePlugipay(seed=2024)
    fault = fake.faults.add(
        DropAfterCommit(method="POST", path="/api/v1/customers", probability=0.3)
    )

    async def main() -> list[Any]:
        results: list[Any] = [None] * 1000
        limiter = anyio.Semaphore(20)
        async with fake.async_client(max_retries=5, _sleep=no_sleep, _rng=random.Random(1)) as plug:

            async def create(i: int) -> None:
                async with limiter:
                    results[i] = await plug.customers.create(external_id=f"row-{i}")

            async with anyio.create_task_group() as tg:
                for i in range(1000):
                    tg.start_soon(create, i)
        return results

    results = anyio.run(main, backend=backend)
    assert len(fake.customers) == 1000
    assert sorted(str(c["externalId"]) for c in fake.customers) == sorted(
        f"row-{i}" for i in range(1000)
    )
    assert [r.external_id for r in results] == [f"row-{i}" for i in range(1000)]
    # every create commits once; each dropped answer costs one retry, which replays
    assert fault.matched == 1000
    assert 250 < fault.fired < 350
    assert len(fake.requests) == 1000 + fault.fired


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_sdk_against_the_loopback_server(fake: FakePlugipay, flavour: str) -> None:
    with fake.serve() as url:
        if flavour == "sync":
            with PlugipayClient(
                key_id=fake.key_id, secret=fake.secret, base_url=url, _clock=fake.clock.time
            ) as plug:
                for i in range(7):
                    plug.customers.create(name=f"c{i}")
                names = [c.name for c in plug.customers.list(limit=3)]
        else:

            async def main() -> list[str | None]:
                async with AsyncPlugipayClient(
                    key_id=fake.key_id, secret=fake.secret, base_url=url, _clock=fake.clock.time
                ) as plug:
                    for i in range(7):
                        await plug.customers.create(name=f"c{i}")
                    return [c.name async for c in plug.customers.list(limit=3)]

            names = anyio.run(main)
    assert names == [f"c{i}" for i in reversed(range(7))]


def test_sdk_errors_carry_the_idempotency_key(fake: FakePlugipay) -> None:
    fake.faults.add(StatusFault(503))
    with (
        fake.client(max_retries=1, _sleep=lambda s: None) as plug,
        pytest.raises(PlugipayError) as info,
    ):
        plug.customers.create(name="x", idempotency_key="import-1")
    assert (info.value.status, info.value.code, info.value.idempotency_key) == (
        503,
        "service_unavailable",
        "import-1",
    )
    keys = [r.headers.get("idempotency-key") for r in fake.requests]
    assert keys == ["import-1", "import-1"]


class _Recorder:
    """Wraps a client's namespaces, recording every method called (``customers.create``)."""

    def __init__(self, client: PlugipayClient, called: set[str]) -> None:
        self._client = client
        self._called = called

    def __getattr__(self, namespace: str) -> Any:
        target = getattr(self._client, namespace)
        called = self._called

        class Namespace:
            def __getattr__(self, method: str) -> Any:
                function = getattr(type(target), method)
                called.add(f"{namespace}.{function.__name__}")
                return getattr(target, method)

        return Namespace()


def _strict_walks() -> list[Any]:
    """Every ``strict_walk(plug, partner, fake)`` of the emulator test modules (one per resource
    family, beside that resource's fidelity tests; CONTRIBUTING.md, "Adding a resource")."""
    import importlib
    import pkgutil

    import tests.testing as package

    walks = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("test_"):
            module = importlib.import_module(f"tests.testing.{info.name}")
            if hasattr(module, "strict_walk"):
                walks.append(module.strict_walk)
    return walks


def test_strict_converter_decodes_every_model_from_a_walk_of_every_method(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every payload the SDK decodes in the walks goes through the strict converter (no unknown
    key, exact JSON types and timestamps); together the walks must reach every method the client
    declares and decode every model the families declare."""
    from plugipay._models import MODELS
    from plugipay._models._base import Resource
    from plugipay._sync.resources import _base as sync_base
    from tests.test_parity import namespaces

    strict = make_converter(forbid_extra_keys=True)
    decoded: dict[type, int] = {}

    def count(obj: Resource) -> None:
        """Count a decoded model and the models nested in it (a delivery's attempts, ...)."""
        decoded[type(obj)] = decoded.get(type(obj), 0) + 1
        for field in attrs.fields(type(obj)):
            value = getattr(obj, field.name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Resource):
                    count(item)

    def structure(payload: Any, cls: type) -> Any:
        obj = strict.structure(payload, cls)
        assert obj.raw == payload
        count(obj)
        return obj

    def structure_many(items: Any, cls: type) -> list[Any]:
        return [structure(item, cls) for item in items]

    monkeypatch.setattr(sync_base, "structure", structure)
    monkeypatch.setattr(sync_base, "structure_many", structure_many)
    called: set[str] = set()
    walks = _strict_walks()
    assert len(walks) >= 3
    raw_events: list[dict[str, Any]] = []
    for n, walk in enumerate(walks):
        # A fake per walk: each walk counts what it made, whatever the walks before it made.
        own = fake if n == 0 else FakePlugipay(seed=7 + n, clock=FakeClock(START, frozen=True))
        with own.client() as owner_client, own.client(platform="storlaunch") as partner_client:
            walk(_Recorder(owner_client, called), _Recorder(partner_client, called), own)
        raw_events.extend(own.events)

    declared = {
        f"{name}.{function.__name__}"
        for name, cls in namespaces(PlugipayClient).items()
        for _, function in vars(cls).items()
        if callable(function) and not function.__name__.startswith("_")
    }
    assert sorted(declared - called) == [], "add the missing methods to a strict_walk"
    events = [strict.structure(event, WebhookEvent) for event in raw_events]
    assert all(event.raw == raw for event, raw in zip(events, raw_events, strict=True))
    for event in events:
        count(event)
    # Derived from the models' own declarations, so a new resource needs no edit here: every event
    # the walks made decodes to the model its type declares, and every model that declares events
    # got one, except the endpoint's auto-disable (20 failures over 24 h; test_deliveries.py).
    for event in events:
        assert type(event.data) is event_model(event.type), event.type
    emitted = {type(event.data) for event in events}
    assert {model for model in MODELS if model._events} - emitted == {WebhookEndpoint}
    missing = [model.__name__ for model in MODELS if not decoded.get(model)]
    assert missing == [], "add a call that returns each of these to a strict_walk"
    assert decoded[Customer] >= 10
    assert {ManagedOnboardingState, ManagedSubAccount, PartnerWorkspace} <= set(decoded)


def test_client_timeout_cuts_injected_latency_and_the_create_commits(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(
        "plugipay.testing._transport.time", types.SimpleNamespace(sleep=slept.append)
    )
    fake.faults.add(Latency(method="POST", seconds=0.5))
    with (
        fake.client(timeout=0.05, max_retries=0) as plug,
        pytest.raises(PlugipayTimeoutError) as info,
    ):
        plug.customers.create(name="Late")
    assert (info.value.status, info.value.code) == (0, "timeout")
    assert slept == [0.05]
    assert [c["name"] for c in fake.customers] == ["Late"]


def test_client_timeout_fires_in_real_time(fake: FakePlugipay) -> None:
    fake.faults.add(Latency(method="POST", seconds=5.0))
    started = time.monotonic()
    with fake.client(timeout=0.05, max_retries=0) as plug, pytest.raises(PlugipayTimeoutError):
        plug.customers.create(name="Late")
    # A behaviour bound, not a speed claim: the call ends long before the 5 s the server takes.
    assert time.monotonic() - started < 2.5
    assert len(fake.customers) == 1


def test_latency_within_the_timeout_answers(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(
        "plugipay.testing._transport.time", types.SimpleNamespace(sleep=slept.append)
    )
    fake.faults.add(Latency(method="POST", seconds=0.5))
    with fake.client(timeout=0.6, max_retries=0) as plug:
        assert plug.customers.create(name="On time").name == "On time"
    assert slept == [0.5]


@pytest.mark.anyio
async def test_async_client_timeout_cuts_injected_latency(
    fake: FakePlugipay, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("plugipay.testing._transport.anyio", types.SimpleNamespace(sleep=sleep))
    fake.faults.add(Latency(method="POST", seconds=0.5))
    async with fake.async_client(timeout=0.05, max_retries=0) as plug:
        with pytest.raises(PlugipayTimeoutError) as info:
            await plug.customers.create(name="Late")
    assert (info.value.status, info.value.code) == (0, "timeout")
    assert slept == [0.05]
    assert [c["name"] for c in fake.customers] == ["Late"]
