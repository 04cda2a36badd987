"Tests of actgen.data on the real datasets and on crash safety (the notebook nbs/01_data.ipynb tests the rest)."
import json, os, subprocess, sys, warnings
from pathlib import Path

import pytest
import torch

from actgen.core import ActgenError
from actgen.data import (FASHION_CLASSES, FASHION_MNIST_DIR, CIFAR10_CLASSES, balanced_subset, dataset_classes,
                         load_dataset, train_val_split)
from actgen.genset import GeneratedSet

CI_ZIP = Path(__file__).resolve().parents[1].parent/'shared'/'data'/'cifar10_ci_1k200_jpg.zip'


@pytest.fixture(scope='module')
def fashion():
    if not FASHION_MNIST_DIR.is_dir(): pytest.skip(f'{FASHION_MNIST_DIR} missing (apt-get install dataset-fashion-mnist)')
    return load_dataset('fashion-mnist', 'train'), load_dataset('fashion-mnist', 'test')


def test_fashion_mnist_shapes_and_labels(fashion):
    train, test = fashion
    assert train.images.shape == (60000, 1, 28, 28) and test.images.shape == (10000, 1, 28, 28)
    assert train.images.dtype == torch.uint8 and train.labels.dtype == torch.int64
    assert train.labels.min() == 0 and train.labels.max() == 9
    assert train.counts() == [6000]*10 and test.counts() == [1000]*10
    assert train.classes == FASHION_CLASSES == dataset_classes('fashion-mnist')
    assert len(set(train.ids)) == 60000


def test_fashion_mnist_from_env_folder(tmp_path, monkeypatch, fashion):
    for f in FASHION_MNIST_DIR.glob('t10k-*'): (tmp_path/f.name).symlink_to(f)
    monkeypatch.setenv('ACTGEN_FASHION_MNIST', str(tmp_path))
    assert torch.equal(load_dataset('fashion-mnist', 'test').images, fashion[1].images)
    with pytest.raises(ActgenError, match='not found in'): load_dataset('fashion-mnist', 'train')


def test_balanced_subset_counts(fashion):
    train = fashion[0]
    for n, want in [(10, [1]*10), (1000, [100]*10), (1234, [124]*4 + [123]*6)]:
        sub = balanced_subset(train, n, seed=7)
        assert len(sub) == n and sub.counts() == want
        assert len(set(sub.ids)) == n
    tr, va = train_val_split(balanced_subset(train, 1000, seed=7), 0.1, seed=7)
    assert tr.counts() == [90]*10 and va.counts() == [10]*10
    with pytest.raises(ActgenError, match='has only'): balanced_subset(fashion[1], 10001, 0)


@pytest.mark.skipif(not CI_ZIP.is_file(), reason=f'{CI_ZIP} missing')
def test_cifar10_from_zip(tmp_path, monkeypatch):
    monkeypatch.setenv('ACTGEN_CACHE', str(tmp_path))
    train = load_dataset(f'cifar10:{CI_ZIP}', 'train')
    test = load_dataset(f'cifar10:{CI_ZIP}', 'test')
    assert train.images.shape == (1000, 3, 32, 32) and test.images.shape == (200, 3, 32, 32)
    assert train.classes == CIFAR10_CLASSES == dataset_classes(f'cifar10:{CI_ZIP}')
    assert train.counts() == [100]*10 and test.counts() == [20]*10
    assert train.ids[0] == 'train/airplane/0000.jpg'
    assert len(list(tmp_path.glob('*.npz'))) == 2                     # both splits cached
    again = load_dataset('cifar10', 'train', data_dir=CI_ZIP)          # from the cache
    assert torch.equal(again.images, train.images) and again.ids == train.ids
    monkeypatch.setenv('ACTGEN_DATA', str(CI_ZIP.parent))
    monkeypatch.chdir(tmp_path)
    assert dataset_classes('cifar10') == CIFAR10_CLASSES


