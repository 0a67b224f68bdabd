"""When a profile write queues a de-identification at once (pure: the cases that queue nothing;
the one that queues is proven against the emulators in test_user_lifecycle.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from user import deidentify, user_events

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ACTIVE = {"type": "consumer", "disabled": False}


def disabling(deidentify_at: datetime | None) -> tuple[list, dict]:
    after = {**ACTIVE, "disabled": True, "disabledBy": "tenant", "deidentifyAt": deidentify_at}
    return user_events.events_for_change("c", "t1", "u1", ACTIVE, after), after


def test_a_disabling_whose_retention_runs_into_the_future_is_left_to_the_daily_run():
    found, after = disabling(NOW + timedelta(days=90))

    assert not deidentify.queue_if_due("t1", "u1", found, after, now=NOW)


def test_a_write_that_disables_no_one_queues_nothing_even_when_the_date_has_passed():
    after = {**ACTIVE, "disabled": True, "deidentifyAt": NOW - timedelta(days=1), "x": 1}
    before = {**after, "x": 0}
    found = user_events.events_for_change("c", "t1", "u1", before, after)

    assert [e.type for e in found] == ["user.updated"]
    assert not deidentify.queue_if_due("t1", "u1", found, after, now=NOW)


def test_a_disabling_without_a_retention_date_queues_nothing():
    found, after = disabling(None)

    assert not deidentify.queue_if_due("t1", "u1", found, after, now=NOW)
