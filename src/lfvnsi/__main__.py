"""``python -m lfvnsi`` is the ``lfvnsi`` command."""

from lfvnsi.cli import main

main()
