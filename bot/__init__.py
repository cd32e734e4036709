"""Closer: a Discord bot that keeps long-distance partners close."""

__version__ = "0.1.0"
