"""Request ids, JSON logs, Prometheus metrics (and who may read them), readiness."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.clock import now
from inventory.operations.observability.logs import JsonFormatter, logging_config
from inventory.operations.scheduling.heartbeat import beat
from inventory.operations.settings import get_operations_settings
from inventory.permissions import Role
from tests import factories
from tests.conftest import free_port, wait_for_port
from tests.operations.helpers import assert_no_tracebacks, clean_env, start, stop


@pytest.fixture
def access_lines() -> Iterator[io.StringIO]:
    """What the access log writes, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kierto.access")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


async def test_every_answer_has_a_request_id_and_one_json_log_line(
    db: Any, client: httpx.AsyncClient, headers_for: Any, access_lines: io.StringIO
) -> None:
    headers = await headers_for(Role.TRAINEE)
    answer = await client.get("/api/v1/devices", params={"q": "Meikäläinen"}, headers=headers)
    request_id = answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    kept = await client.get("/health", headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept.headers["x-request-id"] == "proxy-abc-12345"
    unsafe = await client.get("/health", headers={"X-Request-ID": "bad id\twith tab"})
    assert unsafe.headers["x-request-id"] != "bad id\twith tab"
    missing = await client.get("/no/such/page")
    assert missing.status_code == 404
    assert missing.headers["x-request-id"]
    lines = [json.loads(line) for line in access_lines.getvalue().splitlines()]
    first = lines[0]
    assert first["request_id"] == request_id
    assert first["route"] == "/api/v1/devices"
    assert first["status"] == 200
    assert first["level"] == "info"
    assert first["actor"].startswith("user:trainee-")
    assert "Meikäläinen" not in json.dumps(lines)  # query strings (searches) stay out of the logs
    assert lines[-1]["route"] == "<unmatched>"


def test_the_json_formatter_writes_one_object_with_extras_and_the_exception() -> None:
    record = logging.LogRecord(
        "kierto.test", logging.ERROR, __file__, 1, "backup of %s failed", ("JNS",), None
    )
    record.job = "backup"
    try:
        raise ValueError("disk full")
    except ValueError:
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "backup of JNS failed"
    assert entry["job"] == "backup"
    assert entry["level"] == "error"
    assert "ValueError: disk full" in entry["exception"]
    config = logging_config("json")
    assert config["handlers"]["default"]["formatter"] == "json"
    assert logging_config("console")["handlers"]["default"]["formatter"] == "console"


async def test_metrics_count_requests_and_read_device_states(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    await factories.donation(db, devices=2)
    headers = await headers_for(Role.TRAINEE)
    for _ in range(3):
        await client.get("/api/v1/devices", headers=headers)
    text = (await client.get("/metrics")).text
    requests = re.search(
        r'kierto_http_requests_total\{method="GET",route="/api/v1/devices",status="200"\} (\d+)', text
    )
    assert requests is not None
    assert int(float(requests.group(1))) >= 3
    assert (
        'kierto_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/api/v1/devices"}' in text
    )
    assert 'kierto_devices{site="JNS",state="received"} 2.0' in text
    assert "kierto_notification_emails" in text


async def test_metrics_are_refused_to_a_relayed_request_and_need_the_token_when_one_is_set(
    db: Any, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    relayed = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert relayed.status_code == 403
    remote = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client._transport.app, client=("198.51.100.7", 5000)),  # type: ignore[attr-defined]
        base_url="http://kierto.example",
    )
    async with remote:
        assert (await remote.get("/metrics")).status_code == 403
        monkeypatch.setenv("KIERTO_METRICS_TOKEN", "scrape-secret-1234567890")
        get_operations_settings.cache_clear()
        try:
            assert (await remote.get("/metrics")).status_code == 403
            wrong = await remote.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 403
            right = await remote.get("/metrics", headers={"Authorization": "Bearer scrape-secret-1234567890"})
            assert right.status_code == 200
            assert "kierto_devices" in right.text
        finally:
            get_operations_settings.cache_clear()


async def test_ready_needs_a_scheduler_that_beat_recently(db: Any, client: httpx.AsyncClient) -> None:
    waiting = await client.get("/ready")
    assert waiting.status_code == 503
    assert waiting.json() == {
        "status": "not ready",
        "database": "ok",
        "migrations": "ok",
        "scheduler": "no scheduler has started",
    }
    await beat("host:1", now())
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_two_workers_add_up_their_metrics(db: Any, tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(KIERTO_LOG_FORMAT="json")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = start(
        [sys.executable, "-m", "inventory.cli", "serve", "--port", str(port), "--workers", "2"],
        env,
        tmp_path / "serve.log",
    )
    try:
        wait_for_port(port, server)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(40):
                answer = await http.get("/health")
                assert answer.status_code == 200
            text = (await http.get("/metrics")).text
        served = re.search(
            r'kierto_http_requests_total\{method="GET",route="/health",status="200"\} (\d+)', text
        )
        assert served is not None
        assert int(float(served.group(1))) == 40
    finally:
        stop(server)
    log = (tmp_path / "serve.log").read_text()
    assert any(
        json.loads(line).get("route") == "/health" for line in log.splitlines() if line.startswith("{")
    )
    assert_no_tracebacks(tmp_path)
