"""Small pieces every app may use; imports nothing of the project (see docs/conventions.md)."""
