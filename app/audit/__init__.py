"""The audit log of organisers' actions on personal data."""
