"A run killed with SIGKILL at any point and resumed ends exactly as an uninterrupted one, with each image listed once."
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path
import pytest
from helpers import board_matches, train, comparable, manifest

ARGS = ['--dataset', 'digits', '--labeled', '100', '--epochs', '4', '--method', 'random', '--images-per-epoch', '6',
        '--gen-fraction', '1', '--steps', '3', '--device', 'cpu', '--quiet']

@pytest.fixture(scope='module')
def reference(tmp_path_factory, tiny_generator):
    out = tmp_path_factory.mktemp('ref')/'run'
    p = train(*ARGS, '--generator', tiny_generator, '--out', out); assert p.wait() == 0, p.stderr.read()
    return out

def _kill_when(cond, out, tiny_generator):
    p = train(*ARGS, '--generator', tiny_generator, '--out', out)
    t0 = time.time()
    while p.poll() is None and not cond(out) and time.time() - t0 < 300: time.sleep(0.01)
    assert p.poll() is None, 'the run ended before the kill point'
    p.send_signal(signal.SIGKILL); p.wait()

KILL_POINTS = {
    'mid-generation': lambda out: (out/'manifest.jsonl').exists() and (out/'manifest.jsonl').read_text().count('\n') >= 9,
    'after-checkpoint': lambda out: (out/'checkpoint.pt').exists(),
    'during-config': lambda out: (out/'config.json').exists(),
}

@pytest.mark.parametrize('point', list(KILL_POINTS))
def test_kill_and_resume_matches_uninterrupted(tmp_path, reference, tiny_generator, point):
    out = tmp_path/'run'
    _kill_when(KILL_POINTS[point], out, tiny_generator)
    r = train('--resume', out); assert r.wait() == 0, r.stderr.read()
    assert comparable(out) == comparable(reference)        # same losses and accuracies, to the last digit
    recs = manifest(out)
    assert len(recs) == 24 and len({r['file'] for r in recs}) == 24
    assert [(r['epoch'], r['seed'], r['label']) for r in recs] == [(r['epoch'], r['seed'], r['label']) for r in manifest(reference)]
    assert sorted(p.name for p in (out/'generated').iterdir()) == sorted(Path(r['file']).name for r in recs)
    assert board_matches(out)                              # TensorBoard: one value per epoch, the resumed ones included

def test_second_process_on_same_run_is_refused(tmp_path, tiny_generator):
    out = tmp_path/'run'
    long = [a if a != '4' else '500' for a in ARGS]         # 500 epochs: still running when the second one starts
    p = train(*long, '--generator', tiny_generator, '--out', out)
    t0 = time.time()
    while not (out/'config.json').exists() and time.time() - t0 < 120: time.sleep(0.01)
    q = train('--resume', out); code = q.wait(); err = q.stderr.read()
    p.send_signal(signal.SIGKILL); p.wait()
    assert code == 2 and 'in use by another actgen process' in err

def test_disk_full_is_one_line_and_run_stays_resumable(tmp_path, tiny_generator):
    "A write that fails for lack of space (here: a file-size limit hit by the checkpoint) stops the run cleanly."
    import resource
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)              # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))
    out = tmp_path/'run'
    p = train(*ARGS, '--generator', tiny_generator, '--out', out, preexec_fn=limit)
    code, err = p.wait(), p.stderr.read()
    assert code == 2 and 'no space left' in err and '--resume' in err, err
    assert not [f for f in out.iterdir() if f.name.endswith('.tmp')]  # no torn temporary file left behind
    json.loads((out/'config.json').read_text())                       # what was written is whole
    r = train('--resume', out); assert r.wait() == 0, r.stderr.read()
    assert len(json.loads((out/'metrics.json').read_text())) == 4 and len(manifest(out)) == 24
