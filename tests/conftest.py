"""Fixtures shared across test folders.

``azurite_instance`` / ``azurite_connection_string``: one in-memory Azurite per test session (per
xdist worker), shared by the state-store and function-app tests. Tests using them fail, not skip,
when Azurite cannot start; the helper raises with Azurite's output.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testkit.azurite import Azurite, azurite


@pytest.fixture(scope="session")
def azurite_instance() -> Iterator[Azurite]:
    """One in-memory Azurite per test session (per xdist worker), on free loopback ports."""
    with azurite() as instance:
        yield instance


@pytest.fixture(scope="session")
def azurite_connection_string(azurite_instance: Azurite) -> str:
    """Connection string reaching Azurite's blob, queue and table endpoints."""
    return azurite_instance.connection_string
