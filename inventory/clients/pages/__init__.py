"""The counsellor's pages, one module per sub-resource: clients, orientation, assessment, reservations, handovers, loans."""
