"The console scripts as a user runs them: real processes, exit codes, the run directory."
import json, os, subprocess, sys
from pathlib import Path
import pytest

BIN = Path(sys.executable).parent

def run(*args, cwd=None):
    return subprocess.run([str(BIN/args[0]), *map(str, args[1:])], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, 'HF_HUB_OFFLINE': '1'}, timeout=600)

def test_train_fashion_mnist_random(tmp_path, tiny_generator):
    "The issue's 'done when' run: 500 labeled Fashion-MNIST images, random generation, 2 epochs."
    out = tmp_path/'run'
    r = run('actgen_train', '--dataset', 'fashion-mnist', '--labeled', 500, '--method', 'random', '--epochs', 2,
            '--generator', tiny_generator, '--images-per-epoch', 8, '--steps', 4, '--device', 'cpu', '--quiet', '--out', out)
    assert r.returncode == 0, r.stderr
    for f in ['config.json', 'manifest.jsonl', 'metrics.json', 'metrics.csv', 'accuracy.png', 'generated.png', 'checkpoint.pt']:
        assert (out/f).exists(), f
    metrics = json.loads((out/'metrics.json').read_text())
    assert [m['epoch'] for m in metrics] == [1, 2]
    assert metrics[0]['n_generated'] == 8 and metrics[1]['n_generated'] == 0
    recs = [json.loads(l) for l in (out/'manifest.jsonl').read_text().splitlines()]
    assert len(recs) == 8 and all((out/r['file']).exists() for r in recs)
    cfg = json.loads((out/'config.json').read_text())
    assert cfg['sizes']['labeled'] == 500 and cfg['sizes']['val'] == 50

@pytest.mark.parametrize('args,msg', [
    (['--dataset', 'imagenet-9000'], 'unknown dataset'),
    (['--dataset', 'digits', '--flip', 'maybe'], "--flip: invalid choice: 'maybe'"),
    (['--epochs', '-1'], 'epochs must be positive'),
    (['--clf-decode', 'half'], "--clf-decode: invalid choice: 'half' (choose from 'full', 'classifier')"),
    (['--grad-update', 'later'], "--grad-update: invalid choice: 'later' (choose from 'next', 'same')"),
    (['--dataset', 'digits', '--labeled', '100000', '--method', 'real'], 'labeled'),
    (['--generator', '/no/such/model', '--dataset', 'digits', '--labeled', '50'], 'not found'),
    (['--generator', 'someone/uncached-model', '--dataset', 'digits', '--labeled', '50'], 'hf download'),
    (['--scheduler', 'heun'], "--scheduler: invalid choice: 'heun' (choose from 'ddpm', 'ddim', 'dpm-solver++', 'euler')"),
    (['--method', 'actgen', '--scheduler', 'dpm-solver++', '--dataset', 'digits', '--labeled', '50'],
     '--method actgen works only with --scheduler ddpm, not dpm-solver++'),
    (['--method', 'aig', '--scheduler', 'ddim', '--dataset', 'digits', '--labeled', '50'], '--method aig works only with --scheduler ddpm, not ddim'),
    (['--method', 'galot', '--galot-flow', 'per-step', '--scheduler', 'euler', '--dataset', 'digits', '--labeled', '50'],
     '--method galot works only with --scheduler ddpm, ddim, dpm-solver++, not euler'),
    (['--rounds', '1', '--method', 'galot', '--galot-flow', 'per-step', '--scheduler', 'euler', '--dataset', 'digits', '--initial', '20'],
     '--method galot works only with --scheduler ddpm, ddim, dpm-solver++, not euler'),    (['--method', 'da-fusion', '--dafusion-strengths', '0.5,2'], "--dafusion-strengths must each be in [0, 1], got '0.5,2'"),
    (['--method', 'da-fusion', '--inversion-steps', '0'], '--inversion-steps must be positive, got 0'),
])
def test_train_bad_input_one_line_exit_2(tmp_path, args, msg):
    out = tmp_path/'run'
    r = run('actgen_train', *args, '--epochs' if '--epochs' not in args else '--seed', 1, '--out', out, '--device', 'cpu')
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists()          # nothing half-written

def digit_folder(path: Path, classes=3) -> Path:
    "The first `classes` digit classes of sklearn's digits as a folder dataset of PNGs (train/<class>/*.png, test/<class>/*.png)."
    from PIL import Image
    from actgen.data import load_dataset
    for split in ('train', 'test'):
        ds = load_dataset('digits', split)
        for i in (ds.labels < classes).nonzero().flatten().tolist():
            (path/split/ds.classes[ds.labels[i]]).mkdir(parents=True, exist_ok=True)
            Image.fromarray(ds.images[i, 0].numpy()).save(path/split/ds.classes[ds.labels[i]]/f'{i}.png')
    return path

