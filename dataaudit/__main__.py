"""python -m dataaudit → the command line."""

from .cli import main

main()
