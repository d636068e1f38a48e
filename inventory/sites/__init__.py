"""Sites: the workshops and offices that hold stock."""
