"""svckit.clock: the one clock of every service (identity's advance, billing's pinned day)."""

from datetime import UTC, date, datetime, timedelta

from svckit.clock import Clock, utcnow, utctoday


class _Container:
    def __init__(self, config):
        self.config = config


def _clock(config=None, **kwargs) -> Clock:
    clock = Clock(**kwargs)
    clock.container = _Container(config or {})
    clock.setup()
    return clock


def test_now_is_timezone_aware_utc_and_today_follows_it():
    clock = _clock()
    before = datetime.now(UTC)
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)
    assert clock.today() == now.date() or clock.today() == utctoday()
    assert clock.get_dependency(None) is clock
    assert utcnow().tzinfo is not None


def test_advance_shifts_now_and_today():
    clock = _clock()
    clock.advance(days=3)
    clock.advance(minutes=11)
    assert clock.offset == timedelta(days=3, minutes=11)
    assert clock.now() - datetime.now(UTC) > timedelta(days=3, minutes=10)
    assert clock.today() == (datetime.now(UTC) + timedelta(days=3, minutes=11)).date()


def test_a_config_setting_pins_today_but_not_now():
    clock = _clock({"BILLING_TODAY": "2027-02-10"}, pinned_today=lambda config: config.get("BILLING_TODAY"))
    assert clock.today() == date(2027, 2, 10)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    clock.fixed = date(2027, 3, 1)
    assert clock.today() == date(2027, 3, 1)
    assert _clock({}, pinned_today=lambda config: config.get("BILLING_TODAY")).today() == utctoday()
    assert _clock({"BILLING_TODAY": "2027-02-10"}).today() == utctoday()  # nothing pins it
