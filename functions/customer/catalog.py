"""The products a tenant can subscribe to, declared in ``static/products.yaml``."""

from pydantic import BaseModel, ConfigDict, Field

from shared.static_config import load_static


class Product(BaseModel):
    """One product of ``static/products.yaml``; its id lands in the ``products`` claim."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    description: str = Field(default="", description="What subscribing to it gives a tenant.")


class ProductCatalog(BaseModel):
    """``static/products.yaml``: every product, by id."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    products: dict[str, Product] = Field(default_factory=dict)


def product_ids() -> frozenset[str]:
    """The ids of every declared product (read and validated once per process)."""
    return frozenset(load_static("products.yaml", ProductCatalog).products)


def unknown_products(requested: list[str]) -> list[str]:
    return sorted(set(requested) - product_ids())
