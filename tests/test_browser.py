"""The explorer in a real browser: Voila serves it on localhost, Debian's Chromium (driven headless by Playwright)
clicks Generate, waits for the grid, and saves a screenshot (set ACTGEN_SCREENSHOT=PATH to keep it)."""
import os, shutil
import pytest
from browser import BIN, chromium, free_port, require, serving

@pytest.fixture
def voila_app(tmp_path):
    "The explorer as a one-cell notebook, served by Voila on a free localhost port; the server is killed afterwards."
    require('voila')
    from actgen.explore import ExploreParams, write_app_notebook
    nb = write_app_notebook(tmp_path/'explorer.ipynb', params=ExploreParams(class_idx=9), device='cpu')
    port = free_port()
    cmd = [str(BIN/'voila'), '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1', '--VoilaExecutor.timeout=600', nb.name]
    with serving(cmd, port, tmp_path, tmp_path/'voila.log'): yield f'http://127.0.0.1:{port}/'

@pytest.mark.timeout(900)
def test_generate_in_browser(voila_app, tmp_path):
    shot = tmp_path/'explorer.png'
    with chromium(tmp_path/'chromium-profile') as page:
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
        assert not page.errors, page.errors
    assert shot.stat().st_size > 10_000
    if os.environ.get('ACTGEN_SCREENSHOT'): shutil.copy(shot, os.environ['ACTGEN_SCREENSHOT'])
