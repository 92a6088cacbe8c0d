"""`python -m khorasan`: the command line."""

from khorasan.cli import main

if __name__ == "__main__":
    main()
