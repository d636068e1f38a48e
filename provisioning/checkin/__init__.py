"""The bench check-in script, run on the live USB system of each bench machine (stdlib only)."""
