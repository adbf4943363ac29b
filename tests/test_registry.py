"""Everything derived from the model declarations stays complete: a model family or an event
declaration missing from any derived place fails here (CONTRIBUTING.md, "Adding a resource")."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest

import plugipay
import plugipay.models
from plugipay import _models
from plugipay._convert import structure
from plugipay._models import FAMILIES, MODELS, event_model

ROOT = Path(__file__).resolve().parents[1]


def _family_names() -> set[str]:
    return {m.name for m in pkgutil.iter_modules(_models.__path__) if not m.name.startswith("_")}


def _star_imports(path: Path) -> set[str]:
    """The families a module star-imports (``from ._models.<family> import *``)."""
    tree = ast.parse(path.read_text())
    return {
        node.module.rsplit(".", 1)[1]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module is not None
        and node.module.startswith("_models.")
        and [alias.name for alias in node.names] == ["*"]
    }


def test_every_model_module_is_a_registered_family() -> None:
    assert {f.__name__.rsplit(".", 1)[1] for f in FAMILIES} == _family_names()


@pytest.mark.parametrize("module", ["plugipay/__init__.py", "plugipay/models.py"])
def test_type_checkers_see_every_family(module: str) -> None:
    assert _star_imports(ROOT / module) == _family_names()


def test_every_model_is_public_everywhere() -> None:
    assert len(MODELS) >= 7
    for model in MODELS:
        name = model.__name__
        assert name in plugipay.__all__
        assert name in plugipay.models.__all__
        assert getattr(plugipay, name) is model
        assert getattr(plugipay.models, name) is model
        assert model.__module__ == "plugipay"
        family = next(f for f in FAMILIES if name in f.__all__)
        assert getattr(family, name) is model


def test_every_family_public_name_is_in_models_all() -> None:
    names = {name for family in FAMILIES for name in family.__all__} | {"Resource"}
    assert set(plugipay.models.__all__) == names
    assert plugipay.models.__all__ == sorted(plugipay.models.__all__)


def test_declared_events_map_to_their_models() -> None:
    declared = 0
    for model in MODELS:
        for event_type in model._events:
            declared += 1
            probe = event_type[:-1] + "anything.v1" if event_type.endswith("*") else event_type
            assert event_model(probe) is model, event_type
    assert declared >= 7
    assert event_model("plugipay.unknown.v1") is None
    assert event_model(None) is None


def test_every_event_the_emulator_emits_decodes_to_a_declared_model() -> None:
    from plugipay.testing import FakePlugipay

    fake = FakePlugipay(seed=3)
    with fake.client() as plug:
        ws = plug.workspaces.create(name="Registry")
        plug.workspaces.update(ws.id, name="Registry 2")
        member = plug.workspaces.invite_member(ws.id, email="m@example.com", role="member")
        plug.workspaces.update_member(ws.id, member.id, role="admin")
        plug.workspaces.remove_member(ws.id, member.id)
        plug.customers.create(email="c@example.com")
    types = {str(event["type"]) for event in fake.events}
    assert {"workspace.created", "plugipay.customer.created.v1"} <= types
    for event in fake.events:
        model = event_model(event["type"])
        assert model is not None, event["type"]
        data = event["data"]
        assert isinstance(data, dict)
        assert isinstance(structure(data["object"], model), model)


def test_two_models_claiming_one_event_is_refused() -> None:
    import attrs

    from plugipay._models import _event_map
    from plugipay._models._base import Resource

    @attrs.frozen(kw_only=True, repr=False)
    class Twin(Resource):
        _events = ("workspace.created",)

    original = _models.MODELS
    _models.MODELS = (*original, Twin)
    try:
        with pytest.raises(TypeError, match=r"both declare event 'workspace\.created'"):
            _event_map()
    finally:
        _models.MODELS = original
