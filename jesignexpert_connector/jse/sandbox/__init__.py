"""A local stand-in for jesignexpert.com, for tests and demos (pure Python).

Start it with ``make sandbox`` (see README.rst) or, from Python,
``server.start(db_path)``.  Odoo never imports this package at run time.
"""
