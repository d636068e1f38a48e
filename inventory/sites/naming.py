"""What a site's code and its label printer's queue name may be."""

from __future__ import annotations

import re

# 2 to 5 letters, fixed for good: every asset tag the site prints begins with it (devices/asset_tags.py).
SITE_CODE_PATTERN = re.compile(r"^[A-Z]{2,5}$")
# CUPS queue names: printable characters but no space, tab, slash, backslash, quote or '#'.
QUEUE_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,99}$")
