"""The decode benchmark stays a fair race: its cattrs converter decodes what ours decodes, equally.

``benchmarks/decode.py`` times ``plugipay._convert.structure_many`` against cattrs' generated
hooks; the comparison only means something while both build the same objects. No timing here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from plugipay import Customer, Workspace
from plugipay._convert import structure, structure_many

ROOT = Path(__file__).resolve().parents[2]


def _load_benchmark() -> ModuleType:
    # benchmarks/ is a script directory, not a package: load it from its path.
    spec = importlib.util.spec_from_file_location("decode_bench", ROOT / "benchmarks/decode.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


@pytest.fixture(scope="module", params=[True, False], ids=["post-init-skipped", "as-is"])
def cattrs_converter(request: pytest.FixtureRequest) -> Any:
    return bench.make_cattrs_converter(skip_post_init=request.param)


@pytest.mark.parametrize("cls", [Customer, Workspace])
def test_benchmark_pages_decode_equal(cattrs_converter: Any, cls: type[Any]) -> None:
    page = bench.pages(5)[cls.__name__]
    assert len(page) == 5
    ours = structure_many(page, cls)
    theirs = cattrs_converter.structure(page, list[cls])
    bench.same(ours, theirs)
    assert [o.raw for o in theirs] == page
    assert ours == theirs


EDGES: list[tuple[type[Any], dict[str, Any]]] = [
    # Unknown keys, absent optional fields, an offset and a naive timestamp, a null metadata.
    (
        Customer,
        {
            "id": "cus_01",
            "email": "a@example.com",
            "metadata": None,
            "createdAt": "2026-05-12T17:42:00.123+07:00",
            "updatedAt": "2026-05-12T10:42:00",
            "loyaltyTier": "gold",
        },
    ),
    (Customer, {"id": "cus_02"}),
    (
        Workspace,
        {
            "id": "ws_01",
            "region": "eu-frankfurt",  # a region the SDK doesn't know yet stays a string
            "mode": "live",
            "archivedAt": "2026-05-12T10:42:00.123Z",
            "createdAt": None,
            "features": {"beta": True},
        },
    ),
]


@pytest.mark.parametrize(("cls", "payload"), EDGES)
def test_edge_payloads_decode_equal(cattrs_converter: Any, cls: type[Any], payload: Any) -> None:
    ours = structure(payload, cls)
    theirs = cattrs_converter.structure(payload, cls)
    bench.same([ours], [theirs])
    assert type(theirs) is cls


def test_same_notices_a_difference() -> None:
    ours = structure({"id": "cus_01", "email": "a@example.com"}, Customer)
    other = structure({"id": "cus_01", "email": "b@example.com"}, Customer)
    with pytest.raises(AssertionError, match="email"):
        bench.same([ours], [other])
    copy = structure(dict(ours.raw), Customer)
    with pytest.raises(AssertionError, match="raw"):
        bench.same([ours], [copy])


def test_camel() -> None:
    assert bench.camel("default_payment_token_id") == "defaultPaymentTokenId"
    assert bench.camel("id") == "id"
