"""Ansible runs for Kierto: hardware scans, disk erasure and provisioning, locally or via a bench worker."""
