"""Observability: JSON logs with request ids, Prometheus metrics, readiness."""
