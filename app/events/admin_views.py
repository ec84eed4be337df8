"""Organisers' event pages. (Being built.)"""
