"Damaged run files: a resumed run either repairs exactly what can be repaired exactly, or refuses in one line (exit 2) before changing anything."
import json, shutil, signal, subprocess, time
from pathlib import Path
import pytest
import torch
from helpers import train, comparable, manifest

ARGS = ['--dataset', 'digits', '--labeled', '100', '--epochs', '4', '--method', 'random', '--images-per-epoch', '6',
        '--gen-fraction', '1', '--steps', '3', '--device', 'cpu', '--quiet']

def finish(*args):
    p = train(*args); out, err = p.communicate(); return p.returncode, out, err

@pytest.fixture(scope='module')
def reference(tmp_path_factory, tiny_generator):
    out = tmp_path_factory.mktemp('ref')/'run'
    code, _, err = finish(*ARGS, '--generator', tiny_generator, '--out', out); assert code == 0, err
    return out

@pytest.fixture(scope='module')
def killed(tmp_path_factory, tiny_generator):
    "A run killed after a checkpoint and before the next one; the finished images are those the checkpoint holds."
    out = tmp_path_factory.mktemp('killed')/'run'
    p = train(*ARGS, '--generator', tiny_generator, '--out', out); t0 = time.time()
    lines = lambda: (out/'manifest.jsonl').read_text().count('\n') if (out/'manifest.jsonl').exists() else 0
    while p.poll() is None and not ((out/'checkpoint.pt').exists() and lines() < 18) and time.time() - t0 < 300: time.sleep(0.005)
    assert p.poll() is None, 'the run ended before the kill point'
    p.send_signal(signal.SIGKILL); p.wait()
    return out

def copy(killed, tmp_path):
    run = tmp_path/'run'; shutil.copytree(killed, run); (run/'.lock').unlink(missing_ok=True)
    return run, torch.load(run/'checkpoint.pt', weights_only=False)

def refused(run, msg):
    files = lambda: {p: p.read_bytes() for p in run.rglob('*') if p.is_file() and p.name != '.lock' and p.suffix != '.tmp'}
    before = files()
    code, _, err = finish('--resume', run, '--quiet')
    assert code == 2 and msg in err and len(err.strip().splitlines()) == 1, (code, err)
    assert files() == before   # nothing changed (temporary files of writes cut short may go)

def resumed_exactly(run, reference):
    code, out, err = finish('--resume', run, '--quiet'); assert code == 0, err
    assert comparable(run) == comparable(reference)
    recs = manifest(run); assert len(recs) == 24 and len({r['file'] for r in recs}) == 24
    assert sorted(p.name for p in (run/'generated').iterdir()) == sorted(Path(r['file']).name for r in recs)
    return out

def test_torn_record_of_a_finished_epoch_is_restored(killed, reference, tmp_path):
    run, ck = copy(killed, tmp_path); n = len(ck['generated'])
    lines = (run/'manifest.jsonl').read_text().splitlines(True)
    (run/'manifest.jsonl').write_text(''.join(lines[:n - 1]) + lines[n - 1][:25])   # the finished epoch's last line cut in half
    out = resumed_exactly(run, reference)
    assert 'repaired manifest.jsonl: 1 record(s) of finished epochs restored from the checkpoint' in out

def test_missing_image_of_a_finished_epoch_is_refused(killed, tmp_path):
    run, ck = copy(killed, tmp_path); (run/ck['generated'][0]['file']).unlink()
    refused(run, 'of a finished epoch is missing')

def test_changed_image_of_a_finished_epoch_is_refused(killed, tmp_path):
    run, ck = copy(killed, tmp_path); (run/ck['generated'][-1]['file']).write_bytes(b'garbage')
    refused(run, 'of a finished epoch was changed after it was written')

@pytest.mark.parametrize('damage', ['truncated', 'empty'])
def test_damaged_checkpoint_is_one_line(killed, tmp_path, damage):
    run, _ = copy(killed, tmp_path); data = (run/'checkpoint.pt').read_bytes()
    (run/'checkpoint.pt').write_bytes(data[:len(data) // 2] if damage == 'truncated' else b'')
    refused(run, 'checkpoint.pt is damaged (')

def test_deleted_checkpoint_runs_again_from_the_start(killed, reference, tmp_path):
    "What the damaged-checkpoint message suggests: without it, the run starts over and still ends exactly."
    run, _ = copy(killed, tmp_path); (run/'checkpoint.pt').unlink()
    resumed_exactly(run, reference)

@pytest.mark.parametrize('damage,msg', [
    (lambda t: t[:len(t) // 2], 'config.json is damaged (not JSON'),
    (lambda t: t.replace('"config": {', '"config": {"colour": "red", ', 1), "unknown setting 'colour'"),
    (lambda t: '[]', "does not hold a run's settings"),
])
def test_damaged_config_is_one_line(killed, tmp_path, damage, msg):
    run, _ = copy(killed, tmp_path); (run/'config.json').write_text(damage((run/'config.json').read_text()))
    refused(run, msg)

def test_kill_in_the_config_write_window(tmp_path, tiny_generator):
    "Killed while config.json was being written: no run to resume, and the folder is free for a new one."
    s = tmp_path/'S'; s.mkdir(); (s/'.lock').touch(); (s/'.config.json.abcd1234.tmp').write_text('{"con')
    code, _, err = finish('--resume', s, '--quiet'); assert code == 2 and 'holds no run to resume' in err, err
    code, _, err = finish(*[a if a != '4' else '1' for a in ARGS], '--generator', tiny_generator, '--out', s); assert code == 0, err
    assert not list(s.glob('.*.tmp')) and (s/'config.json').exists()

def test_stale_temporary_files_go_on_resume(killed, reference, tmp_path):
    run, _ = copy(killed, tmp_path)
    (run/'.checkpoint.pt.x1y2.tmp').write_bytes(b'\0' * 1000); (run/'generated'/'.000005.png.q.tmp').write_bytes(b'half')
    resumed_exactly(run, reference)
    assert not list(run.rglob('.*.tmp'))
