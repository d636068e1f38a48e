"""The accessibility statement and the feedback that reaches the administrators."""
