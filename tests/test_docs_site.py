"""The documentation site (`make docs`, in _build/html) in Debian's headless Chromium: every internal link of every page
leads somewhere (pages, their anchors, downloads), every image loads, and each library notebook's page lists its
module's `__all__` in its API section. Served by Python's http.server on a free localhost port."""
import functools, importlib, json, os, re, threading
from collections import deque
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urlparse, unquote
import pytest
from browser import chromium, require

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get('ACTGEN_DOCS_HTML', ROOT/'_build'/'html'))

def _need(what: str):
    if os.environ.get('CI'): pytest.fail(f'the docs test needs {what}')   # CI builds the site and has the browser: never skip
    pytest.skip(f'needs {what}')

@pytest.fixture(scope='module')
def site_url():
    if not (SITE/'index.html').exists(): _need(f'the built site in {SITE} (make docs)')
    require()                                     # Chromium and Playwright
    quiet = type('Quiet', (SimpleHTTPRequestHandler,), {'log_message': lambda *a: None})
    srv = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(quiet, directory=str(SITE)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try: yield f'http://127.0.0.1:{srv.server_address[1]}/'
    finally: srv.shutdown(); srv.server_close()

def library_pages() -> dict[str, str]:
    "page (relative .html path) -> module, for each notebook that exports one"
    out = {}
    for nb in sorted((ROOT/'nbs').rglob('*.ipynb')):
        if '.ipynb_checkpoints' in nb.parts: continue
        for c in json.loads(nb.read_text(encoding='utf-8'))['cells']:
            m = re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(c['source']), re.M) if c['cell_type'] == 'code' else None
            if m: out[nb.relative_to(ROOT/'nbs').with_suffix('.html').as_posix()] = m.group(1); break
    return out

# Loads every image (lazy ones too), then reports each one's source and whether it decoded to a picture
IMAGES = """async () => { const imgs = Array.from(document.images); imgs.forEach(i => i.loading = 'eager');
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return imgs.map(i => [i.currentSrc || i.src, i.naturalWidth]) }"""
PAGE = """() => ({links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
  api: Array.from(document.querySelectorAll('section[id^="api-actgen"] h3 code')).map(c => c.textContent.trim())})"""

def _crawl(page, start: str):
    "Every page reachable from `start` within the site: its links, element ids, images and API names"
    seen, queue, info = {start}, deque([start]), {}
    while queue:
        url = queue.popleft()
        resp = page.goto(url, wait_until='load', timeout=120_000)
        assert resp is not None and resp.ok, f'{url}: HTTP {resp and resp.status}'
        data = page.evaluate(PAGE); data['images'] = page.evaluate(IMAGES); info[url] = data
        for link in data['links']:
            target = urldefrag(link)[0]
            local = SITE/unquote(urlparse(target).path.lstrip('/'))
            if target.startswith(start.rsplit('/', 1)[0]) and target.endswith('.html') and target not in seen and local.is_file():
                seen.add(target); queue.append(target)
    return info, page.errors

@pytest.mark.timeout(900)
def test_site_links_images_and_api(site_url, tmp_path):
    with chromium(tmp_path/'chromium-profile') as page: info, errors = _crawl(page, site_url + 'index.html')
    pages = {urlparse(u).path.lstrip('/'): d for u, d in info.items()}
    broken, bad_anchor, bad_img = [], [], []
    for url, d in info.items():
        for link in d['links']:
            if not link.startswith(site_url): continue                      # the theme's links out of the site
            target, frag = urldefrag(link)
            path = unquote(urlparse(target).path.lstrip('/')) or 'index.html'
            if not (SITE/path).is_file(): broken.append(f'{url} -> {link}')
            elif frag and path in pages and frag not in pages[path]['ids']: bad_anchor.append(f'{url} -> {link}')
        bad_img += [f'{url}: {src}' for src, w in d['images'] if not w]
    assert not broken, f'{len(broken)} broken links:\n' + '\n'.join(broken[:30])
    assert not bad_anchor, f'{len(bad_anchor)} links to missing anchors:\n' + '\n'.join(bad_anchor[:30])
    assert not bad_img, f'{len(bad_img)} images that do not load:\n' + '\n'.join(bad_img[:30])
    assert not errors, errors
    # every notebook is a page, and each library page lists its module's exports
    for nb in (ROOT/'nbs').rglob('*.ipynb'):
        if '.ipynb_checkpoints' not in nb.parts:
            assert nb.relative_to(ROOT/'nbs').with_suffix('.html').as_posix() in pages, f'{nb} is not reachable from the home page'
    libs = library_pages()
    assert len(libs) > 20
    for html, mod in libs.items():
        names = list(importlib.import_module(f'actgen.{mod}').__all__)
        assert pages[html]['api'] == names, (html, set(names) ^ set(pages[html]['api']))
    assert sum(len(d['images']) for d in info.values()) > 20                # the notebooks' outputs are on their pages
