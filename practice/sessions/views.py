"""Counseling session views: record, edit, print."""
