"""Homework views: assigning (counselor) and the private client pages (/h/<token>)."""
