"""Unbound extension objects, bound to an app in ``create_app``."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from catalog.db import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
# Batch mode lets Alembic alter SQLite tables (it copies them); PostgreSQL alters in place.
migrate = Migrate(render_as_batch=True, compare_type=True)
