"""What the browser tests share: Debian's Chromium driven headless by Playwright (never a browser Playwright downloads),
a server started on a free localhost port and killed afterwards, and the one place that says what is missing."""
import contextlib, os, signal, socket, subprocess, sys, time
from pathlib import Path
import pytest

CHROMIUM = '/usr/bin/chromium'
# Chromium needs these on this project's machines: no sandbox as root, and no background connections to a closed network.
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']
BIN = Path(sys.executable).parent

def require(*programs: str):
    "Skip (fail under CI, which installs them) unless Chromium, Playwright and `programs` (names in the venv's bin) are there."
    out = [] if Path(CHROMIUM).exists() else ['chromium (apt-get install chromium)']
    out += [f'{p} (pip install {p})' for p in programs if not (BIN/p).exists()]
    try: import playwright  # noqa: F401
    except ImportError: out.append('playwright (pip install playwright)')
    if out:
        if os.environ.get('CI'): pytest.fail('the browser test needs ' + ', '.join(out))   # CI installs them: never skip there
        pytest.skip('needs ' + ', '.join(out))

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _tail(log: Path, n: int = 5) -> str:
    return ' | '.join(log.read_text(errors='replace').splitlines()[-n:]) if log.exists() else ''

def _wait_for_port(port: int, proc, timeout: float, name: str, log: Path):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None: raise RuntimeError(f'{name} exited with code {proc.returncode}: {_tail(log)}')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1): return
        except OSError: time.sleep(0.3)
    raise TimeoutError(f'{name} did not listen on port {port} within {timeout} s')

@contextlib.contextmanager
def serving(cmd: list[str], port: int, cwd: Path, log: Path, env: dict | None = None, timeout: float = 120):
    "Run the server `cmd` (listening on `port`) in its own process group while the block runs; its output goes to `log`."
    env = dict(os.environ, HF_HUB_OFFLINE='1', PYTHONUNBUFFERED='1', **(env or {}))
    with open(log, 'w') as f:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for_port(port, proc, timeout, Path(cmd[0]).name, log)
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try: proc.wait(20)
                except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait(10)

@contextlib.contextmanager
def chromium(profile: Path, width: int = 1280, height: int = 1000):
    "A headless Chromium page (page errors collected in `page.errors`)."
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                    viewport={'width': width, 'height': height})
        try:
            page = ctx.new_page(); page.errors = []
            page.on('pageerror', lambda e: page.errors.append(str(e)))
            yield page
        finally: ctx.close()
