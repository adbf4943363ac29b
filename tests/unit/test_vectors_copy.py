"""The repository's copy of the wire-contract vectors is exactly the shared one.

The copy (``tests/vectors``) is what the tests read, so a clone runs on its own. Its digests are
pinned here; where the shared originals sit beside the checkout (``../shared/vectors``), the copy
must also equal them byte for byte, so a changed vector can't go unnoticed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import VECTORS_DIR

SHARED = Path(__file__).resolve().parents[3] / "shared" / "vectors"
DIGESTS = {
    "signing.jsonl": "ea5883e6b58ee4a91ae6923a68b60b2bf77bd3418a28ca6db4e8a7c5467ccea1",
    "webhooks.jsonl": "7b796acff516c8f2d69d302273efe4310a5810a9f6d442c63689fc1fbd31c017",
}


def test_the_copy_has_the_pinned_digests() -> None:
    assert sorted(p.name for p in VECTORS_DIR.glob("*.jsonl")) == sorted(DIGESTS)
    for name, digest in DIGESTS.items():
        assert hashlib.sha256((VECTORS_DIR / name).read_bytes()).hexdigest() == digest, name


def test_the_copy_equals_the_shared_vectors_where_they_are_beside_the_checkout() -> None:
    shared = sorted(SHARED.glob("*.jsonl")) if SHARED.is_dir() else []
    for original in shared:
        assert (VECTORS_DIR / original.name).read_bytes() == original.read_bytes(), original.name
