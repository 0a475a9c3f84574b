"""A count with its noun in the right form, for every layer that writes to people."""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun in the form it takes: ``plural(1, "entry", "entries")``."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"
