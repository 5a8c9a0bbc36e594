"""What the tests and the benchmarks share; the product never imports it.

- ``testkit.portfolios``   small keyword-only builders of canonical-model records and portfolios
- ``testkit.emulator``     the SharePoint emulator in-process: a client on it, no socket
- ``testkit.azurite``      start and stop Azurite, the Azure Storage emulator from npm
- ``testkit.secrets_scan`` find secrets and tokens in log text

A top-level package rather than part of ``tests/`` so that ``bench/`` can use it without importing
the test suite. The webhook receiver the demo and the tests share is ``sp_emulator.receiver``: it is
the other end of the emulator's protocol.
"""
