"""Public event pages and registration. (Being built.)"""
