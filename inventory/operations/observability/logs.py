"""Structured logs with the standard library: one JSON object per line when not on a terminal.

uvicorn, APScheduler, asyncpg and our own code all log through `logging`, so one formatter on the
root handler makes every line structured; the request id of the request being served is added to
each line logged while serving it. Values given as `extra={...}` become fields of the object.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
import sys
from contextvars import ContextVar
from typing import Any

from inventory.operations.settings import LogFormat

request_id_var: ContextVar[str | None] = ContextVar("kierto_request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime", "taskName"}
)


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message, request id, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class ConsoleFormatter(logging.Formatter):
    """Readable lines for a person at a terminal, with the request id and extras at the end."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line (plus the traceback, if any)."""
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        request_id = request_id_var.get()
        if request_id:
            extras["request_id"] = request_id
        if extras:
            line += " " + " ".join(f"{key}={value}" for key, value in extras.items())
        return line


def use_json(log_format: LogFormat) -> bool:
    """JSON unless asked for the console format, or `auto` on a terminal."""
    if log_format == "auto":
        return not sys.stderr.isatty()
    return log_format == "json"


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A `dictConfig` for the whole process (uvicorn takes it as `log_config` for every worker)."""
    formatter = "json" if use_json(log_format) else "console"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": f"{__name__}.JsonFormatter"},
            "console": {"()": f"{__name__}.ConsoleFormatter"},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": True},
            "apscheduler": {"level": "WARNING"},
            "asyncio": {"level": "WARNING"},
        },
    }


def configure_logging(log_format: LogFormat, level: str = "INFO") -> None:
    """Apply the logging configuration to this process."""
    logging.config.dictConfig(logging_config(log_format, level))
