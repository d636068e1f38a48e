"""Reminder jobs: overdue loans to the client's counsellor, devices stuck in a step to the site's coordinators."""
