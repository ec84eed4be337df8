"""Privacy: the person's rights (notice, consent, mail preferences, data export, erasure)."""
