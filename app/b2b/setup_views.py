"""B2B pages (setup_views). (Being built.)"""
