"""Prometheus metrics: request counts and latency per route from each process, and figures read from the
database at scrape time (devices by state, job runs by outcome, the scheduler's heartbeat, the e-mail outbox).

With several uvicorn workers `kierto serve` sets PROMETHEUS_MULTIPROC_DIR before the workers start, and
a scrape adds up every worker's figures (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from piccolo.query.functions.aggregate import Count, Max
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from inventory.clock import now
from inventory.devices.tables import Device
from inventory.operations.notifications.tables import Notification
from inventory.operations.scheduling.choices import Outcome
from inventory.operations.scheduling.heartbeat import scheduler_status
from inventory.operations.scheduling.tables import JobRun

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RECENT_RUNS = dt.timedelta(hours=24)

HTTP_REQUESTS = Counter(
    "kierto_http_requests",
    "HTTP requests answered, by method, route and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "kierto_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge(
    "kierto_http_requests_in_progress", "HTTP requests being answered now.", multiprocess_mode="livesum"
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request."""
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


@dataclass
class DatabaseFigures:
    """What a scrape reads from the database."""

    devices: list[tuple[str, str, int]] = field(default_factory=list)  # site, state, count
    job_runs: list[tuple[str, str, int]] = field(default_factory=list)  # job, outcome, count (last 24 h)
    last_success: list[tuple[str, float]] = field(default_factory=list)  # job, unix time
    heartbeat_age: float | None = None
    emails: list[tuple[str, int]] = field(default_factory=list)  # status, count


async def read_database_figures(heartbeat_seconds: float) -> DatabaseFigures:
    """Read the figures (a few grouped counts; cheap even with 100,000 devices)."""
    figures = DatabaseFigures()
    rows = await Device.select(
        Device.site.code.as_alias("site"), Device.state, Count(Device.id).as_alias("n")
    ).group_by(Device.site.code, Device.state)
    figures.devices = [(row["site"], row["state"], int(row["n"])) for row in rows]
    rows = (
        await JobRun.select(JobRun.job, JobRun.outcome, Count(JobRun.id).as_alias("n"))
        .where(JobRun.created_at >= now() - RECENT_RUNS)
        .group_by(JobRun.job, JobRun.outcome)
    )
    figures.job_runs = [(row["job"], row["outcome"], int(row["n"])) for row in rows]
    rows = (
        await JobRun.select(JobRun.job, Max(JobRun.finished_at).as_alias("at"))
        .where(JobRun.outcome == Outcome.SUCCEEDED.value)
        .group_by(JobRun.job)
    )
    figures.last_success = [(row["job"], _timestamp(row["at"])) for row in rows if row["at"] is not None]
    figures.heartbeat_age = (await scheduler_status(heartbeat_seconds)).age_seconds
    rows = await Notification.select(
        Notification.email_status, Count(Notification.id).as_alias("n")
    ).group_by(Notification.email_status)
    figures.emails = [(row["email_status"], int(row["n"])) for row in rows]
    return figures


def _timestamp(value: dt.datetime | str) -> float:
    # SQLite hands aggregates back as text.
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


class DatabaseCollector(Collector):
    """Hands already-read database figures to prometheus-client."""

    def __init__(self, figures: DatabaseFigures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The figures as gauges."""
        devices = GaugeMetricFamily("kierto_devices", "Devices by site and state.", labels=["site", "state"])
        for site, state, count in self.figures.devices:
            devices.add_metric([site, state], count)
        yield devices
        runs = GaugeMetricFamily(
            "kierto_job_runs_recent",
            "Job runs started in the last 24 hours, by outcome.",
            labels=["job", "outcome"],
        )
        for job, outcome, count in self.figures.job_runs:
            runs.add_metric([job, outcome], count)
        yield runs
        success = GaugeMetricFamily(
            "kierto_job_last_success_timestamp_seconds", "When each job last succeeded.", labels=["job"]
        )
        for job, moment in self.figures.last_success:
            success.add_metric([job], moment)
        yield success
        if self.figures.heartbeat_age is not None:
            yield GaugeMetricFamily(
                "kierto_scheduler_heartbeat_age_seconds",
                "Seconds since the active scheduler last beat.",
                value=self.figures.heartbeat_age,
            )
        emails = GaugeMetricFamily(
            "kierto_notification_emails", "Notification e-mails by status.", labels=["status"]
        )
        for status, count in self.figures.emails:
            emails.add_metric([status], count)
        yield emails


def exposition(figures: DatabaseFigures) -> bytes:
    """The text a scrape gets: this process's (or all workers') metrics, then the database figures."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        process_part = generate_latest(registry)
    else:
        process_part = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector(figures))
    return process_part + generate_latest(database)
