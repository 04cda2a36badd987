"`actgen_train --rounds N` as a user runs it: real processes, exit codes, and a killed rounds run resumed with `--resume`."
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path
import pytest
from helpers import BIN, ENV, board_matches, train, comparable, manifest

ARGS = ['--rounds', '2', '--dataset', 'digits', '--initial', '50', '--query', 'entropy', '--query-size', '20', '--pool-size', '300',
        '--method', 'galot', '--gen-per-class', '1', '--epochs', '2', '--steps', '3', '--galot-iters', '1', '--galot-samples', '1',
        '--test-size', '100', '--device', 'cpu', '--quiet']
@pytest.fixture(scope='module')
def reference(tmp_path_factory, tiny_generator):
    out = tmp_path_factory.mktemp('ref')/'run'
    p = train(*ARGS, '--generator', tiny_generator, '--out', out); assert p.wait() == 0, p.stderr.read()
    return out

def test_rounds_run_directory(reference):
    m = json.loads((reference/'metrics.json').read_text())
    assert [x['n_labeled'] for x in m] == [50, 70, 90] and [x['n_generated'] for x in m] == [0, 10, 10]
    lab = json.loads((reference/'labeled.json').read_text())
    ids = lab['initial'] + sum(lab['rounds'], [])
    assert len(ids) == len(set(ids)) == 90                     # no pool image is queried twice
    assert json.loads((reference/'config.json').read_text())['kind'] == 'rounds'

KILL_POINTS = {   # killed during round 2's generation or training (07d_rounds also checks resume in-process)
    'after-round-1': lambda out: (out/'checkpoints'/'round1.pt').exists(),
}

@pytest.mark.parametrize('point', list(KILL_POINTS))
def test_kill_and_resume_matches_uninterrupted(tmp_path, reference, tiny_generator, point):
    out = tmp_path/'run'
    p = train(*ARGS, '--generator', tiny_generator, '--out', out); t0 = time.time()
    while p.poll() is None and not KILL_POINTS[point](out) and time.time() - t0 < 300: time.sleep(0.01)
    assert p.poll() is None, 'the run ended before the kill point'
    p.send_signal(signal.SIGKILL); p.wait()
    r = train('--resume', out); assert r.wait() == 0, r.stderr.read()
    assert comparable(out) == comparable(reference)            # same accuracies and losses, to the last digit
    assert [(x['round'], x['seed'], x['label']) for x in manifest(out)] == [(x['round'], x['seed'], x['label']) for x in manifest(reference)]
    assert json.loads((out/'labeled.json').read_text()) == json.loads((reference/'labeled.json').read_text())
    assert board_matches(out, 'round')                      # TensorBoard: one value per round, the resumed ones included

@pytest.mark.parametrize('args,msg', [
    (['--rounds', 'two'], "invalid int value: 'two'"),
    (['--rounds', '2', '--query', 'bold'], 'invalid choice'),
    (['--rounds', '1', '--dataset', 'digits', '--method', 'real', '--arch', 'resnet18', '--query', 'bald'],
     '--query bald needs a classifier with dropout; resnet18 has none'),
    (['--rounds', '1', '--dataset', 'digits', '--method', 'galot', '--generator', '/no/such/model', '--arch', 'resnet18', '--acquisition', 'bald', '--query', 'none'],
     '--acquisition bald needs a classifier with dropout; resnet18 has none'),
    (['--rounds', '1', '--dataset', 'digits', '--initial', '20', '--query-size', '5000', '--method', 'real'],
     "--query-size 5000 x --rounds 1 is more than the pool's 1418 unlabeled images"),
    (['--rounds', '3', '--dataset', 'digits', '--initial', '20', '--query-size', '500', '--method', 'real'], "is more than the pool's"),
    (['--rounds', '1', '--dataset', 'digits', '--query-size', '50', '--pool-size', '40', '--method', 'real'],
     '--query-size 50 is more than --pool-size 40'),
    (['--rounds', '1', '--dataset', 'digits', '--query-power', '-1'], '--query-power'),
    (['--rounds', '2', '--dataset', 'digits', '--initial', '5', '--method', 'real'], 'cannot cover 10 classes'),
    (['--rounds', '2', '--dataset', 'digits', '--method', 'real', '--extra-data', '/no/such/run'], 'holds no generated images'),
    (['--rounds', '2', '--dataset', 'digits', '--method', 'real', '--device', 'gpu'], 'unknown device'),
])
def test_rounds_bad_input_one_line_exit_2(tmp_path, args, msg):
    out = tmp_path/'run'
    p = train(*args, '--out', out); code, err = p.wait(), p.stderr.read()
    assert code == 2, (code, err)
    assert msg in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()                                     # nothing half-written

def test_resume_of_nothing(tmp_path):
    p = train('--resume', tmp_path/'nothing'); code, err = p.wait(), p.stderr.read()
    assert code == 2 and 'does not exist: there is no run to resume' in err and len(err.strip().splitlines()) == 1

def test_rounds_help():
    r = subprocess.run([str(BIN/'actgen_train'), '--rounds', '3', '--help'], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0 and r.stdout.startswith('usage: actgen_train --rounds N')
    for opt in ['--initial', '--query', '--query-size', '--pool-size', '--query-mc-samples', '--query-power', '--query-joint-samples', '--gen-per-class', '--retrain', '--extra-data', '--arch',
                '--galot-eps', '--galot-eps-schedule', '--resume', '--out']:
        assert opt in r.stdout, opt
    assert '(default: None)' not in r.stdout
    for name in ('bald', 'batchbald', 'badge', 'stochastic-bald'): assert name in r.stdout, name   # the registry's names are --query's choices
