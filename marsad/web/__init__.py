"""The marsad web app: a REST API and Arabic-first pages over an event database.

Start it with ``marsad serve --db marsad.db`` or build it with ``create_app(db)``; needs
the ``web`` extra (``pip install "marsad[web]"``).
"""

from __future__ import annotations

from marsad.web.app import create_app, serve

__all__ = ["create_app", "serve"]
