"""The read-only open-data API under /api/v1/ (Django REST framework)."""
