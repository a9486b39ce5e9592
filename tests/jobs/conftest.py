"""Fixtures of the background jobs' tests."""

import signal

import pytest


@pytest.fixture(autouse=True)
def signal_handlers():
    """The database worker installs its own SIGINT and SIGTERM handlers when it runs
    (`db_worker`): put pytest's back afterwards, so that Ctrl-C still stops the tests."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)
