"""Azure Functions blueprints: thin shells around kksync's services (parse input → one service → answer).

``function_app.py`` at the repository root registers them. Modules here import only the standard
library, ``azure.functions`` and kksync's light modules at import time, so the app indexes and the
webhook handshake answer fast on a cold start; the sync engine, checks and documents are imported
inside the functions that use them.
"""
