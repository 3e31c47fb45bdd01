"""What the authorisation matrix needs of each area: the objects its URLs name, made for it.

Each module returns ``{symbol: value or callable}`` for ``tests/test_authorisation.py``.
"""