def test_folder_dataset_mirrored_only_when_declared(tmp_path):
    "A folder dataset is not mirrored unless PATH/actgen_dataset.json or --flip yes says so (and the run says how, once); a malformed file is one line."
    folder = digit_folder(tmp_path/'digits3')
    train = lambda out, *more: run('actgen_train', '--dataset', f'folder:{folder}', '--labeled', 30, '--method', 'real', '--epochs', 1,
                                   '--device', 'cpu', '--quiet', '--out', tmp_path/out, *more)
    r = train('a')
    assert r.returncode == 0, r.stderr
    assert r.stderr.count('--flip yes') == 1 and 'actgen_dataset.json' in r.stderr, r.stderr
    rec = json.loads((tmp_path/'a'/'config.json').read_text())
    assert (rec['flip'], rec['config']['flip']) == (False, 'auto')
    r = train('b', '--flip', 'yes')
    assert r.returncode == 0 and '--flip yes' not in r.stderr, r.stderr
    assert json.loads((tmp_path/'b'/'config.json').read_text())['flip'] is True
    (folder/'actgen_dataset.json').write_text('{"flip": true}')
    r = train('c')
    assert r.returncode == 0 and json.loads((tmp_path/'c'/'config.json').read_text())['flip'] is True, r.stderr
    (folder/'actgen_dataset.json').write_text('{"flip": "sure"}')
    r = train('d')
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and str(folder/'actgen_dataset.json') in lines[0] and 'must hold' in lines[0], r.stderr
    assert not (tmp_path/'d').exists()

def test_train_refuses_folder_of_another_run(tmp_path):
    out = tmp_path/'run'; out.mkdir(); (out/'config.json').write_text('{}')
    r = run('actgen_train', '--dataset', 'digits', '--labeled', 50, '--method', 'real', '--epochs', 1, '--out', out)
    assert r.returncode == 2 and 'already holds another run' in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ['config.json'] and (out/'config.json').read_text() == '{}'

def test_generate_folder(tmp_path, tiny_generator):
    r = run('actgen_generate', '--model', tiny_generator, '--dataset', 'fashion-mnist', '--classes', 'ankle boot,bag',
            '--n', 2, '--steps', 2, '--device', 'cpu', '--out', tmp_path/'g')
    assert r.returncode == 0, r.stderr
    recs = [json.loads(l) for l in (tmp_path/'g'/'manifest.jsonl').read_text().splitlines()]
    assert [x['class'] for x in recs] == ['ankle boot'] * 2 + ['bag'] * 2
    assert [x['label'] for x in recs] == [9, 9, 8, 8]   # the dataset's class indices (a model that records its classes: the model's)

def test_generate_with_a_scheduler(tmp_path, tiny_generator):
    "A deterministic scheduler writes its images; an unknown one is argparse's one line, exit 2, no folder."
    r = run('actgen_generate', '--model', tiny_generator, '--classes', 'zero,one', '--n', 2, '--steps', 3, '--scheduler', 'dpm-solver++',
            '--device', 'cpu', '--out', tmp_path/'g')
    assert r.returncode == 0, r.stderr
    assert len((tmp_path/'g'/'manifest.jsonl').read_text().splitlines()) == 4
    r = run('actgen_generate', '--model', tiny_generator, '--classes', 'zero', '--scheduler', 'lms', '--out', tmp_path/'h')
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "--scheduler: invalid choice: 'lms'" in r.stderr, r.stderr
    assert not (tmp_path/'h').exists()

def test_help_explains_every_option():
    r = run('actgen_train', '--help')
    assert r.returncode == 0
    for opt in ['--dataset', '--flip', '--labeled', '--method', '--images-per-epoch', '--guidance-scale', '--generator', '--out']:
        assert opt in r.stdout

def test_train_with_label_filter(tmp_path, tiny_generator):
    "--filter diffusion: every generated image stays in the manifest with its verdict; training uses the kept ones; the budget counts them."
    out = tmp_path/'run'
    r = run('actgen_train', '--dataset', 'fashion-mnist', '--labeled', 200, '--method', 'random', '--epochs', 2, '--generator', tiny_generator,
            '--images-per-epoch', 8, '--steps', 3, '--device', 'cpu', '--quiet', '--out', out, '--filter', 'diffusion', '--judge-trials', 2,
            '--filter-factor', 2, '--tensorboard', 'no')
    assert r.returncode == 0, r.stderr
    recs = [json.loads(l) for l in (out/'manifest.jsonl').read_text().splitlines()]
    m = json.loads((out/'metrics.json').read_text())[0]
    kept = [x for x in recs if x['kept']]
    assert all(x['judge'] == 'diffusion' and 0 <= x['judge_score'] <= 1 for x in recs)
    assert all(x['rejected'] == 'judge' and x['judge_class'] != x['label'] for x in recs if not x['kept'])
    assert 8 <= len(recs) <= 16 and m['n_generated'] == len(recs) and m['n_kept'] == len(kept) <= 8   # a random tiny model: few kept
    assert (len(kept) == 8) == (m['note'] == ''), m                    # an unfilled budget is said
    m2 = json.loads((out/'metrics.json').read_text())[1]
    assert m2['n_train'] == 200 + len(kept)     # trained on the real images (the val split merged in after generation) and the kept ones only

