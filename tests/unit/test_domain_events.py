"""What a document write means as domain events (pure: no emulator)."""

from __future__ import annotations

from datetime import UTC, datetime

from customer import tenant_events
from user import user_events

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_tenant_deactivation_is_an_update_of_its_fields_and_a_lifecycle_event():
    before = {"name": "Acme", "status": "active", "updatedAt": NOW}
    after = {
        "name": "Acme",
        "status": "deactivated",
        "deactivation": {"reason": "other", "gracePeriodEndsAt": NOW},
        "updatedAt": datetime.now(UTC),
    }

    found = tenant_events.events_for_change("cause-1", "t1", before, after)

    assert [e.type for e in found] == ["customer.updated", "customer.deactivated"]
    assert found[0].data["changedFields"] == ["deactivation", "status"]
    assert found[1].data == {"reason": "other", "gracePeriodEndsAt": NOW.isoformat()}
    again = tenant_events.events_for_change("cause-1", "t1", before, after)
    assert [e.id for e in again] == [e.id for e in found]  # a re-delivered trigger


def test_a_write_that_changes_only_bookkeeping_emits_nothing():
    before = {"name": "Acme", "updatedAt": NOW, "version": 1}
    after = {"name": "Acme", "updatedAt": datetime.now(UTC), "version": 2}

    assert tenant_events.events_for_change("c", "t1", before, after) == []


def test_the_auth_services_stamps_on_a_profile_are_not_a_user_update():
    before = {"roles": ["member"], "jwtUpdatedAt": NOW}
    after = {"roles": ["member"], "jwtUpdatedAt": datetime.now(UTC), "claimsJobId": "job"}

    assert user_events.events_for_change("c", "t1", "u1", before, after) == []


def test_disabling_a_profile_emits_the_update_and_user_disabled_then_reactivation():
    active = {"roles": ["member"], "type": "consumer", "disabled": False}
    disabled = {**active, "disabled": True, "disabledBy": "admin", "disabledAt": NOW}

    found = user_events.events_for_change("c", "t1", "u1", active, disabled)
    back = user_events.events_for_change("d", "t1", "u1", disabled, active)

    assert [e.type for e in found] == ["user.updated", "user.disabled"]
    assert found[0].data["changedFields"] == ["disabled", "disabledAt", "disabledBy"]
    assert found[1].data["disabledBy"] == "admin" and found[1].data["type"] == "consumer"
    assert [e.type for e in back] == ["user.updated", "user.reactivated"]


def test_an_event_without_a_tenant_survives_the_wire():
    from shared.events import DomainEvent, new_event

    event = new_event("auth.user_created", tenant_id=None, subject_id="u1", data={"x": 1})
    wire = event.to_wire()

    assert "tenantId" not in wire  # absent on the wire, as every None field is
    assert DomainEvent.model_validate(wire) == event
