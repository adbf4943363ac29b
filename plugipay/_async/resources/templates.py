"""``plug.templates``: how receipts, invoices and the checkout page look (SURVEY §1.14, §2
"Template"). A template's ``config`` is a dict under wire names (``thankYouText``,
``accentColor``, ...); ``preview`` renders one as HTML without saving it."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from ... import _validation as checks
from ..._fields import Field, Fields
from ..._models.configuration import Template
from ..._types import NOT_GIVEN, NotGivenOr
from ..._urls import quote_segment
from ..._validation import check_choice
from ._base import AsyncResource, text_of

__all__ = ["AsyncTemplates"]

_PATH = "/api/v1/templates"
_HTML = "text/html, application/json"
KINDS = ("receipt", "invoice", "checkout")
FIELDS = Fields(
    {
        "kind": Field("kind", checks.choice(*KINDS), required=True, clearable=False),
        "name": Field("name", checks.text(255), required=True, clearable=False),
        "config": Field(
            "config", checks.json_object(), required=True, clearable=False, convert=checks.as_dict
        ),
        "is_default": Field("isDefault", checks.boolean(), clearable=False),
    },
    path_ids=frozenset({"template_id"}),
)
"""A template's fields; only ``name`` and ``config`` change after it is made."""


def _template_path(template_id: str, *rest: str) -> str:
    return "/".join((_PATH, quote_segment(template_id, "template_id"), *rest))


class AsyncTemplates(AsyncResource):
    """Make, list, change, copy and delete templates; pick the default of a kind; preview one."""

    __slots__ = ()

    async def list(self, *, kind: str | None = None) -> builtins.list[Template]:
        """The templates of the key's mode, of one ``kind`` (``receipt``, ``invoice`` or
        ``checkout``) or of all (one answer, not paginated)."""
        check_choice("kind", kind, KINDS)
        return await self._call_list(Template, "GET", _PATH, query=[("kind", kind)])

    async def create(
        self,
        *,
        kind: str,
        name: str,
        config: Mapping[str, Any],
        is_default: bool | None = None,
        idempotency_key: str | None = None,
    ) -> Template:
        """A new template of ``kind`` named ``name``; ``is_default=True`` makes documents of its
        kind use it. Returns it."""
        body = FIELDS.create_body(locals())
        return await self._call(Template, "POST", _PATH, body=body, idempotency_key=idempotency_key)

    async def get(self, template_id: str) -> Template:
        """One template by ``tpl_`` id."""
        return await self._call(Template, "GET", _template_path(template_id))

    retrieve = get

    async def update(
        self,
        template_id: str,
        *,
        name: NotGivenOr[str] = NOT_GIVEN,
        config: NotGivenOr[Mapping[str, Any]] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Template:
        """Rename a template or replace its ``config`` (the whole of it: settings left out go
        back to their defaults). Returns it."""
        body = FIELDS.update_body(locals())
        return await self._call(
            Template,
            "PATCH",
            _template_path(template_id),
            body=body,
            idempotency_key=idempotency_key,
        )

    async def delete(self, template_id: str, *, idempotency_key: str | None = None) -> None:
        """Delete a template."""
        await self._call_no_content(
            "DELETE", _template_path(template_id), idempotency_key=idempotency_key
        )

    async def duplicate(self, template_id: str, *, idempotency_key: str | None = None) -> Template:
        """A copy of a template, named ``"<name> (copy)"`` and not the default; returns it."""
        return await self._call(
            Template,
            "POST",
            _template_path(template_id, "duplicate"),
            idempotency_key=idempotency_key,
        )

    async def make_default(
        self, template_id: str, *, idempotency_key: str | None = None
    ) -> Template:
        """Make a template the default of its kind (the previous default stops being it);
        returns it."""
        return await self._call(
            Template,
            "POST",
            _template_path(template_id, "make-default"),
            idempotency_key=idempotency_key,
        )

    async def preview(self, *, kind: str, config: Mapping[str, Any]) -> str:
        """``config`` rendered as a ``kind`` document with sample data, as an HTML page; nothing
        is saved."""
        body = FIELDS.create_body({"kind": kind, "config": config})
        content_type, page = await self._download(
            f"{_PATH}/preview", _HTML, method="POST", body=body
        )
        return text_of(content_type, page)
