"""Workspaces (merchant accounts) and the people on their teams (SPEC §7, §10)."""

from datetime import datetime
from typing import Literal, TypeAlias

import attrs

from ._base import Resource

__all__ = [
    "MemberStatus",
    "Mode",
    "Region",
    "Role",
    "Workspace",
    "WorkspaceMember",
    "WorkspaceStatus",
]

# Known values first, for readers and editors; ``| str`` keeps any value the API adds later.
Region: TypeAlias = Literal["id-jakarta", "sg-singapore"] | str
Mode: TypeAlias = Literal["test", "live"] | str
WorkspaceStatus: TypeAlias = Literal["active", "suspended", "pending_deletion"] | str
Role: TypeAlias = Literal["owner", "admin", "member", "read_only"] | str
MemberStatus: TypeAlias = Literal["invited", "active"] | str


@attrs.frozen(kw_only=True, repr=False)
class Workspace(Resource):
    """A merchant workspace (account): the top-level tenant every other object lives in."""

    _repr_fields = ("id", "account_id", "name", "mode")
    _events = ("workspace.created", "workspace.updated", "workspace.archived", "workspace.restored")

    id: str
    """Workspace id, ``ws_`` + ULID (the guides also use the ``acc_`` account id as one)."""
    account_id: str | None = None
    """The underlying account id, ``acc_`` + ULID; what ``X-Plugipay-On-Behalf-Of`` names."""
    name: str | None = None
    """Display name."""
    slug: str | None = None
    """URL-safe handle used in hosted checkout URLs; renameable."""
    region: Region | None = None
    """Data region, fixed at creation: ``id-jakarta`` or ``sg-singapore``."""
    default_currency: str | None = None
    """ISO 4217 currency for new checkout sessions and plans."""
    timezone: str | None = None
    """IANA time zone that reports and scheduled invoices run on."""
    mode: Mode | None = None
    """``test`` until activation, then ``live``."""
    brand_name: str | None = None
    """Public-facing brand shown on hosted checkout."""
    business_email: str | None = None
    """Where Plugipay-side billing notifications go."""
    status: WorkspaceStatus | None = None
    """``active``, ``suspended`` or ``pending_deletion``."""
    created_at: datetime | None = None
    """When the workspace was created."""
    updated_at: datetime | None = None
    """When a setting last changed."""
    archived_at: datetime | None = None
    """When the workspace was archived; ``None`` while active."""


@attrs.frozen(kw_only=True, repr=False)
class WorkspaceMember(Resource):
    """A person on a workspace's team, with one role."""

    _repr_fields = ("id", "role", "status")
    _events = ("workspace.member_*", "workspace.ownership_transferred")

    id: str
    """Member id, ``mem_`` + ULID."""
    email: str | None = None
    """The member's (or invitee's) email address."""
    role: Role | None = None
    """``owner``, ``admin``, ``member`` or ``read_only``."""
    joined_at: datetime | None = None
    """When the invite was accepted; ``None`` until then."""
    status: MemberStatus | None = None
    """``invited`` until the invite is accepted, then ``active``."""
