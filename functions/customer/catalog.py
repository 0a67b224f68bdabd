"""The products a tenant can subscribe to, declared in ``static/products.yaml``."""

from __future__ import annotations

import functools

from shared.settings import get_settings


@functools.cache
def product_ids() -> frozenset[str]:
    import yaml

    with open(get_settings().static_dir / "products.yaml", encoding="utf-8") as source:
        return frozenset((yaml.safe_load(source) or {}).get("products") or {})


def unknown_products(requested: list[str]) -> list[str]:
    return sorted(set(requested) - product_ids())
