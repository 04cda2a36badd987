"""README.md is generated from nbs/index.ipynb (the home page of the documentation site): `python docs/readme.py`.

The notebook's markdown cells are written as they are, its code cells as Python blocks (their outputs are left out: the
README shows no results of its own), and relative links and images are rewritten to start from the repository root.
`--check` writes nothing and exits 1 when README.md differs from what the notebook makes (`make check-sync` runs it)."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = '<!-- Generated from nbs/index.ipynb by docs/readme.py: edit the notebook, then run `python docs/readme.py`. -->\n\n'

def _relink(md: str, base: str) -> str:
    "Links and images relative to the notebook's folder, made relative to the repository root"
    def fix(m):
        target = m.group(2)
        if re.match(r'[a-z]+:|#|/', target): return m.group(0)
        return f'{m.group(1)}({base}{target})'
    return re.sub(r'(\]|\]: )\(([^)\s]+)\)', fix, md)

def readme_text(nb_path=ROOT/'nbs'/'index.ipynb') -> str:
    "The README that `nb_path` makes"
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    base = Path(nb_path).resolve().parent.relative_to(ROOT).as_posix() + '/'
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source']).strip()
        if not src or src.startswith('#| hide'): continue
        parts.append(_relink(src, base) if cell['cell_type'] == 'markdown' else f'```python\n{src}\n```')
    return HEADER + '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, readme = readme_text(), ROOT/'README.md'
    if '--check' in sys.argv[1:]:
        if readme.read_text(encoding='utf-8') != text:
            sys.exit('README.md differs from nbs/index.ipynb: run `python docs/readme.py` and commit')
    else: readme.write_text(text, encoding='utf-8')
