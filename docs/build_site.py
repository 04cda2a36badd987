"""The documentation site: stage nbs/ with the notebooks as `make nbtest` ran them, then render it with Sphinx (`make docs`).

Staging copies every file of nbs/ that git knows of (tracked or not ignored) to STAGE. A notebook comes from its executed
copy in EXEC (written by docs/nbrun.py) when there is one, else as it is, without outputs (said once per notebook). Cells
hidden with `#| hide` are left out and directive lines (`#| export`) dropped, as nbdev's own site does. A library notebook
(`#| default_exp X`) gets its API section (docs/api.py); the home page (index.ipynb) gets the site's tables of contents.
Sphinx (myst-nb, execution off) then writes HTML."""
import argparse, json, re, shutil, subprocess, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import api_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = 'experiments/results'

def source_files(nbs: Path) -> list[Path]:
    "Files under `nbs` that git tracks or would track (so run outputs and caches stay out), relative to `nbs`"
    out = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '--', '.'], cwd=nbs, capture_output=True,
                         text=True, check=True).stdout
    return sorted(Path(l) for l in out.splitlines() if (nbs/l).is_file())

def default_exp(nb: dict) -> str | None:
    for c in nb['cells']:
        m = re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(c['source']), re.M) if c['cell_type'] == 'code' else None
        if m: return m.group(1)
    return None

def _md_cell(text: str, id: str) -> dict: return {'cell_type': 'markdown', 'id': id, 'metadata': {}, 'source': text}

def clean_cells(nb: dict) -> dict:
    "Leave out `#| hide` cells and drop directive lines, as nbdev's renderer does"
    cells = []
    for c in nb['cells']:
        c = {k: v for k, v in c.items() if not k.endswith('_')}
        src = ''.join(c['source'])
        if c['cell_type'] == 'code':
            lines = src.split('\n')
            if any(re.match(r'#\|\s*hide\s*$', l) for l in lines): continue
            src = '\n'.join(l for l in lines if not l.startswith('#|')).strip('\n')
            if not src and not c.get('outputs'): continue
        c['source'] = src
        cells.append(c)
    return {**nb, 'cells': cells}

def toctree(caption: str, docs: list[str], hidden=True) -> str:
    opts = (':hidden:\n' if hidden else '') + f':caption: {caption}\n:maxdepth: 1\n'
    return '```{toctree}\n' + opts + '\n' + '\n'.join(docs) + '\n```'

def site_toc(docs: list[str], tables: list[str]) -> str:
    "The home page's (hidden) tables of contents: every page, in the notebooks' order"
    pick = lambda f: [d for d in docs if f(d)]
    top = pick(lambda d: '/' not in d and d not in ('index', 'guide'))
    explorer = sorted((d for d in top if d == 'explore' or re.match(r'12\w*_explore', d)), key=lambda d: d != 'explore')
    results = [f'{RESULTS}/index', *[d for d in pick(lambda d: d.startswith(RESULTS + '/'))
                                      if d not in tables and d != f'{RESULTS}/index']]
    parts = [('Guide', ['guide']), ('Tutorials', sorted(pick(lambda d: d.startswith('tutorials/')), key=lambda d: d != 'tutorials/quickstart')),
             ('Library', [d for d in top if d not in explorer]), ('Explorer', explorer),
             ('Experiments', pick(lambda d: d.startswith('experiments/') and d.count('/') == 1)),
             ('Results', results), ('Result tables', tables)]
    return '\n\n'.join(toctree(c, ds) for c, ds in parts if ds)

def stage(nbs: Path, executed: Path, out: Path) -> list[str]:
    "Write the site's sources into `out`; returns the notebooks that had no executed copy"
    if out.exists(): shutil.rmtree(out)
    docs, tables, missing = [], [], []
    for rel in source_files(nbs):
        src, dest = nbs/rel, out/rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        doc = rel.with_suffix('').as_posix()
        if rel.suffix == '.ipynb':
            ex = executed/rel
            if not ex.exists(): missing.append(rel.as_posix())
            nb = clean_cells(json.loads((ex if ex.exists() else src).read_text(encoding='utf-8')))
            mod = default_exp(json.loads(src.read_text(encoding='utf-8')))
            if mod: nb['cells'].append(_md_cell(api_markdown(mod), 'actgen-api'))
            dest.write_text(json.dumps(nb), encoding='utf-8'); docs.append(doc)
        elif rel.suffix == '.md':
            text = src.read_text(encoding='utf-8')
            if not re.match(r'# ', text):   # a table written by an experiment notebook: its page gets a title
                text = f'# {rel.stem}\n\nThe table as the experiment notebook wrote it.\n\n{text}'; tables.append(doc)
            dest.write_text(text, encoding='utf-8'); docs.append(doc)
        else: shutil.copy2(src, dest)
    bench = out/RESULTS/'bench-cpu.md'
    if not bench.exists():   # linked from the README and the results index; written by its own experiment
        bench.write_text('# Benchmarks\n\n`nbs/experiments/results/bench-cpu.md` was not in this checkout when the site was built.\n')
        docs.append(f'{RESULTS}/bench-cpu')
    home = out/'index.ipynb'
    nb = json.loads(home.read_text(encoding='utf-8'))
    nb['cells'].append(_md_cell(site_toc(docs, tables), 'actgen-toc'))
    home.write_text(json.dumps(nb), encoding='utf-8')
    return missing

def build(executed='_build/executed', staged='_build/site', html='_build/html', quiet=True) -> int:
    nbs, executed, staged, html = ROOT/'nbs', ROOT/executed, ROOT/staged, ROOT/html
    missing = stage(nbs, executed, staged)
    for m in missing: print(f'docs: {m} has no executed copy in {executed} (run `make nbtest`): shown without outputs')
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-c', str(ROOT/'docs'), '-w', str(ROOT/'_build'/'sphinx-warnings.txt'),
           '-j', '2', str(staged), str(html)] + (['-q'] if quiet else [])
    rc = subprocess.call(cmd, cwd=ROOT)
    if rc == 0: print(f'docs: {html}/index.html')
    return rc

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--executed', default='_build/executed', help='the executed notebooks (docs/nbrun.py --out)')
    ap.add_argument('--html', default='_build/html', help='where the site goes')
    a = ap.parse_args()
    sys.exit(build(a.executed, html=a.html))
