"""Callables of the notifications service."""
