"""Privacy: the notice people agree to, consent records and preferences for optional mail."""
