"""My work: the tasks a person did (from the device history) and the hours they logged, for their work plan."""
