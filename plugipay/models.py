"""The public model classes (what the client methods and ``webhooks.verify`` return) and the type
aliases of their enum-like fields, from the model modules' declarations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._models import PUBLIC as _PUBLIC
from ._models._base import Resource as Resource

# Type checkers read the names from the families' literal __all__ lists; one line per family.
if TYPE_CHECKING:
    from ._models.billing import *  # noqa: F403
    from ._models.checkout import *  # noqa: F403
    from ._models.configuration import *  # noqa: F403
    from ._models.customers import *  # noqa: F403
    from ._models.events import *  # noqa: F403
    from ._models.gift_cards import *  # noqa: F403
    from ._models.invoices import *  # noqa: F403
    from ._models.ledger import *  # noqa: F403
    from ._models.payouts import *  # noqa: F403
    from ._models.platform import *  # noqa: F403
    from ._models.refunds import *  # noqa: F403
    from ._models.webhooks import *  # noqa: F403
    from ._models.workspaces import *  # noqa: F403
else:
    globals().update(_PUBLIC)
    __all__ = sorted(_PUBLIC)
