"""The explorer where its users meet it: JupyterLab serves nbs/explore.ipynb on localhost, Debian's Chromium (driven
headless by Playwright) runs it, changes a slider, clicks Generate and waits for the grid; a screenshot is saved
(set ACTGEN_SCREENSHOT_LAB=PATH to keep it; nbs/images/explorer.png is one)."""
import json, os, shutil
from pathlib import Path
import pytest
from browser import BIN, chromium, free_port, require, serving

NB = Path(__file__).parents[1]/'nbs'/'explore.ipynb'

def _lab_settings(folder: Path) -> Path:
    "JupyterLab user settings of its own (no news or update checks on a closed network, no pop-ups over the page)."
    f = folder/'@jupyterlab'/'apputils-extension'/'notification.jupyterlab-settings'
    f.parent.mkdir(parents=True); f.write_text(json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))
    return folder

@pytest.fixture
def lab(tmp_path):
    "JupyterLab on a free localhost port, in a folder holding a copy of nbs/explore.ipynb (autosave never touches the source)."
    require('jupyter-lab')
    work = tmp_path/'work'; work.mkdir(); shutil.copy(NB, work/NB.name)
    port = free_port()
    cmd = [str(BIN/'jupyter-lab'), '--no-browser', f'--port={port}', '--ServerApp.ip=127.0.0.1', '--ServerApp.token=',
           '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True', f'--ServerApp.root_dir={work}',
           '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--allow-root']   # CI runs as root
    env = dict(JUPYTERLAB_SETTINGS_DIR=str(_lab_settings(tmp_path/'lab-settings')), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path/'ws'),
               JUPYTER_RUNTIME_DIR=str(tmp_path/'runtime'), OMP_NUM_THREADS='2')
    with serving(cmd, port, work, tmp_path/'lab.log', env=env): yield f'http://127.0.0.1:{port}/lab/tree/{NB.name}'

def _menu(page, menu: str, item: str):
    page.locator('.lm-MenuBar-itemLabel', has_text=menu).first.click()
    page.locator('.lm-Menu-itemLabel', has_text=item).first.click()

# The status bar reads "No Kernel | Initializing", then "Python 3 (ipykernel) | Idle" once the kernel is connected; the
# toolbar's execution indicator already says idle before any kernel exists, so it cannot tell that the kernel is up.
KERNEL_READY = ("() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
                ".some(e => / \\| Idle$/.test(e.innerText) && !e.innerText.startsWith('No Kernel'))")
LOADED_OR_FAILED = ("() => { const b = document.querySelector('button.actgen-generate');"
                    " return (b && b.offsetWidth > 0) || !!document.querySelector('.jp-Dialog')"
                    " || [...document.querySelectorAll('.jp-OutputArea-output')].some(o => o.innerText.includes('Traceback')) }")

def _why(page, log: Path) -> str:
    "What the page and the server show, for a failure message: dialogs, cell prompts and outputs, the server log's tail."
    shown = page.evaluate("() => ({dialog: [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText),"
                          " prompts: [...document.querySelectorAll('.jp-InputPrompt')].map(p => p.innerText),"
                          " outputs: [...document.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText.slice(-800))})")
    return f"{shown}; server log: {' | '.join(log.read_text(errors='replace').splitlines()[-15:])}"

@pytest.mark.timeout(900)
def test_explorer_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    shot, log = tmp_path/'explorer-lab.png', tmp_path/'lab.log'
    with chromium(tmp_path/'chromium-profile', 1400, 1300) as page:
        page.goto(lab, timeout=300_000, wait_until='domcontentloaded')
        page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=300_000)
        page.wait_for_function(KERNEL_READY, timeout=300_000)
        _menu(page, 'Run', 'Run All Cells')
        try: page.wait_for_function(LOADED_OR_FAILED, timeout=600_000)   # the session loaded: generator, quick classifier, widgets
        except PlaywrightTimeout: pytest.fail(f'the explorer did not appear within 10 minutes: {_why(page, log)}')
        button = page.locator('button.actgen-generate')
        assert button.is_visible(), f'the explorer did not load: {_why(page, log)}'
        # a slider, as a user changes it: type into its readout
        readout = page.locator('.widget-slider', has=page.locator('label', has_text='batch size')).locator('.widget-readout')
        readout.click(); page.keyboard.press('Control+A'); page.keyboard.type('4'); page.keyboard.press('Enter')
        page.wait_for_function("() => !document.querySelector('button.actgen-generate').disabled", timeout=120_000)
        button.click()
        page.wait_for_selector('.actgen-status .actgen-done, .actgen-status .actgen-error', timeout=300_000)
        page.wait_for_function("() => { const g = document.querySelector('img.actgen-grid');"
                               " return g && g.complete && g.naturalWidth > 0 && g.offsetWidth > 0 }", timeout=60_000)
        page.locator('.jp-OutputArea-output').last.scroll_into_view_if_needed()
        page.screenshot(path=str(shot))
        status = page.locator('.actgen-status').inner_text()
        assert page.locator('.actgen-status .actgen-error').count() == 0, status
        assert status.startswith('4 ×') and 'wrong' in status, status        # the slider's value reached the kernel
        guide = page.evaluate("() => document.querySelector('img.actgen-guide').naturalWidth")
        assert guide > 100                                                     # ActGen mode: the guide and its mask
        cut = page.evaluate("() => [...document.querySelectorAll('.widget-toggle-buttons button')]"
                            ".filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.innerText)")
        assert not cut, f'buttons cut off: {cut}'
        hidden = page.evaluate("() => { const right = document.querySelector('button.actgen-generate').getBoundingClientRect().left;"
                               " return [...document.querySelectorAll('.widget-readout, .widget-dropdown select')]"
                               ".filter(e => e.getBoundingClientRect().right > right).length }")
        assert hidden == 0, f'{hidden} readouts or selectors run under the right-hand column'
        outputs = page.locator('.jp-OutputArea-output').all_inner_texts()
        for bad in ('Traceback', 'Error', 'Loading weights'):
            assert not any(bad in o for o in outputs), f'{bad!r} in the notebook output: {outputs}'
        assert page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0
        assert not page.errors, page.errors
    assert shot.stat().st_size > 10_000
    if os.environ.get('ACTGEN_SCREENSHOT_LAB'): shutil.copy(shot, os.environ['ACTGEN_SCREENSHOT_LAB'])
