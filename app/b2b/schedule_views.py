"""B2B pages (schedule_views). (Being built.)"""
