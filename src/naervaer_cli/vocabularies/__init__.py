"""Code and header vocabularies of the school systems, shipped as TOML (see vocabulary.py)."""
