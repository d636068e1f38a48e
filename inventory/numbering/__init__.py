"""Gapless certificate numbers: the counters and how numbers are taken and written."""
