"timm classifiers (`--arch timm:NAME`) from the command line (its function, in this process: the refusals come before any work and imports are paid once): a CPU run, the explorer loading its classifier, the rounds, the refusals."
import json
from pathlib import Path
import pytest

BASE = ['--dataset', 'digits', '--labeled', '100', '--epochs', '1', '--method', 'real', '--device', 'cpu', '--quiet']

@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    "Empty Hugging Face and torch hub caches for this test (as on a machine that never downloaded timm's weights)."
    import huggingface_hub.constants, torch
    monkeypatch.setattr(huggingface_hub.constants, 'HF_HUB_CACHE', str(tmp_path/'hf'))
    old = torch.hub.get_dir(); torch.hub.set_dir(str(tmp_path/'torch')); yield; torch.hub.set_dir(old)

def train_here(*args):
    "`actgen_train ARGS` in this process (the refusals come before any work): its exit code."
    from actgen.cli import actgen_train
    try: return actgen_train(list(map(str, args))) or 0
    except SystemExit as e: return e.code

def test_timm_resnet18_trains_on_cpu_and_loads_in_the_explorer(tmp_path):
    out = tmp_path/'run'
    assert train_here(*BASE, '--arch', 'timm:resnet18', '--out', out) == 0   # the console script's function: the same path as the command
    info = json.loads((out/'config.json').read_text())
    assert info['arch'] == 'timm:resnet18' and info['config']['pretrained'] is False
    acc = json.loads((out/'metrics.json').read_text())[-1]['test_acc']
    from actgen.explore_session import load_run_classifier   # the run's classifier round-trips: same model, same accuracy
    from actgen.classifier import accuracy
    from actgen.data import load_dataset
    model, _ = load_run_classifier(out)
    assert type(model[1]).__module__.startswith('timm')
    assert abs(accuracy(model, load_dataset('digits', 'test')) - acc) < 1e-4

def test_timm_core_set_features(tmp_path):
    "Core-set measures distances in what a timm model's classifier receives."
    from actgen.classifier import build_classifier
    from actgen.pool import penultimate_features
    import torch
    f = penultimate_features(build_classifier('timm:resnet18', 10, 1), torch.randint(0, 255, (4, 1, 8, 8), dtype=torch.uint8))
    assert f.shape == (4, 512)

@pytest.mark.parametrize('args,msg', [
    (['--arch', 'timm:resnt18'], "timm knows no model 'resnt18'; closest: resnet18"),
    (['--arch', 'timm:vit_tiny_patch16_224'], 'takes only 224x224 images'),
    (['--arch', 'timm:resnet18', '--pretrained'], 'hf download timm/resnet18.a1_in1k'),
    (['--arch', 'small-cnn', '--pretrained'], '--pretrained needs a timm classifier'),
    (['--pretrained'], '--pretrained needs a timm classifier'),
])
def test_timm_refusals_one_line_exit_2_nothing_written(tmp_path, empty_cache, capsys, args, msg):
    out = tmp_path/'run'
    assert train_here(*BASE, *args, '--out', out) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and msg in lines[0], lines
    assert not out.exists()

ROUNDS = ['--rounds', '1', '--dataset', 'digits', '--initial', '30', '--query', 'coreset', '--query-size', '10', '--pool-size', '200',
          '--method', 'real', '--epochs', '1', '--test-size', '100', '--device', 'cpu', '--quiet']

def test_timm_rounds(tmp_path, capsys):
    "The rounds with a timm classifier: core-set queries in its classifier's input space; an unknown name is refused there too."
    assert train_here(*ROUNDS, '--arch', 'timm:resnt18', '--out', tmp_path/'bad') == 2
    assert 'closest: resnet18' in capsys.readouterr().err and not (tmp_path/'bad').exists()
    assert train_here(*ROUNDS, '--arch', 'timm:resnet18', '--out', tmp_path/'run') == 0
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())
    assert [r['n_labeled'] for r in m] == [30, 40]
    assert json.loads((tmp_path/'run'/'config.json').read_text())['arch'] == 'timm:resnet18'

def test_help_shows_pretrained(capsys):
    assert train_here('--help') == 0
    out = capsys.readouterr().out
    assert '--pretrained' in out and 'timm:NAME' in out
