"""Test-run settings that must hold before any test module is imported, wherever it lives.

Tests write nothing into the checkout. Hypothesis would keep its example database and its caches
(Unicode tables, constants collected from the source) in ``.hypothesis/`` in the working
directory; here it keeps no example database, and its caches go to a temporary folder that is
removed when the run ends. ``HYPOTHESIS_STORAGE_DIRECTORY``, when set, still wins.
"""

import os
import shutil
import tempfile

from hypothesis import settings

_STORAGE = tempfile.mkdtemp(prefix="catalog-tests-hypothesis-")
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", _STORAGE)
settings.register_profile("catalog", database=None)
settings.load_profile("catalog")


def pytest_unconfigure(config):
    """Remove the temporary Hypothesis folder."""
    shutil.rmtree(_STORAGE, ignore_errors=True)
