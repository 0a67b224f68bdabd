"""Every declaration of static/ loads through one loader, validated, once per process."""

from __future__ import annotations

from customer.catalog import ProductCatalog, product_ids, unknown_products
from shared.static_config import load_static, read_static


def test_a_declaration_is_read_once_and_the_same_model_is_returned_again():
    first = load_static("products.yaml", ProductCatalog)

    assert load_static("products.yaml", ProductCatalog) is first


def test_the_products_declaration_is_validated_into_a_model_with_every_declared_product():
    declared = set(read_static("products.yaml")["products"])

    assert product_ids() == declared
    assert {"core", "projects"} <= declared
    assert unknown_products(["core", "nope"]) == ["nope"]
