"""Privacy: the access log of client data, which every package that reads or changes it writes to."""
