"""Run the notebooks as `nbdev-test` does and keep what they printed: `make nbtest`.

Each notebook runs through nbdev's own `test_nb` (execnb's CaptureShell, the cells flagged by `tst_flags` skipped, the
notebook's folder as working directory, each cell's timeout, stop at the first error), in `--n-workers` processes.
A notebook that passes is written with its outputs to OUT/<its path under nbs/>; the source notebooks are never touched.
When every notebook passed, OUT/.done is written (the docs build reads the executed copies, `make docs`); when one
fails, the failing notebooks are listed and the exit status is 1, as with nbdev-test.

Usage: python docs/nbrun.py [PATH ...] [--n-workers 2] [--out _build/executed]"""
import argparse, os, sys, time
from pathlib import Path
import nbdev.test as nbt
from fastcore.nbio import write_nb
from fastcore.parallel import parallel
from nbdev.config import get_config
from nbdev.doclinks import nbglob

def _run(fn, out=None, nbs=None, **kw):
    "`test_nb(fn, save=True)` with nbdev.test's `write_nb` replaced: the executed copy goes to `out`, never over `fn`"
    fn = Path(fn)
    dest = Path(out)/(fn.relative_to(nbs) if fn.is_relative_to(nbs) else fn.name)
    def save(nb, _):
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix('.tmp')
        write_nb(nb, tmp); tmp.replace(dest)
    nbt.write_nb = save
    return nbt.test_nb(fn, save=True, **kw)

def notebooks(paths, cfg) -> list[Path]:
    "The notebooks nbdev-test would test under `paths` (default: the whole nbs folder), sorted"
    files = []
    for p in paths or [cfg.nbs_path]:
        files += nbglob(p, as_path=True) if Path(p).is_dir() else [Path(p)]
    return [f.absolute() for f in sorted(files) if nbt._keep_file(f, '.notest')]

def run_notebooks(paths=None, n_workers=2, out='_build/executed', timing=True) -> bool:
    cfg = get_config()
    files, out = notebooks(paths, cfg), Path(out).absolute()
    nbs = Path(cfg.nbs_path).absolute()
    rel = lambda f: f.relative_to(nbs) if f.is_relative_to(nbs) else Path(f.name)
    (out/'.done').unlink(missing_ok=True)
    skip = cfg.tst_flags.split() if isinstance(cfg.tst_flags, str) else list(cfg.tst_flags or [])
    start = time.time()
    with nbt.working_directory(nbs):
        res = parallel(_run, files, out=out, nbs=nbs, skip_flags=skip, force_flags=[], n_workers=n_workers, basepath=cfg.config_path,
                       pause=0.01, cell_timeout=cfg.cell_timeout or None)
    passed, times = zip(*res)
    if timing:
        for t, f in sorted(zip(times, files), reverse=True)[:8]: print(f'{rel(f)}: {int(t)} s')
    failed = [rel(f) for p, f in zip(passed, files) if not p]
    if failed:
        sys.stderr.write('\nNotebooks failed:\n\t' + '\n\t'.join(map(str, failed)) + '\n')
        return False
    if not paths: (out/'.done').write_text(f'{len(files)} notebooks in {time.time() - start:.0f} s\n')
    print(f'Success: {len(files)} notebooks in {time.time() - start:.0f} s, executed copies in {out}')
    return True

if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import nbrun   # the workers (forkserver) import `_run` from a module, not from __main__
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('paths', nargs='*', help='notebooks or folders (default: all of nbs/)')
    ap.add_argument('--n-workers', type=int, default=2, help='notebooks run at once')
    ap.add_argument('--out', default='_build/executed', help='folder for the executed copies')
    a = ap.parse_args()
    sys.exit(0 if nbrun.run_notebooks(a.paths, a.n_workers, a.out) else 1)
