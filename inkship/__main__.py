"""`python -m inkship`: the same command line as the `inkship` console script."""

from inkship.connector.cli import main

if __name__ == "__main__":
    main(prog_name="inkship")