def test_folder_says_what_it_skipped_once_on_the_console(tmp_path):
    "A run loads both splits of `folder:PATH`; what was not read is said once, on stderr, and the run goes on."
    from PIL import Image
    for split, n in (('train', 6), ('test', 2)):
        for c in 'abc' if split == 'train' else 'ab':   # class c has no test images
            (tmp_path/'ds'/split/c).mkdir(parents=True)
            for i in range(n): Image.new('L', (8, 8), 40*i).save(tmp_path/'ds'/split/c/f'{i}.png')
    (tmp_path/'ds'/'train'/'empty').mkdir()
    r = subprocess.run([str(Path(sys.executable).parent/'actgen_train'), '--dataset', f"folder:{tmp_path/'ds'}", '--labeled', '9',
                        '--method', 'real', '--epochs', '1', '--device', 'cpu', '--quiet', '--out', str(tmp_path/'run')],
                       capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'}, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count('skipped or converted while reading it') == 1, r.stderr
    assert "  empty class folders, not classes: train/empty\n  classes with no test images, kept (trained, never tested): 'c'\n" in r.stderr
    assert json.loads((tmp_path/'run'/'config.json').read_text())['sizes']['labeled'] == 9


def test_cifar10_missing(tmp_path, monkeypatch):
    monkeypatch.setenv('ACTGEN_DATA', str(tmp_path))
    with pytest.raises(ActgenError, match='ACTGEN_DATA=') as e: load_dataset('cifar10')
    assert '\n' not in str(e.value)


def _valid_lines(path):
    lines = Path(path).read_bytes().decode().split('\n')
    assert lines[-1] == '', 'the manifest ends with a newline'
    return [json.loads(l) for l in lines[:-1]]


def test_manifest_survives_a_torn_line(tmp_path):
    gs = GeneratedSet(tmp_path)
    gs.add(torch.rand(2, 3, 16, 16), [0, 1], [{'class': 'a', 'seed': 0}, {'class': 'b', 'seed': 1}])
    with open(tmp_path/'manifest.jsonl', 'ab') as f: f.write(b'{"file": "generated/000002.png", "label": 1, "cl')   # killed mid-write
    assert len(GeneratedSet(tmp_path)) == 2                              # the torn line is ignored when reading
    gs = GeneratedSet(tmp_path)
    recs = gs.add(torch.rand(2, 3, 16, 16), [1, 0], [{'class': 'b'}, {'class': 'a'}])
    assert [r['file'] for r in recs] == ['generated/000002.png', 'generated/000003.png']
    lines = _valid_lines(tmp_path/'manifest.jsonl')                     # every line parses: no glued partial line
    assert [l['file'] for l in lines] == [f'generated/{i:06d}.png' for i in range(4)]
    assert all((tmp_path/l['file']).is_file() for l in lines)
    assert [r['label'] for r in GeneratedSet(tmp_path).records] == [0, 1, 1, 0]


def test_manifest_never_points_at_a_missing_file(tmp_path, monkeypatch):
    gs = GeneratedSet(tmp_path)
    gs.add(torch.rand(1, 1, 8, 8), [0], [{}])
    import PIL.Image
    def crash(*a, **k): raise KeyboardInterrupt('killed while saving')
    monkeypatch.setattr(PIL.Image.Image, 'save', crash)
    with pytest.raises(KeyboardInterrupt): gs.add(torch.rand(1, 1, 8, 8), [0], [{}])
    monkeypatch.undo()
    assert len(_valid_lines(tmp_path/'manifest.jsonl')) == 1               # no line for the image that was not written
    assert sorted(p.name for p in (tmp_path/'generated').iterdir()) == ['000000.png']   # and no temporary left
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        recs = GeneratedSet(tmp_path).add(torch.tensor(float('nan')).expand(2, 1, 8, 8).clone(), [0, 0], [{}, {}])
    assert recs == [] and 'dropped 2' in str(w[-1].message)
    assert len(GeneratedSet(tmp_path)) == 1
