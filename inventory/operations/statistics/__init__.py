"""Nightly statistics: how many devices were in each state at each site, one row per day."""
