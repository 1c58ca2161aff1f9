"""`python -m podkb`: the same CLI as the `podkb` command."""

from podkb import entry

if __name__ == "__main__":
    entry()
