"""Workspaces (SPEC §6, §7): create, lookups by id/account/slug, update rules, archive, members."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plugipay.testing import FakePlugipay, _validate
from plugipay.testing.resources.workspaces import slugify

from .emulator_helpers import RawClient, data_of, error_of

WS = "/api/v1/workspaces"


def create(raw: RawClient, key: str, **fields: object) -> dict[str, object]:
    response = raw.post(WS, json=fields, idempotency_key=key)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()["data"]
    return data


def test_default_workspace(raw: RawClient, fake: FakePlugipay) -> None:
    ws = data_of(raw.get(f"{WS}/{fake.workspace_id}"))
    assert ws == {
        "id": fake.workspace_id,
        "accountId": fake.account_id,
        "name": "Test workspace",
        "slug": "test-workspace",
        "region": "id-jakarta",
        "defaultCurrency": "IDR",
        "timezone": "Asia/Jakarta",
        "mode": "test",
        "brandName": None,
        "businessEmail": None,
        "status": "active",
        "createdAt": "2026-05-12T10:42:00.000Z",
        "updatedAt": "2026-05-12T10:42:00.000Z",
        "archivedAt": None,
    }
    assert data_of(raw.get(f"{WS}/{fake.account_id}")) == ws
    assert data_of(raw.get(f"{WS}/test-workspace")) == ws


def test_create_defaults_and_slugs(raw: RawClient) -> None:
    a = create(raw, "k1", brandName="Acme Staging!", businessEmail="billing@acme.com")
    assert (a["name"], a["slug"], a["brandName"]) == (
        "Acme Staging!",
        "acme-staging",
        "Acme Staging!",
    )
    b = create(raw, "k2", name="  Acme -- Staging ", region="sg-singapore")
    assert (b["slug"], b["defaultCurrency"], b["timezone"]) == (
        "acme-staging-2",
        "SGD",
        "Asia/Singapore",
    )
    c = create(raw, "k3")
    assert (c["name"], c["slug"], c["mode"]) == ("Untitled workspace", "untitled-workspace", "test")
    d = create(raw, "k4", name="Ünïcode Shop", defaultCurrency="USD")
    assert (d["slug"], d["defaultCurrency"]) == ("n-code-shop", "USD")
    assert str(a["id"]).startswith("ws_") and str(a["accountId"]).startswith("acc_")


def test_create_validation_and_business_email_conflict(raw: RawClient) -> None:
    response = raw.post(WS, json={"region": "us-east", "defaultCurrency": "usd", "slug": "x"})
    assert error_of(response) == (400, "VALIDATION_ERROR")
    fields = [(d["field"], d["code"]) for d in response.json()["error"]["details"]]
    assert fields == [
        ("region", "invalid"),
        ("defaultCurrency", "invalid"),
        ("slug", "unknown_field"),
    ]
    create(raw, "k1", businessEmail="billing@acme.com")
    response = raw.post(WS, json={"businessEmail": "billing@acme.com"}, idempotency_key="k2")
    assert error_of(response) == (409, "CONFLICT")


def test_list_is_scoped_to_the_identity_and_hides_archived(
    raw: RawClient, fake: FakePlugipay
) -> None:
    mine = create(raw, "k1", name="Second")
    fake.add_workspace(name="Someone else")
    listed = data_of(raw.get(WS))
    assert [w["id"] for w in listed] == [mine["id"], fake.workspace_id]
    assert raw.delete(f"{WS}/{mine['id']}", idempotency_key="d").status_code == 204
    assert [w["id"] for w in data_of(raw.get(WS))] == [fake.workspace_id]
    archived = data_of(raw.get(f"{WS}?archived=true"))
    assert [w["id"] for w in archived] == [mine["id"]]
    assert archived[0]["archivedAt"] == "2026-05-12T10:42:00.000Z"
    assert archived[0]["status"] == "pending_deletion"
    assert data_of(raw.get(f"{WS}?mode=live")) == []
    assert error_of(raw.get(f"{WS}?mode=prod")) == (400, "VALIDATION_ERROR")


def test_other_identities_workspaces_are_404(raw: RawClient, fake: FakePlugipay) -> None:
    other = fake.add_workspace(name="Someone else")
    for ref in (other["id"], other["accountId"], other["slug"]):
        assert error_of(raw.get(f"{WS}/{ref}")) == (404, "NOT_FOUND")
    response = raw.patch(f"{WS}/{other['id']}", json={"name": "mine"}, idempotency_key="p")
    assert error_of(response) == (404, "NOT_FOUND")


def test_update_patchable_fields(raw: RawClient, fake: FakePlugipay) -> None:
    fake.clock.advance(2)
    url = f"{WS}/{fake.workspace_id}"
    body = {
        "name": "Acme",
        "slug": "acme-prod",
        "brandName": "Acme (renamed)",
        "businessEmail": "ap@acme.com",
        "defaultCurrency": "USD",
        "timezone": "America/New_York",
    }
    ws = data_of(raw.patch(url, json=body, idempotency_key="p1"))
    assert {k: ws[k] for k in body} == body
    assert ws["updatedAt"] == "2026-05-12T10:42:02.000Z"
    cleared = data_of(raw.patch(url, json={"brandName": None}))
    assert cleared["brandName"] is None


def test_slug_rename_makes_the_old_slug_gone(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"{WS}/{fake.workspace_id}"
    data_of(raw.patch(url, json={"slug": "acme-prod"}))
    response = raw.get(f"{WS}/test-workspace")
    assert error_of(response) == (410, "GONE")
    assert data_of(raw.get(f"{WS}/acme-prod"))["id"] == fake.workspace_id
    # a new workspace may take the freed slug; then it names that one
    taken = create(raw, "k1", name="Test Workspace")
    assert taken["slug"] == "test-workspace"
    assert data_of(raw.get(f"{WS}/test-workspace"))["id"] == taken["id"]
    assert error_of(raw.patch(url, json={"slug": "test-workspace"})) == (409, "CONFLICT")


def test_update_refusals(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"{WS}/{fake.workspace_id}"
    response = raw.patch(url, json={"region": "sg-singapore", "name": "x"})
    assert error_of(response) == (422, "REGION_IMMUTABLE")
    response = raw.patch(url, json={"mode": "live", "color": "red", "timezone": "Mars/Olympus"})
    assert error_of(response) == (400, "VALIDATION_ERROR")
    fields = [(d["field"], d["code"]) for d in response.json()["error"]["details"]]
    assert fields == [
        ("mode", "not_patchable"),
        ("color", "unknown_field"),
        ("timezone", "invalid"),
    ]
    for bad in ({"defaultCurrency": "US"}, {"slug": "Bad Slug"}, {"name": None}, {"slug": "-x"}):
        assert error_of(raw.patch(url, json=bad)) == (400, "VALIDATION_ERROR"), bad
    member = fake.add_key(role="member", scopes=["*"])
    as_member = RawClient(fake, key_id=member.key_id, secret=member.secret)
    assert error_of(as_member.patch(url, json={"name": "x"})) == (403, "INSUFFICIENT_SCOPE")


def test_archive_rules(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"{WS}/{fake.workspace_id}"
    admin = fake.add_key(role="admin")
    as_admin = RawClient(fake, key_id=admin.key_id, secret=admin.secret)
    response = as_admin.delete(url)
    assert error_of(response) == (403, "OWNER_REQUIRED")
    fake.set_balance(fake.account_id, 125_000)
    assert error_of(raw.delete(url)) == (409, "HAS_OPEN_BALANCE")
    fake.set_balance("test-workspace", 0)
    assert raw.delete(url).status_code == 204
    # archiving revokes the workspace's keys
    assert error_of(raw.get(url)) == (401, "REVOKED_KEY")
    assert error_of(as_admin.get("/api/v1/customers")) == (401, "REVOKED_KEY")
    assert fake.workspaces[0]["archivedAt"] == "2026-05-12T10:42:00.000Z"


def test_members_lifecycle(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"{WS}/{fake.workspace_id}/members"
    invited = data_of(raw.post(url, json={"email": "alice@acme.com", "role": "admin"}))
    assert invited["email"] == "alice@acme.com"
    assert (invited["role"], invited["status"], invited["joinedAt"]) == ("admin", "invited", None)
    assert str(invited["id"]).startswith("mem_")
    listed = data_of(raw.get(url))
    assert [m["email"] for m in listed] == ["alice@acme.com", "owner@example.com"]
    assert listed[1]["role"] == "owner" and listed[1]["status"] == "active"
    fake.clock.advance(60)
    joined = fake.accept_invite(fake.workspace_id, "alice@acme.com")
    assert (joined["status"], joined["joinedAt"]) == ("active", "2026-05-12T10:43:00.000Z")
    changed = data_of(raw.patch(f"{url}/{invited['id']}", json={"role": "read_only"}))
    assert changed["role"] == "read_only"
    assert raw.delete(f"{url}/{invited['id']}").status_code == 204
    assert [m["email"] for m in data_of(raw.get(url))] == ["owner@example.com"]
    assert error_of(raw.delete(f"{url}/{invited['id']}")) == (404, "NOT_FOUND")
    types = [e["type"] for e in fake.events if str(e["type"]).startswith("workspace.member")]
    assert types == [
        "workspace.member_invited",
        "workspace.member_joined",
        "workspace.member_role_changed",
        "workspace.member_removed",
    ]
    role_changed = next(e for e in fake.events if e["type"] == "workspace.member_role_changed")
    assert role_changed["data"] == {
        "object": changed,
        "aggregateType": "workspace_member",
        "aggregateId": changed["id"],
        "previousAttributes": {"role": "admin"},
    }


def test_member_refusals(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"{WS}/{fake.workspace_id}/members"
    response = raw.post(url, json={"email": "boss@acme.com", "role": "owner"})
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"][0]["field"] == "role"
    response = raw.post(url, json={"role": "member"})
    assert response.json()["error"]["details"] == [
        {"field": "email", "code": "required", "message": "email is required"}
    ]
    data_of(raw.post(url, json={"email": "bob@acme.com", "role": "member"}))
    assert error_of(raw.post(url, json={"email": "bob@acme.com", "role": "admin"})) == (
        409,
        "CONFLICT",
    )
    owner = next(m for m in data_of(raw.get(url)) if m["role"] == "owner")
    assert error_of(raw.delete(f"{url}/{owner['id']}")) == (409, "OWNER_IMMUTABLE")
    response = raw.patch(f"{url}/{owner['id']}", json={"role": "admin"})
    assert error_of(response) == (409, "OWNER_IMMUTABLE")
    admin = fake.add_key(role="admin")
    as_admin = RawClient(fake, key_id=admin.key_id, secret=admin.secret)
    # admins manage roles below their own only
    response = as_admin.post(url, json={"email": "eve@acme.com", "role": "admin"})
    assert error_of(response) == (403, "INSUFFICIENT_SCOPE")
    assert as_admin.post(url, json={"email": "eve@acme.com", "role": "member"}).status_code == 201
    member = fake.add_key(role="member")
    as_member = RawClient(fake, key_id=member.key_id, secret=member.secret)
    assert error_of(as_member.post(url, json={"email": "x@acme.com", "role": "read_only"})) == (
        403,
        "INSUFFICIENT_SCOPE",
    )
    assert as_member.get(url).status_code == 200


def test_workspace_events(raw: RawClient, fake: FakePlugipay) -> None:
    ws = create(raw, "k1", name="Events")
    raw.patch(f"{WS}/{ws['id']}", json={"brandName": "Brand"})
    raw.delete(f"{WS}/{ws['id']}")
    mine = [e for e in fake.events if e["workspaceId"] == ws["id"]]
    assert [e["type"] for e in mine] == [
        "workspace.created",
        "workspace.updated",
        "workspace.archived",
    ]
    updated = mine[1]
    assert updated["accountId"] == ws["accountId"]
    assert updated["data"]["previousAttributes"] == {"brandName": None}  # type: ignore[index]
    assert set(updated) == {
        "id",
        "type",
        "accountId",
        "workspaceId",
        "createdAt",
        "occurredAt",
        "data",
    }
    assert str(updated["id"]).startswith("evt_")


def test_derived_slug_never_ends_with_a_hyphen(raw: RawClient) -> None:
    made = create(raw, "k1", name="a" * 55 + " b")
    assert made["slug"] == "a" * 55
    made = create(raw, "k2", name="  " + "b" * 56 + "!!")
    assert made["slug"] == "b" * 56
    assert create(raw, "k3", name="---")["slug"] == "workspace"
    assert slugify("a" * 55 + " b") == "a" * 55
    assert slugify("x" * 56 + "-y") == "x" * 56


def test_restore_workspace_unrevokes_the_keys_the_archive_revoked(
    raw: RawClient, fake: FakePlugipay
) -> None:
    url = f"{WS}/{fake.workspace_id}"
    kept = fake.add_key(role="admin")
    revoked_before = fake.add_key(role="member")
    fake.revoke_key(revoked_before)
    assert raw.delete(url).status_code == 204
    fake.clock.advance(60)
    restored = fake.restore_workspace(fake.workspace_id)
    assert (restored["archivedAt"], restored["status"]) == (None, "active")
    assert restored["updatedAt"] == "2026-05-12T10:43:00.000Z"
    assert data_of(raw.get(url))["archivedAt"] is None
    as_admin = RawClient(fake, key_id=kept.key_id, secret=kept.secret)
    assert as_admin.get("/api/v1/customers").status_code == 200
    as_member = RawClient(fake, key_id=revoked_before.key_id, secret=revoked_before.secret)
    assert error_of(as_member.get("/api/v1/customers")) == (401, "REVOKED_KEY")
    event = fake.events[-1]
    assert (event["type"], event["workspaceId"], event["createdAt"]) == (
        "workspace.restored",
        fake.workspace_id,
        "2026-05-12T10:43:00.000Z",
    )
    assert event["data"] == {
        "object": restored,
        "aggregateType": "workspace",
        "aggregateId": restored["id"],
        "previousAttributes": {
            "archivedAt": "2026-05-12T10:42:00.000Z",
            "status": "pending_deletion",
        },
    }
    count = len(fake.events)
    assert fake.restore_workspace(fake.workspace_id) == restored  # not archived: a no-op
    assert len(fake.events) == count
    with pytest.raises(KeyError):
        fake.restore_workspace("ws_missing")


def test_transfer_ownership(raw: RawClient, fake: FakePlugipay) -> None:
    url = f"{WS}/{fake.workspace_id}/members"
    invited = data_of(raw.post(url, json={"email": "alice@acme.com", "role": "member"}))
    with pytest.raises(ValueError, match="hasn't accepted"):
        fake.transfer_ownership(fake.workspace_id, "alice@acme.com")
    fake.accept_invite(fake.workspace_id, invited["id"])
    received: list[bytes] = []
    fake.add_webhook(
        lambda body, headers: received.append(body), types=["workspace.ownership_transferred"]
    )
    new_owner = fake.transfer_ownership(fake.workspace_id, "alice@acme.com")
    assert (new_owner["id"], new_owner["role"]) == (invited["id"], "owner")
    roles = {m["email"]: m["role"] for m in data_of(raw.get(url))}
    assert roles == {"owner@example.com": "admin", "alice@acme.com": "owner"}
    old_owner = next(m for m in fake.members() if m["email"] == "owner@example.com")
    event = fake.events[-1]
    assert (event["type"], event["workspaceId"]) == (
        "workspace.ownership_transferred",
        fake.workspace_id,
    )
    assert event["data"] == {
        "object": new_owner,
        "aggregateType": "workspace_member",
        "aggregateId": new_owner["id"],
        "previousAttributes": {"role": "member", "previousOwner": old_owner},
    }
    assert [json.loads(body)["id"] for body in received] == [event["id"]]
    # the old owner can now be removed like any admin; the new owner can't
    assert error_of(raw.delete(f"{url}/{invited['id']}")) == (409, "OWNER_IMMUTABLE")
    count = len(fake.events)
    fake.transfer_ownership(fake.workspace_id, invited["id"])  # already owner: a no-op
    assert len(fake.events) == count
    with pytest.raises(KeyError):
        fake.transfer_ownership(fake.workspace_id, "nobody@example.com")


@pytest.mark.parametrize(
    "zone", ["posixrules", "posix/Asia/Jakarta", "right/UTC", "Asia", "zone.tab"]
)
def test_timezone_must_be_a_listed_zone(raw: RawClient, fake: FakePlugipay, zone: str) -> None:
    response = raw.patch(f"{WS}/{fake.workspace_id}", json={"timezone": zone})
    assert error_of(response) == (400, "VALIDATION_ERROR")
    assert response.json()["error"]["details"] == [
        {
            "field": "timezone",
            "code": "invalid",
            "message": "timezone must be an IANA time zone such as Asia/Jakarta",
        }
    ]


def test_timezone_without_a_tz_database_accepts_area_city_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_validate, "_zone_names", frozenset)
    ok = [
        "Asia/Jakarta",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+7",
        "America/Port-au-Prince",
        "UTC",
    ]
    assert [_validate.timezone_rule("timezone", z) for z in ok] == [None] * len(ok)
    bad = ["posixrules", "Asia", "/etc/passwd", "Asia/../x", "asia/jakarta", "Asia/", 7]
    assert all(_validate.timezone_rule("timezone", z) is not None for z in bad)


def test_timezone_zone_list_is_read_once() -> None:
    assert _validate._zone_names() is _validate._zone_names()
    assert "Asia/Jakarta" in _validate._zone_names()


def strict_walk(plug: Any, partner: Any, fake: FakePlugipay) -> None:
    """Every ``plug.workspaces`` method, for the strict-converter walk in ``test_sdk.py``."""
    ws = plug.workspaces.create(name="W", business_email="w@example.com")
    assert plug.workspaces.update(ws.id, brand_name="Brand").brand_name == "Brand"
    assert plug.workspaces.get(ws.id).brand_name == "Brand"
    member = plug.workspaces.invite_member(ws.id, email="m@example.com", role="member")
    fake.accept_invite(ws.id, member.id)
    plug.workspaces.update_member(ws.id, member.id, role="admin")
    assert len(list(plug.workspaces.list_members(ws.id))) == 2
    plug.workspaces.remove_member(ws.id, member.id)
    plug.workspaces.delete(ws.id)
    assert [w.id for w in plug.workspaces.list(archived=True)] == [ws.id]
