"""The objects the API returns (SPEC §7, §10): frozen attrs values that also read like the payload.

Attributes are snake_case and typed (``customer.external_id``, aware UTC ``datetime``s); every
field but ``id`` may be absent and is then ``None``. The wire view is the payload exactly as
received, unknown fields included: ``obj["externalId"]``, ``obj.get("email", "")``, ``"phone" in
obj``, ``obj.raw`` and ``obj.to_dict()``. Enum-like fields are typed as their known values but hold
any string, so a region or role the SDK doesn't know yet never raises.

How payloads become these objects (names, timestamps, unknown keys, event data) is the business
of ``_convert``; these classes hold values only.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

__all__ = [
    "Customer",
    "ManagedOnboardingState",
    "ManagedSubAccount",
    "MemberStatus",
    "Mode",
    "PartnerWorkspace",
    "Region",
    "Resource",
    "Role",
    "WebhookEvent",
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

_REPR_VALUE_MAX = 60


@attrs.frozen(kw_only=True, repr=False)
class Resource:
    """Base of every model: typed fields plus the payload they were read from."""

    raw: dict[str, Any] = attrs.field(factory=dict, eq=False)
    """The whole payload as received, wire names and unknown fields included; read-only by contract."""

    _repr_fields: ClassVar[tuple[str, ...]] = ()
    # Not iterable: a model is not a mapping, and the legacy protocol would call __getitem__(0).
    __iter__: ClassVar[None] = None

    def __attrs_post_init__(self) -> None:
        # Only objects built by hand (or by attrs.evolve) get here: the converter assembles decoded
        # payloads without __init__. Their wire view must agree with their fields.
        from ._convert import to_wire

        object.__setattr__(self, "raw", to_wire(self))

    def __getitem__(self, key: str) -> Any:
        """The payload's value under a wire name (``obj["createdAt"]``); ``KeyError`` when absent."""
        return self.raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The payload's value under a wire name, or ``default`` when absent."""
        return self.raw.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the payload, safe to change or serialize."""
        return copy.deepcopy(self.raw)

    def __repr__(self) -> str:
        # A few identifying fields only: no personal data, never the whole payload.
        shown = []
        for name in self._repr_fields:
            value = getattr(self, name)
            if value is not None:
                text = repr(value)
                if len(text) > _REPR_VALUE_MAX:
                    text = text[: _REPR_VALUE_MAX - 3] + "..."
                shown.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(shown)})"


@attrs.frozen(kw_only=True, repr=False)
class Workspace(Resource):
    """A merchant workspace (account): the top-level tenant every other object lives in."""

    _repr_fields = ("id", "account_id", "name", "mode")

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


@attrs.frozen(kw_only=True, repr=False)
class Customer(Resource):
    """Someone who can pay the workspace: the record under payments, subscriptions and invoices."""

    _repr_fields = ("id", "external_id")

    id: str
    """Customer id, ``cus_`` + ULID."""
    arn: str | None = None
    """Fully qualified resource name, ``arn:plugipay:<accountId>:customer/<id>``."""
    account_id: str | None = None
    """The workspace's account id, ``acc_`` + ULID."""
    external_id: str | None = None
    """The integrator's own id for this person; unique per workspace (the dedupe key)."""
    email: str | None = None
    """Primary contact email; not unique."""
    name: str | None = None
    """Display name on receipts and the dashboard."""
    phone: str | None = None
    """Free-form phone number."""
    tax_id: str | None = None
    """NPWP / VAT number shown on invoices."""
    default_payment_token_id: str | None = None
    """The stored payment token (``pt_``) charged by default."""
    metadata: dict[str, str] | None = None
    """Up to 50 string-to-string entries of the integrator's own data."""
    created_at: datetime | None = None
    """When the customer was created."""
    updated_at: datetime | None = None
    """When the customer last changed."""


@attrs.frozen(kw_only=True, repr=False)
class PartnerWorkspace(Resource):
    """A workspace provisioned under a platform partner's billing."""

    _repr_fields = ("account_id", "partner")

    account_id: str | None = None
    """The provisioned workspace's account id, ``acc_`` + ULID."""
    partner: str | None = None
    """The partner it is billed through (``storlaunch``, ``fulkruma``, ...)."""
    discount_rate: float | None = None
    """The partner's discount rate on the workspace's fees."""
    brand_name: str | None = None
    """Public-facing brand of the workspace."""
    business_email: str | None = None
    """Billing contact of the workspace."""
    created_at: datetime | None = None
    """When the workspace was provisioned."""


@attrs.frozen(kw_only=True, repr=False)
class ManagedSubAccount(Resource):
    """The managed sub-account made for the acting workspace."""

    _repr_fields = ("sub_account_id",)

    sub_account_id: str | None = None
    """The provider-side sub-account id."""


@attrs.frozen(kw_only=True, repr=False)
class ManagedOnboardingState(Resource):
    """Where a managed-adapter onboarding stands."""

    _repr_fields = ("state", "provider")

    state: str | None = None
    """The onboarding state, as the provider reports it."""
    provider: str | None = None
    """The payment provider onboarded with (``xendit``)."""
    details: dict[str, Any] | None = None
    """Provider-specific details (links, requirements)."""


@attrs.frozen(kw_only=True, repr=False)
class WebhookEvent(Resource):
    """A webhook delivery: what happened, where, and the object it happened to."""

    _repr_fields = ("id", "type")

    id: str
    """Event id, ``evt_`` + ULID; deliveries are at-least-once, so dedupe on it."""
    type: str | None = None
    """Event type, e.g. ``plugipay.customer.created.v1`` or ``workspace.member_role_changed``."""
    account_id: str | None = None
    """Account id of the workspace the event belongs to."""
    workspace_id: str | None = None
    """Workspace id (``ws_``) the event belongs to."""
    created_at: datetime | None = None
    """When the event happened."""
    data: Customer | Workspace | WorkspaceMember | dict[str, Any] | None = None
    """The event's object: a model for known types, the payload dict for types the SDK doesn't know."""
    previous_attributes: dict[str, Any] | None = None
    """Wire names and former values of what changed (``{"role": "member"}``), when given."""
