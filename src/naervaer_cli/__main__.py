"""`python -m naervaer_cli` runs the command line."""

from naervaer_cli.cli.app import main

main()
