"""`python -m mesoclinic` is the `mesoclinic` command."""

from mesoclinic.cli import main

main()
