"""jse-sandbox: jesignexpert.com on 127.0.0.1, for tests and demos.

It plays the platform (its editor API, the pages a person sees, and a control
API for tests) from one SQLite file, and imports nothing from the connector:
see README.md.  Start it with ``jse-sandbox --port 8079`` (``make sandbox``)
or, from Python, ``server.start(db_path)``.
"""
