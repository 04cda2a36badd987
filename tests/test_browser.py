"""The explorer in a real browser: Voila serves it on localhost, Debian's Chromium (driven headless by Playwright)
clicks Generate, waits for the grid, and saves a screenshot (set ACTGEN_SCREENSHOT=PATH to keep it)."""
import os, shutil, signal, socket, subprocess, sys, time
from pathlib import Path
import pytest

CHROMIUM = '/usr/bin/chromium'
# Chromium needs these on this project's machines: no sandbox as root, and no background connections to a closed network.
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']
VOILA = Path(sys.executable).parent/'voila'

def _missing() -> list[str]:
    out = [] if Path(CHROMIUM).exists() else ['chromium (apt-get install chromium)']
    if not VOILA.exists(): out.append('voila (pip install voila)')
    try: import playwright  # noqa: F401
    except ImportError: out.append('playwright (pip install playwright)')
    return out

@pytest.fixture
def need_browser():
    missing = _missing()
    if missing:
        if os.environ.get('CI'): pytest.fail('the browser test needs ' + ', '.join(missing))   # CI installs them: never skip there
        pytest.skip('needs ' + ', '.join(missing))

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _wait_for_port(port: int, proc, timeout: float):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None: raise RuntimeError(f'voila exited with code {proc.returncode}')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1): return
        except OSError: time.sleep(0.3)
    raise TimeoutError(f'voila did not listen on port {port} within {timeout} s')

@pytest.fixture
def voila_app(tmp_path, need_browser):
    "The explorer as a one-cell notebook, served by Voila on a free localhost port; the server is killed afterwards."
    from actgen.explore import ExploreParams, write_app_notebook
    nb = write_app_notebook(tmp_path/'explorer.ipynb', params=ExploreParams(class_idx=9), device='cpu')
    port = _free_port(); log = open(tmp_path/'voila.log', 'w')
    env = dict(os.environ, HF_HUB_OFFLINE='1', PYTHONUNBUFFERED='1')
    proc = subprocess.Popen([str(VOILA), '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1', '--VoilaExecutor.timeout=600',
                             nb.name],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(port, proc, 120)
        yield f'http://127.0.0.1:{port}/'
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try: proc.wait(20)
            except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait(10)
        log.close()

@pytest.mark.timeout(900)
def test_generate_in_browser(voila_app, tmp_path):
    from playwright.sync_api import sync_playwright
    shot = tmp_path/'explorer.png'
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(str(tmp_path/'chromium-profile'), executable_path=CHROMIUM, headless=True,
                                                    args=FLAGS, viewport={'width': 1280, 'height': 1000})
        try:
            page = ctx.new_page()
            errors = []
            page.on('pageerror', lambda e: errors.append(str(e)))
            page.goto(voila_app, timeout=600_000, wait_until='domcontentloaded')
            # Voila runs the notebook (loading the generator, training a small classifier), then shows the widgets
            button = page.locator('button.actgen-generate')
            button.wait_for(state='visible', timeout=600_000)
            page.wait_for_function("() => !document.querySelector('button.actgen-generate').disabled", timeout=120_000)
            button.click()
            page.wait_for_selector('.actgen-status .actgen-done, .actgen-status .actgen-error', timeout=300_000)
            page.wait_for_function("() => { const g = document.querySelector('img.actgen-grid');"
                                   " return g && g.complete && g.naturalWidth > 0 && g.offsetWidth > 0 }", timeout=60_000)
            page.screenshot(path=str(shot), full_page=True)
            status = page.locator('.actgen-status').inner_text()
            assert page.locator('.actgen-status .actgen-error').count() == 0, status
            assert 'wrong' in status, status                                  # "8 × ankle boot in … s: the classifier gets k of 8 wrong"
            grid = page.evaluate("() => { const g = document.querySelector('img.actgen-grid'); return [g.naturalWidth, g.naturalHeight] }")
            assert grid[0] > 300 and grid[1] > 200, grid                        # 4 x 2 captioned cells
            guide = page.evaluate("() => document.querySelector('img.actgen-guide').naturalWidth")
            assert guide > 100
            for sel in ('img.actgen-grid', 'img.actgen-guide'):                # shown whole, neither squeezed nor stretched
                nw, nh, w, h = page.evaluate(f"() => {{ const g = document.querySelector('{sel}'); const r = g.getBoundingClientRect();"
                                             f" return [g.naturalWidth, g.naturalHeight, r.width, r.height] }}")
                assert abs(w - nw) <= 1 and abs(h - nh) <= 1, (sel, (nw, nh), (w, h))
            preview = page.evaluate("() => document.querySelector('img.actgen-preview').naturalWidth")
            assert preview > 100
            body = page.locator('body').inner_text()
            for bad in ('Traceback', 'There was an error', 'Error:'):
                assert bad not in body, f'{bad!r} shown on the page: {body[:2000]}'
            assert not errors, errors
        finally:
            ctx.close()
    assert shot.stat().st_size > 10_000
    if os.environ.get('ACTGEN_SCREENSHOT'): shutil.copy(shot, os.environ['ACTGEN_SCREENSHOT'])
