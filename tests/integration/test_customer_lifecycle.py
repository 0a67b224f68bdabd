"""A tenant's lifecycle through the Functions emulator: deactivation revokes its API keys at once
and, through ``customer.deactivated``, disables its users and revokes their sessions;
reactivation within the grace period undoes it; the scheduled job closes expired tenants; every
tenant write emits its ``customer.*`` events."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from customer import keys, lifecycle
from customer import repositories as repos
from customer.models.keys import CreateApiKey
from shared.unit_of_work import in_transaction
from tests.support.callables import CallableError, call
from tests.support.emulators import eventually
from tests.support.users import auth_account, create_user, sign_in, token_refused, unique_id
from user import repositories as user_repos

REASON = {"reason": "too-expensive", "feedback": "Great, but pricey", "recommendationScore": 7}


@pytest.fixture
def platform_admin():
    return create_user(tenant_id=None, roles=["platform-admin"], platform_admin=True)


@pytest.fixture
def customer(seeded_tenant):
    """The seeded tenant (``conftest.seeded_tenant``): its document and its people's profiles."""
    return seeded_tenant


def test_deactivation_revokes_api_keys_at_once_and_then_every_users_session(
    customer, platform_admin, tap_events
):
    key = in_transaction(
        lambda uow: keys.create_api_key(
            uow, customer.id, customer.admin.uid, CreateApiKey(name="erp", scopes=["users.read"])
        )
    )
    tap = tap_events("customer-events")
    time.sleep(1.1)  # revocation counts whole seconds: the users' tokens must predate it

    answer = call("customer_deactivate", REASON, customer.admin)

    assert answer["apiKeysRevoked"] == 1
    assert answer["tenant"]["status"] == "deactivated"
    assert repos.api_keys(customer.id).require(key.key.id).status == "revoked"
    stored = repos.tenants().require(customer.id)
    assert stored.deactivation is not None
    assert (stored.deactivation.reason, stored.deactivation.recommendation_score) == (
        "too-expensive",
        7,
    )
    event = tap.wait_for(lambda e: e.type == "customer.deactivated" and e.tenant_id == customer.id)
    assert event.data["reason"] == "too-expensive"
    people = [customer.admin, customer.manager, customer.member]
    eventually(lambda: all(auth_account(p.uid).disabled for p in people), timeout=60)
    assert all(token_refused(p.id_token) for p in people)
    profiles = user_repos.access_views(customer.id)
    assert all(profiles.require(p.uid).disabled_by == "tenant" for p in people)

    # The deactivating admin is out too: the revocation-checked callable refuses their token.
    with pytest.raises(CallableError) as refused:
        call("customer_deactivate", REASON, customer.admin)
    assert refused.value.details["type"] == "auth/disabled"  # the profile says so at once
    # A retried deactivation changes nothing.
    again = call("customer_deactivate", {**REASON, "tenantId": customer.id}, platform_admin)
    assert again["apiKeysRevoked"] == 0


def test_reactivation_within_the_grace_period_re_enables_only_the_users_it_disabled(
    customer, platform_admin, tap_events
):
    from firebase_admin import auth

    from shared.clients import admin_app

    # The member was disabled on their own before the tenant left: they stay disabled.
    auth.update_user(customer.member.uid, disabled=True, app=admin_app())
    user_repos.access_views(customer.id).update(customer.member.uid, {"disabled": True})
    call("customer_deactivate", REASON, customer.admin)
    eventually(lambda: auth_account(customer.manager.uid).disabled, timeout=60)
    tap = tap_events("customer-events")

    answer = call("customer_reactivate", {"tenantId": customer.id}, platform_admin)

    assert answer["tenant"]["status"] == "active"
    tap.wait_for(lambda e: e.type == "customer.reactivated" and e.tenant_id == customer.id)
    eventually(lambda: not auth_account(customer.manager.uid).disabled, timeout=60)
    eventually(lambda: not auth_account(customer.admin.uid).disabled, timeout=30)
    assert auth_account(customer.member.uid).disabled
    assert not token_refused(sign_in(customer.manager.email))


def test_after_the_grace_period_reactivation_is_refused_and_the_schedule_closes_the_tenant(
    customer, platform_admin
):
    call("customer_deactivate", REASON, customer.admin)
    past = datetime.now(UTC) - timedelta(minutes=1)
    repos.tenants().update(customer.id, {"deactivation.gracePeriodEndsAt": past})

    with pytest.raises(CallableError) as refused:
        call("customer_reactivate", {"tenantId": customer.id}, platform_admin)
    assert refused.value.status == "FAILED_PRECONDITION"
    assert refused.value.details["type"] == "tenant/grace-period-ended"

    assert lifecycle.close_expired_tenants() >= 1
    tenant = repos.tenants().require(customer.id)
    assert tenant.status == "closed" and tenant.closed_at is not None
    closed_at = tenant.closed_at
    lifecycle.close_expired_tenants()  # a second run changes nothing
    assert repos.tenants().require(customer.id).closed_at == closed_at


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "bored"}, "reason"),
        ({"recommendationScore": 11}, "recommendationScore"),
        ({"gracePeriodEndsAt": "2001-01-01T00:00:00Z"}, "gracePeriodEndsAt"),
        ({"feedback": "x" * 2001}, "feedback"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_deactivation_input_is_invalid_argument_naming_the_field(customer, change, field):
    with pytest.raises(CallableError) as refused:
        call("customer_deactivate", {**REASON, **change}, customer.admin)

    assert refused.value.status == "INVALID_ARGUMENT"
    assert field in refused.value.fields
    assert repos.tenants().require(customer.id).status == "active"


def test_members_other_tenants_and_tenant_admins_cannot_change_the_lifecycle(
    customer, other_tenant
):
    attempts = [
        ("customer_deactivate", REASON, customer.member),
        ("customer_deactivate", {**REASON, "tenantId": customer.id}, other_tenant.admin),
        ("customer_reactivate", {"tenantId": customer.id}, customer.admin),
    ]
    for name, payload, caller in attempts:
        with pytest.raises(CallableError) as refused:
            call(name, payload, caller)
        assert refused.value.status == "PERMISSION_DENIED", name
    with pytest.raises(CallableError) as refused:
        call("customer_deactivate", REASON)
    assert refused.value.status == "UNAUTHENTICATED"
    assert repos.tenants().require(customer.id).status == "active"


def test_tenant_writes_emit_created_and_updated_with_the_changed_fields(platform_admin, tap_events):
    tap = tap_events("customer-events")
    created = call(
        "customer_create",
        {
            "name": "Evented",
            "adminEmail": f"{unique_id('boss')}@evented.test",
            "products": ["core"],
            "address": {
                "line1": "1 Main St",
                "city": "Rome",
                "postalCode": "00100",
                "country": "IT",
            },
        },
        platform_admin,
    )
    tenant_id = created["tenantId"]
    call("customer_update", {"tenantId": tenant_id, "name": "Evented Ltd"}, platform_admin)

    first = tap.wait_for(lambda e: e.type == "customer.created" and e.tenant_id == tenant_id)
    assert first.data["name"] == "Evented"
    updated = tap.wait_for(lambda e: e.type == "customer.updated" and e.tenant_id == tenant_id)
    assert updated.data["changedFields"] == ["name"]
