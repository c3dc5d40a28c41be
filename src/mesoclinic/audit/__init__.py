"""The audit trail: every read and change of patient data, who did it, when and from where."""
