"""The bench: the trainee's work queue by step, batch steps on a selection, labels attached."""
