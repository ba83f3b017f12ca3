"""Typer wiring only: one module per command or command group; the work is in the core."""
