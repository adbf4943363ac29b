"""``plug.workspaces``: workspaces the key's identity owns (or a partner's), and their members."""

from __future__ import annotations

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.workspaces import Workspace, WorkspaceMember
from ..._types import NOT_GIVEN, NotGivenOr
from ..._urls import quote_segment
from ..._validation import check_choice, check_cursor, check_limit, check_str
from .._pagination import AsyncCursorPaginator
from ._base import AsyncResource

__all__ = ["AsyncWorkspaces"]

_PATH = "/api/v1/workspaces"
REGIONS = ("id-jakarta", "sg-singapore")
MODES = ("test", "live")
MEMBER_ROLES = ("admin", "member", "read_only")
FIELDS = Fields(
    {
        "name": Field("name", checks.text(255), clearable=False),
        "slug": Field("slug", checks.slug(), clearable=False),
        "brand_name": Field("brandName", checks.text(255)),
        "business_email": Field("businessEmail", checks.email()),
        "region": Field("region", checks.choice(*REGIONS), clearable=False),
        "default_currency": Field("defaultCurrency", checks.currency(), clearable=False),
        "timezone": Field("timezone", checks.text(64), clearable=False),
    },
    path_ids=frozenset({"workspace_id"}),
)
"""Every writable workspace field (``region`` only at creation, ``slug`` and ``timezone`` only on
update); ``brand_name`` and ``business_email`` are the ones ``None`` clears."""


def _workspace_path(workspace_id: str) -> str:
    return f"{_PATH}/{quote_segment(workspace_id, 'workspace_id')}"


def _member_path(workspace_id: str, member_id: str) -> str:
    return f"{_workspace_path(workspace_id)}/members/{quote_segment(member_id, 'member_id')}"


def _check_role(role: object) -> None:
    if not isinstance(role, str):
        raise TypeError(f"role must be a str, not {type(role).__name__}")
    if role == "owner":
        raise ValueError("role cannot be 'owner': ownership moves by transfer in the portal")
    check_choice("role", role, MEMBER_ROLES)


class AsyncWorkspaces(AsyncResource):
    """Create, read, update and archive workspaces; invite and manage their members."""

    __slots__ = ()

    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        mode: str | None = None,
        archived: bool | None = None,
    ) -> AsyncCursorPaginator[Workspace]:
        """Every workspace this key can act on (archived ones only with ``archived=True``)."""
        check_limit(limit)
        check_cursor(cursor)
        check_choice("mode", mode, MODES)
        if archived is not None and not isinstance(archived, bool):
            raise TypeError(f"archived must be a bool, not {type(archived).__name__}")
        query: list[tuple[str, object]] = [("limit", limit), ("mode", mode), ("archived", archived)]
        return self._paginate(Workspace, _PATH, query, cursor)

    async def get(self, workspace_id: str) -> Workspace:
        """One workspace, by ``ws_`` id, ``acc_`` account id, or slug."""
        return await self._call(Workspace, "GET", _workspace_path(workspace_id))

    retrieve = get

    async def create(
        self,
        *,
        name: str | None = None,
        brand_name: str | None = None,
        business_email: str | None = None,
        region: str | None = None,
        default_currency: str | None = None,
        idempotency_key: str | None = None,
    ) -> Workspace:
        """A new workspace owned by the key's identity; returns it."""
        body = FIELDS.create_body(locals())
        return await self._call(
            Workspace, "POST", _PATH, body=body, idempotency_key=idempotency_key
        )

    async def update(
        self,
        workspace_id: str,
        *,
        name: NotGivenOr[str] = NOT_GIVEN,
        slug: NotGivenOr[str] = NOT_GIVEN,
        brand_name: NotGivenOr[str | None] = NOT_GIVEN,
        business_email: NotGivenOr[str | None] = NOT_GIVEN,
        default_currency: NotGivenOr[str] = NOT_GIVEN,
        timezone: NotGivenOr[str] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Workspace:
        """Change workspace settings; omitted fields are untouched, ``None`` clears the brand name
        and business email (the other fields can't be cleared)."""
        body = FIELDS.update_body(locals())
        path = _workspace_path(workspace_id)
        return await self._call(
            Workspace, "PATCH", path, body=body, idempotency_key=idempotency_key
        )

    async def delete(self, workspace_id: str, *, idempotency_key: str | None = None) -> None:
        """Archive the workspace (owner keys only); its keys are revoked."""
        await self._call_no_content(
            "DELETE", _workspace_path(workspace_id), idempotency_key=idempotency_key
        )

    archive = delete

    def list_members(
        self, workspace_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncCursorPaginator[WorkspaceMember]:
        """Every member of the workspace, invited or active."""
        path = f"{_workspace_path(workspace_id)}/members"
        check_limit(limit)
        check_cursor(cursor)
        return self._paginate(WorkspaceMember, path, [("limit", limit)], cursor)

    async def invite_member(
        self,
        workspace_id: str,
        *,
        email: str,
        role: str,
        idempotency_key: str | None = None,
    ) -> WorkspaceMember:
        """Invite someone by email with a role (``admin``, ``member`` or ``read_only``)."""
        path = f"{_workspace_path(workspace_id)}/members"
        check_str("email", email, max_length=320)
        if not email:
            raise ValueError("email must not be empty")
        _check_role(role)
        return await self._call(
            WorkspaceMember,
            "POST",
            path,
            body={"email": email, "role": role},
            idempotency_key=idempotency_key,
        )

    async def update_member(
        self,
        workspace_id: str,
        member_id: str,
        *,
        role: str,
        idempotency_key: str | None = None,
    ) -> WorkspaceMember:
        """Change a member's role."""
        path = _member_path(workspace_id, member_id)
        _check_role(role)
        return await self._call(
            WorkspaceMember, "PATCH", path, body={"role": role}, idempotency_key=idempotency_key
        )

    async def remove_member(
        self, workspace_id: str, member_id: str, *, idempotency_key: str | None = None
    ) -> None:
        """Remove a member (never the owner)."""
        await self._call_no_content(
            "DELETE", _member_path(workspace_id, member_id), idempotency_key=idempotency_key
        )