def test_train_da_fusion_keeps_its_class_tokens(tmp_path, tiny_generator):
    "--method da-fusion: the class tokens are learned once and kept in RUN/class_tokens.pt; a --resume of the finished run leaves them as they were."
    out = tmp_path/'run'
    r = run('actgen_train', '--dataset', 'fashion-mnist', '--labeled', 100, '--method', 'da-fusion', '--epochs', 2, '--generator', tiny_generator,
            '--images-per-epoch', 6, '--steps', 3, '--inversion-steps', 2, '--device', 'cpu', '--quiet', '--out', out, '--tensorboard', 'no')
    assert r.returncode == 0, r.stderr
    tokens = out/'class_tokens.pt'; saved, stamp = tokens.read_bytes(), tokens.stat().st_mtime_ns
    recs = [json.loads(l) for l in (out/'manifest.jsonl').read_text().splitlines()]
    assert len(recs) == 6 and all(x['method'] == 'da-fusion' and x['guide_id'].startswith('train/') for x in recs)
    assert all(x['prompt'] == f"a photo of a <actgen-{x['label']}>" and x['strength'] in (0.25, 0.5, 0.75, 1.0) for x in recs)
    r = run('actgen_train', '--resume', out, '--quiet')
    assert r.returncode == 0, r.stderr
    assert tokens.read_bytes() == saved and tokens.stat().st_mtime_ns == stamp      # not learned (nor written) again
    assert len((out/'manifest.jsonl').read_text().splitlines()) == 6

@pytest.mark.parametrize('args,msg', [
    (['--method', 'real', '--filter', 'labeled'], '--filter labeled judges generated images, and --method real generates none'),
    (['--method', 'random', '--filter', 'clip'], 'not in the local cache'),
    (['--method', 'random', '--filter', 'clip', '--clip-weights', '/no/such.pt'], 'no such weights file'),
    (['--method', 'random', '--filter', 'oracle'], "--filter: invalid choice: 'oracle'"),
    (['--method', 'random', '--filter', 'labeled', '--filter-factor', '0.5'], 'filter'),
])
def test_filter_bad_input_one_line_exit_2(tmp_path, args, msg):
    out = tmp_path/'run'
    r = run('actgen_train', '--dataset', 'digits', '--labeled', 50, '--epochs', 1, *args, '--out', out, '--device', 'cpu')
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists()

def test_generate_lookalikes_of_a_folder_and_a_run(tmp_path, tiny_generator):
    "actgen_generate --guides: look-alikes of a folder's images and of a run's guides, each image's guide in the manifest."
    folder = digit_folder(tmp_path/'digits')
    r = run('actgen_generate', '--guides', folder, '--method', 'aig', '--per-guide', 2, '--generator', tiny_generator, '--steps', 3,
            '--device', 'cpu', '--quiet', '--out', tmp_path/'out')
    assert r.returncode == 0, r.stderr
    recs = [json.loads(l) for l in (tmp_path/'out'/'manifest.jsonl').read_text().splitlines()]
    n_guides = sum(1 for _ in (folder/'train').glob('*/*.png'))
    assert len(recs) == 2 * n_guides and (tmp_path/'out'/'grid.png').exists()
    assert sorted({x['guide_id'] for x in recs}) == sorted(f'train/{p.parent.name}/{p.name}' for p in (folder/'train').glob('*/*.png'))
    assert all(x['method'] == 'aig' and x['class'] in x['prompt'] for x in recs)
    rg = tmp_path/'rg'   # a run's guides: the labeled images its real-guidance images started from
    assert run('actgen_train', '--dataset', 'digits', '--labeled', 30, '--method', 'real-guidance', '--epochs', 2, '--generator', tiny_generator,
               '--images-per-epoch', 4, '--steps', 2, '--device', 'cpu', '--quiet', '--tensorboard', 'no', '--out', rg).returncode == 0
    r = run('actgen_generate', '--guides', rg, '--method', 'real-guidance', '--per-guide', 1, '--steps', 2, '--device', 'cpu', '--quiet',
            '--out', tmp_path/'out-rg')
    assert r.returncode == 0, r.stderr
    used = {json.loads(l)['guide_id'] for l in (rg/'manifest.jsonl').read_text().splitlines()}
    assert {json.loads(l)['guide_id'] for l in (tmp_path/'out-rg'/'manifest.jsonl').read_text().splitlines()} == used

@pytest.mark.parametrize('args,msg', [
    (['--guides', '/no/such/folder'], 'no such folder or run directory'),
    (['--guides', '.', '--method', 'galot'], "--method: invalid choice: 'galot'"),
    (['--guides', '.', '--per-guide', '0'], 'per-guide'),
])
def test_generate_lookalikes_bad_input_one_line_exit_2(tmp_path, args, msg):
    r = run('actgen_generate', *args, '--out', tmp_path/'out', '--device', 'cpu')
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path/'out').exists()
