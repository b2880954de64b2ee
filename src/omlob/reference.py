"""Reference data that ``omlob setup`` loads: a registry each domain adds its loaders to.

A loader is idempotent (loading the same version twice changes nothing) and returns how many
records it holds. The footprint and classification issues register factor sets and code lists
here; the foundation has none of its own yet.
"""

from __future__ import annotations

from collections.abc import Callable

Loader = Callable[[], int]
LOADERS: dict[str, Loader] = {}


def register(name: str) -> Callable[[Loader], Loader]:
    def decorator(loader: Loader) -> Loader:
        LOADERS[name] = loader
        return loader

    return decorator


def load_reference_data() -> dict[str, int]:
    """Run every registered loader; returns records per data set."""
    return {name: loader() for name, loader in LOADERS.items()}
