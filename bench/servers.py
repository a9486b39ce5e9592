"""Servers started by the benches that measure through HTTP (`exports.py`, `load.py`):
gunicorn or a task worker as a child process, a free port on the loopback, and an
urllib client that keeps its session cookie and sees redirects itself."""

from __future__ import annotations

import contextlib
import http.cookiejar
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import ROOT


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@contextlib.contextmanager
def started(command: list[str], env: dict):
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the server `process` answers on `url` (any HTTP status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The server exited: {process.stderr.read()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client():
    """An anonymous client that keeps its session cookie and sees redirects itself."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def fetch(opener, url: str, method: str = "GET"):
    """(status, headers, body) whatever the status."""
    request = urllib.request.Request(url, method=method)
    try:
        with opener.open(request, timeout=600) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def download(opener, url: str) -> tuple[int, int, int]:
    """(status, Content-Length, bytes read) of a download, read in blocks."""
    with opener.open(url, timeout=600) as response:
        size = 0
        while block := response.read(1024 * 1024):
            size += len(block)
        return response.status, int(response.headers.get("Content-Length", -1)), size
