"""Loaded by pytest before Django: switch settings to their test mode."""

import os

os.environ.setdefault("JIANYAN_TESTING", "1")
os.environ.setdefault("AXES_ENABLED", "0")
