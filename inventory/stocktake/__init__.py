"""Stock-take: scan every device at a site or on a shelf; see what was found, missing or out of place."""
