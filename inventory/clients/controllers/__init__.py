"""The clients' API, one module per sub-resource: clients, orientation, assessment, reservations, handovers."""
