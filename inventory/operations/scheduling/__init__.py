"""The scheduler: jobs defined in code, exactly one active scheduler, every run recorded and retried."""
