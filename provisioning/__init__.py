"""Ansible integration: inventories, ansible-runner runs and typed progress events."""
