"""B2B pages (participant_views). (Being built.)"""
