from rest_framework import serializers


class IdField(serializers.IntegerField):
    """A database id in a request body: a positive integer the database can hold (an overflow is a 400)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10**18)
        super().__init__(**kwargs)
