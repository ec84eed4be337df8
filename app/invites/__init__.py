"""Pure .ics builders, iMIP messages and personal calendar feed helpers (no Flask, no DB)."""
