"""Ansible runs in the service: profiles, bench check-in and workers, runs, live progress, evidence."""
