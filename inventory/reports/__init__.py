"""Reports for coordinators: stock, lead times, handovers and loans, overdue loans, stuck devices, CSV exports."""
