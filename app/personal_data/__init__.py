"""A person's data: export, erasure and retention (it reads every feature package)."""
