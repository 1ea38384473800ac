"""URL converters."""


class IdConverter:
    """A database id: at most 18 digits, so a huge number in a URL is a 404, not a database overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
