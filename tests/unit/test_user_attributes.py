"""The attribute config: the shipped file loads, and an unsafe config is refused at load."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from shared.static_config import read_static
from user.attributes import CONFIG_FILE, attribute_config, parse_config
from user.models.profiles import UserType


@pytest.fixture
def shipped():
    return read_static(CONFIG_FILE)


def test_the_shipped_config_loads_and_protects_every_sensitive_field():
    config = attribute_config()
    for section in (config.own, config.others):
        for access in section.values():
            assert not access.write & config.protected
            assert {"id", "tenantId", "email"} <= access.read
    assert "type" not in config.access(own=True, profile_type=UserType.CONSUMER).write
    assert "type" in config.access(own=False, profile_type=UserType.BUSINESS).write


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c["self"]["consumer"]["write"].append("roles"), "protected"),
        (lambda c: c["others"]["business"]["write"].append("disabled"), "protected"),
        (lambda c: c["self"]["business"]["write"].append("type"), "protected"),
        (lambda c: c["protected"].remove("email"), "protected must include"),
        (lambda c: c["self"]["consumer"]["read"].append("shoeSize"), "unknown"),
        (lambda c: c["self"]["consumer"]["read"].remove("email"), "must include"),
        (lambda c: c["others"].pop("consumer"), "every user type"),
        (lambda c: c["others"]["consumer"]["write"].append("searchName"), "protected"),
        (lambda c: c["private"].remove("about"), "must be listed under private"),
        (lambda c: c["private"].remove("pronouns"), "under private"),
    ],
)
def test_an_unsafe_config_is_refused_at_load(shipped, mutate, message):
    config = copy.deepcopy(shipped)
    mutate(config)
    with pytest.raises(ValidationError, match=message):
        parse_config(config)


def test_the_private_fields_of_each_type_are_those_admins_may_not_read():
    from user.private_fields import private_names

    assert private_names(UserType.CONSUMER) == {"phone", "address", "about", "pronouns"}
    assert private_names(UserType.BUSINESS) == {"address", "about"}
