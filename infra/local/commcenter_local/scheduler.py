"""Runs the template's Schedule events locally, with EventBridge's "Scheduled Event" payload (or the
event's `Input`)."""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from commcenter_local.functions import LoadedFunction
from commcenter_local.template import Schedule

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MONTHS = {
    m: i
    for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)
}


def rate_seconds(expression: str) -> int | None:
    found = _RATE.match(expression.strip())
    if not found:
        return None
    count, unit = int(found.group(1)), found.group(2).rstrip("s")
    if count < 1:
        raise ValueError(f"{expression}: the rate must be at least 1")
    return count * _UNIT_SECONDS[unit]


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    if text in ("*", "?"):
        return set(range(low, high + 1))
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base in ("*", "?"):
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _value(first, names), _value(last, names)
        else:
            start = _value(base, names)
            end = high if step_text else start
        if not low <= start <= end <= high:
            raise ValueError(f"cron field {text!r} is out of range {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    return int(text)


class Cron:
    """AWS's six-field cron (minutes hours day-of-month month day-of-week year), in UTC."""

    def __init__(self, expression: str) -> None:
        fields = expression.strip()[len("cron(") : -1].split()
        if not expression.strip().startswith("cron(") or len(fields) != 6:
            raise ValueError(f"not an AWS cron expression: {expression!r}")
        minutes, hours, dom, month, dow, year = fields
        if any(token in dom + dow for token in ("L", "W", "#")):
            raise ValueError(f"{expression}: L, W and # are not supported by the local scheduler")
        self.minutes = _field(minutes, 0, 59)
        self.hours = _field(hours, 0, 23)
        self.days = _field(dom, 1, 31)
        self.months = _field(month, 1, 12, _MONTHS)
        self.weekdays = _field(dow, 1, 7, _DAYS)
        self.years = None if year in ("*", "?") else _field(year, 1970, 2199)

    def matches(self, moment: datetime) -> bool:
        weekday = (moment.isoweekday() % 7) + 1  # AWS: Sunday is 1
        return (
            moment.minute in self.minutes
            and moment.hour in self.hours
            and moment.day in self.days
            and moment.month in self.months
            and weekday in self.weekdays
            and (self.years is None or moment.year in self.years)
        )

    def next_after(self, moment: datetime) -> datetime:
        candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(60 * 24 * 366 * 2):
            if self.matches(candidate):
                return candidate
            candidate += timedelta(minutes=1)
        raise ValueError("the cron expression never fires")


def scheduled_event(schedule: Schedule, at: datetime) -> Any:
    """What EventBridge hands the function: the event's `Input` when it has one, else the
    "Scheduled Event" of the moment."""
    if schedule.input is not None:
        return json.loads(schedule.input)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:000000000000:rule/{schedule.function}-{schedule.event}"],
        "detail": {},
    }


class Scheduler:
    """One thread per schedule; a failing run is logged and the next run happens on time."""

    def __init__(self, schedules: list[Schedule], functions: dict[str, LoadedFunction]) -> None:
        self.schedules = [s for s in schedules if s.enabled]
        self.functions = functions
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.runs: dict[str, int] = {}
        for schedule in self.schedules:
            if rate_seconds(schedule.expression) is None:
                Cron(schedule.expression)  # refuse a bad expression at start, not at its first run

    def start(self) -> None:
        for schedule in self.schedules:
            thread = threading.Thread(
                target=self._loop, args=(schedule,), name=f"schedule-{schedule.function}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _loop(self, schedule: Schedule) -> None:
        interval = rate_seconds(schedule.expression)
        cron = None if interval is not None else Cron(schedule.expression)
        while not self._stop.is_set():
            now = datetime.now(UTC)
            at = now + timedelta(seconds=interval) if interval is not None else cron.next_after(now)  # type: ignore[union-attr]
            if self._stop.wait((at - now).total_seconds()):
                return
            self.run_once(schedule, at)

    def run_once(self, schedule: Schedule, at: datetime) -> Any:
        key = f"{schedule.function}.{schedule.event}"
        try:
            return self.functions[schedule.function].invoke(scheduled_event(schedule, at))
        except Exception as error:  # the next tick runs anyway, as EventBridge would retry
            print(f"scheduled run of {key} failed: {error!r}", flush=True)
            return None
        finally:
            self.runs[key] = self.runs.get(key, 0) + 1
