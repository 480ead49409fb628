"""gunicorn as in production for the benches and the production tests: `gunicorn -c gunicorn.conf.py`
on a free loopback port, waited for until every worker is up, stopped gracefully (killed if it hangs).

    with gunicorn(env, folder, workers) as server:   # env: the production config (KENSA_CONFIG...)
        requests.get(server.url + "/healthz")
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    workers: int
    error_log: Path
    access_log: Path
    ready_path: str = "/healthz"

    def worker_pids(self) -> list[int]:
        """The arbiter's children (Linux /proc)."""
        pid = self.process.pid
        try:
            return sorted(int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        except FileNotFoundError:
            return []


def worker_count(env: dict[str, str]) -> int:
    """What gunicorn.conf.py will start: WEB_CONCURRENCY, else 2 x cores + 1."""
    return int(env.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)


def start_gunicorn(
    env: dict[str, str],
    folder: Path,
    workers: int | None,
    app: str = "wsgi:app",
    label: str = "gunicorn",
    ready_path: str = "/healthz",
) -> Server:
    """Start gunicorn -c gunicorn.conf.py `app` on a free port (the caller stops it); its logs are
    `<label>-error.log` and `<label>-access.log` in `folder`."""
    port = free_port()
    env = {**env, "KENSA_BIND": f"127.0.0.1:{port}"}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    error_log, access_log = folder / f"{label}-error.log", folder / f"{label}-access.log"
    with error_log.open("wb") as err, access_log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    return Server(process, f"http://127.0.0.1:{port}", worker_count(env), error_log, access_log, ready_path)


@contextmanager
def gunicorn(env: dict[str, str], folder: Path, workers: int | None, **options: str) -> Iterator[Server]:
    """gunicorn serving the app (`start_gunicorn`'s options) on the environment's database, once up;
    stopped, and killed if need be, on exit."""
    server = start_gunicorn(env, folder, workers, **options)
    try:
        wait_until_up(server)
        yield server
    finally:
        stop(server)


def wait_until_up(server: Server) -> None:
    """Until the ready path answers 200 and the arbiter has all its workers."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n{tail(server.error_log)}")
        try:
            up = requests.get(server.url + server.ready_path, timeout=2).status_code == 200
        except requests.RequestException:
            up = False
        if up and len(server.worker_pids()) == server.workers:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not come up in {SERVER_START_SECONDS:.0f} s:\n{tail(server.error_log)}")


def stop(server: Server) -> None:
    """SIGTERM (graceful); if the arbiter hangs, SIGKILL it and the workers it had then."""
    if server.process.poll() is not None:
        return
    workers = {pid: _started(pid) for pid in server.worker_pids()}
    server.process.terminate()
    try:
        server.process.wait(timeout=45)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        for pid, started in workers.items():
            if started is not None and _started(pid) == started:  # that worker, not a reused pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _started(pid: int) -> str | None:
    """The process's start time (clock ticks since boot), which tells a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (FileNotFoundError, IndexError):
        return None


def tail(path: Path, chars: int = 5000) -> str:
    return path.read_text(errors="replace")[-chars:]
