"""Calendar feeds: read events and B2B meetings, render them with the pure invites builders."""
