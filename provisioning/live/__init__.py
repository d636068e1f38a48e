"""The bench live system: built from Debian packages, booted from a stick or over the bench network."""
