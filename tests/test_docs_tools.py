"""The tools behind the docs: the notebook runner of `make nbtest` (nbdev-test's semantics, executed copies kept, failures
fail) and the README generated from nbs/index.ipynb."""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'docs'))
from readme import readme_text  # noqa: E402

def _nb(path: Path, *cells: str):
    nb = {'cells': [{'cell_type': 'code', 'execution_count': None, 'id': f'c{i}', 'metadata': {}, 'outputs': [], 'source': s}
                    for i, s in enumerate(cells)],
          'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}},
          'nbformat': 4, 'nbformat_minor': 5}
    path.write_text(json.dumps(nb))

def _run(tmp_path, *nbs, workers=0):
    return subprocess.run([sys.executable, str(ROOT/'docs'/'nbrun.py'), *map(str, nbs), '--out', str(tmp_path/'out'),
                           '--n-workers', str(workers)], cwd=ROOT, capture_output=True, text=True, timeout=300)

def test_runner_keeps_outputs_and_skips_flagged_cells(tmp_path):
    _nb(tmp_path/'ok.ipynb', 'from pathlib import Path\nprint("cwd", Path.cwd().name)', '#| slow\nraise RuntimeError("skipped")', '6 * 7')
    r = _run(tmp_path, tmp_path/'ok.ipynb')
    assert r.returncode == 0, r.stderr
    cells = json.loads((tmp_path/'out'/'ok.ipynb').read_text())['cells']
    assert cells[0]['outputs'][0]['text'] == [f'cwd {tmp_path.name}\n'] or ''.join(cells[0]['outputs'][0]['text']) == f'cwd {tmp_path.name}\n'
    assert cells[1]['outputs'] == []                                       # the `slow` cell did not run
    assert cells[2]['outputs'][0]['data']['text/plain'] in ('42', ['42'])
    assert not json.loads((tmp_path/'ok.ipynb').read_text())['cells'][2]['outputs']   # the source notebook is untouched

def test_runner_fails_when_a_notebook_fails(tmp_path):
    _nb(tmp_path/'ok.ipynb', '1 + 1')
    _nb(tmp_path/'bad.ipynb', 'assert 1 == 2, "a failing test"')
    r = _run(tmp_path, tmp_path/'ok.ipynb', tmp_path/'bad.ipynb', workers=2)   # in worker processes, as make nbtest runs
    assert r.returncode == 1 and 'bad.ipynb' in r.stderr and 'a failing test' in r.stderr
    assert (tmp_path/'out'/'ok.ipynb').exists() and not (tmp_path/'out'/'bad.ipynb').exists()

def test_readme_is_generated_from_index():
    text = readme_text()
    assert (ROOT/'README.md').read_text(encoding='utf-8') == text, 'run python docs/readme.py'
    assert len(text.splitlines()) <= 200
    for target in ('nbs/images/explorer.png', 'nbs/experiments/results/index.md', 'nbs/tutorials/quickstart.ipynb'):
        assert f']({target})' in text                                      # links rewritten to start at the repository root

def test_readme_links_rewritten(tmp_path):
    import readme
    assert readme._relink('[a](b.md) [c](https://x.org) [d](#e) ![f](images/g.png)', 'nbs/') == \
        '[a](nbs/b.md) [c](https://x.org) [d](#e) ![f](nbs/images/g.png)'
