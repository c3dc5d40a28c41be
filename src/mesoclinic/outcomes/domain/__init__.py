"""Changes to outcomes: each keyword-only, by the acting user, one transaction, audited."""
