"""The e-mail core stays free of Flask and the database."""

import subprocess
import sys


def test_mail_core_imports_neither_flask_nor_sqlalchemy():
    code = ("import sys, catalog.mail.inbound, catalog.mail.matching, catalog.mail.outbound, "
            "catalog.mail.transport; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
