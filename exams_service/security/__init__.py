"""Cross-cutting security checks: one place per kind of check."""
