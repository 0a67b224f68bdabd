"""Fields tenant admins may not read (``private`` in static/user_attributes.yaml) are stored in
``tenants/{t}/users/{uid}/private/profile``, which only the owner reads through the rules: so
an admin reading profile documents straight from Firestore never sees a consumer's phone,
address or about. The owner's callables merge them back; de-identification removes them; the
migration moves data written before the split."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.clients import firestore_client
from tests.support.callables import call
from tests.support.user_profiles import seed_user_profile
from tests.support.users import create_user
from user import deidentify
from user import repositories as repos
from user.migrations import m0001_private_profile_fields as migration

ADDRESS = {"line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "DE"}
PRIVATE = {"phone": "+49 30 999", "address": ADDRESS, "about": "Hi", "pronouns": "she/her"}


def profile_document(tenant_id: str, uid: str) -> dict:
    """The profile document as a tenant admin's direct Firestore read would get it."""
    return firestore_client().document(f"tenants/{tenant_id}/users/{uid}").get().to_dict() or {}


def private_document(tenant_id: str, uid: str) -> dict | None:
    path = f"tenants/{tenant_id}/users/{uid}/private/profile"
    return firestore_client().document(path).get().to_dict()


@pytest.fixture
def people(seeded_tenant):
    """The seeded tenant (``conftest.seeded_tenant``), plus a consumer with a profile."""
    tenant = seeded_tenant
    consumer = create_user(tenant_id=tenant.id, roles=["member"])
    seed_user_profile(tenant.id, consumer, type="consumer")
    tenant.consumer = consumer
    return tenant


def test_a_consumers_private_fields_are_kept_out_of_the_document_admins_read(people):
    answer = call("user_update_profile", PRIVATE, people.consumer)["profile"]

    assert {key: answer[key] for key in PRIVATE} == PRIVATE
    stored = profile_document(people.id, people.consumer.uid)
    assert all(stored.get(key) is None for key in PRIVATE)
    private = private_document(people.id, people.consumer.uid)
    assert private is not None
    assert (private["phone"], private["about"], private["pronouns"]) == (
        "+49 30 999",
        "Hi",
        "she/her",
    )
    assert private["address"]["line1"] == ADDRESS["line1"]
    own = call("user_get_profile", {}, people.consumer)["profile"]
    assert {key: own[key] for key in PRIVATE} == PRIVATE
    seen = call("user_get_profile", {"userId": people.consumer.uid}, people.admin)["profile"]
    assert not set(PRIVATE) & set(seen)


def test_clearing_the_last_private_field_removes_the_private_document(people):
    call("user_update_profile", {"phone": "+49 1"}, people.consumer)

    call("user_update_profile", {"phone": None}, people.consumer)

    assert private_document(people.id, people.consumer.uid) is None
    assert "phone" not in call("user_get_profile", {}, people.consumer)["profile"]


def test_a_change_of_type_moves_the_fields_between_the_documents(people):
    call("user_update_profile", PRIVATE, people.consumer)

    change = {"userId": people.consumer.uid, "type": "business"}
    call("user_admin_update", change, people.admin)

    # business: admins read phone and pronouns (profile document), not address or about
    stored = profile_document(people.id, people.consumer.uid)
    assert (stored["phone"], stored["pronouns"]) == (PRIVATE["phone"], PRIVATE["pronouns"])
    private = private_document(people.id, people.consumer.uid)
    assert private is not None
    assert (private["about"], private["phone"]) == ("Hi", None)

    change = {"userId": people.consumer.uid, "type": "consumer"}
    call("user_admin_update", change, people.admin)

    assert profile_document(people.id, people.consumer.uid).get("phone") is None
    private = private_document(people.id, people.consumer.uid)
    assert private is not None
    assert private["phone"] == PRIVATE["phone"]
    own = call("user_get_profile", {}, people.consumer)["profile"]
    assert {key: own[key] for key in PRIVATE} == PRIVATE


def test_deidentification_removes_the_private_document_in_the_same_transaction(people):
    call("user_update_profile", PRIVATE, people.consumer)
    past = datetime.now(UTC) - timedelta(days=1)
    repos.profiles(people.id).update(people.consumer.uid, {"disabled": True, "deidentify_at": past})

    deidentify.deidentify(people.id, people.consumer.uid)  # the trigger's task may be first

    assert repos.profiles(people.id).require(people.consumer.uid).deidentified
    assert private_document(people.id, people.consumer.uid) is None


def test_the_migration_moves_fields_written_before_the_split_once(people):
    legacy = create_user(tenant_id=people.id, roles=["member"])
    seed_user_profile(
        people.id, legacy, type="consumer", phone="+49 30 1", about="Old", pronouns="they"
    )
    business = create_user(tenant_id=people.id, roles=["member"])
    seed_user_profile(people.id, business, type="business", phone="+49 30 2", about="Desk")

    assert migration.apply() >= 2

    stored = profile_document(people.id, legacy.uid)
    assert (stored.get("phone"), stored.get("about"), stored.get("pronouns")) == (None,) * 3
    private = private_document(people.id, legacy.uid)
    assert private is not None
    assert (private["phone"], private["about"], private["pronouns"]) == ("+49 30 1", "Old", "they")
    # a business user's phone stays where admins read it; the about goes
    assert profile_document(people.id, business.uid)["phone"] == "+49 30 2"
    private = private_document(people.id, business.uid)
    assert private is not None
    assert private["about"] == "Desk"
    assert not migration.move(people.id, legacy.uid)
    assert not migration.move(people.id, business.uid)
