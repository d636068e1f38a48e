"""Running Kierto for real: scheduled jobs, notifications, backups and observability."""
