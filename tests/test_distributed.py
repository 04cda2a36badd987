"""Data-parallel runs (06b_distributed): a 2-process run (torchrun, gloo on the CPU) against a 1-process one, DDP training
steps against single-process ones, and sharded generation against unsharded."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch
from torch import nn
from helpers import BIN, ENV, comparable, manifest

ARGS = ['--dataset', 'digits', '--labeled', '200', '--batch-size', '32', '--epochs', '4', '--method', 'actgen',
        '--images-per-epoch', '7', '--gen-fraction', '1', '--steps', '3', '--device', 'cpu', '--quiet']

def _launch(nproc): return [str(BIN/'torchrun'), '--nproc-per-node', str(nproc), str(BIN/'actgen_train')] if nproc > 1 else [str(BIN/'actgen_train')]

def _train(out, gen, nproc=1):
    p = subprocess.run([*_launch(nproc), *ARGS, '--generator', str(gen), '--out', str(out)], capture_output=True, text=True, env=ENV, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads((out/'metrics.json').read_text())

@pytest.fixture(scope='module')
def runs(tmp_path_factory, tiny_generator):
    "The same run with 1 process and with 2 (torchrun)."
    d = tmp_path_factory.mktemp('dist')
    _train(d/'one', tiny_generator); _train(d/'two', tiny_generator, nproc=2)
    return d

def test_two_processes_match_one(runs):
    one, two = [json.loads((runs/r/'metrics.json').read_text()) for r in ('one', 'two')]
    # every image slot of the budget is generated exactly once, by one rank, and listed once by rank 0
    recs1, recs2 = manifest(runs/'one'), manifest(runs/'two')
    seeds = lambda rs: sorted(r['seed'] for r in rs)
    assert len(recs2) == 4 * 7 and len(set(seeds(recs2))) == len(recs2) and seeds(recs2) == seeds(recs1)
    assert sorted(p.name for p in (runs/'two'/'generated').iterdir()) == sorted(Path(r['file']).name for r in recs2)
    assert json.loads((runs/'two'/'config.json').read_text())['world_size'] == 2
    # Tolerance: PyTorch has no SyncBatchNorm on the CPU, so each process normalises by its half of the batch; the runs
    # then differ by that alone (the DDP and generation paths are exact, see the tests below). Over this short run the
    # losses stay within 5% and the final test accuracy within 10 points.
    for a, b in zip(one, two):
        assert abs(a['train_loss'] - b['train_loss']) <= 0.05 * a['train_loss'], (a, b)
    assert abs(one[-1]['test_acc'] - two[-1]['test_acc']) <= 0.10, (one[-1], two[-1])
    assert (runs/'two'/'checkpoint.pt').exists() and (runs/'two'/'memory_bank.pt').exists()

def test_two_processes_refuse_a_taken_folder(tmp_path, tiny_generator):
    out = tmp_path/'taken'; out.mkdir(); (out/'notes.txt').write_text('mine')
    p = subprocess.run([str(BIN/'torchrun'), '--nproc-per-node', '2', str(BIN/'actgen_train'), *ARGS, '--generator',
                        str(tiny_generator), '--out', str(out)], capture_output=True, text=True, env=ENV, timeout=300)
    assert p.returncode != 0 and 'already holds other files' in p.stderr       # both ranks stop; neither hangs
    assert sorted(f.name for f in out.iterdir()) == ['notes.txt']

def test_without_out_under_a_launcher_is_refused(tmp_path):
    p = subprocess.run([str(BIN/'actgen_train'), *ARGS], capture_output=True, text=True, cwd=tmp_path,
                       env={**ENV, 'WORLD_SIZE': '2'}, timeout=120)
    assert p.returncode == 2 and 'give --out' in p.stderr

def test_da_fusion_two_processes_match_one(tmp_path, tiny_generator):
    "--method da-fusion under torchrun: each rank learns the same class tokens, rank 0 keeps them, and the images are those of one process."
    args = ['--dataset', 'digits', '--labeled', '100', '--batch-size', '32', '--epochs', '2', '--method', 'da-fusion', '--images-per-epoch', '6',
            '--steps', '2', '--inversion-steps', '2', '--device', 'cpu', '--quiet', '--tensorboard', 'no', '--generator', str(tiny_generator)]
    for nproc, out in ((1, tmp_path/'one'), (2, tmp_path/'two')):
        p = subprocess.run([*_launch(nproc), *args, '--out', str(out)], capture_output=True, text=True, env=ENV, timeout=600)
        assert p.returncode == 0, p.stderr[-3000:]
    one, two = [torch.load(tmp_path/r/'class_tokens.pt', weights_only=False) for r in ('one', 'two')]
    assert one['tokens'] == two['tokens'] and len(one['tokens']) == 10
    torch.testing.assert_close(one['embeddings'], two['embeddings'])
    key = lambda rs: sorted((r['seed'], r['guide_id'], r['strength'], r['prompt']) for r in rs)
    assert len(manifest(tmp_path/'two')) == 6 and key(manifest(tmp_path/'one')) == key(manifest(tmp_path/'two'))

def _ddp_steps(shard, batch_size):
    from actgen.distributed import wrap_model
    return _train_steps(batch_size, shard, wrap=lambda m: wrap_model(m, torch.device('cpu'), shard))

def _train_steps(batch_size, shard, wrap=lambda m: m):
    "Two epochs of `train_epoch` on a batch-norm-free model (where DDP must equal one process exactly)."
    from actgen.classifier import train_epoch, make_optimizer
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 8 * 8, 3))
    opt = make_optimizer(model, 0.1); net = wrap(model)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 256, (150, 1, 8, 8), dtype=torch.uint8, generator=g); y = torch.randint(0, 3, (150,), generator=g)
    losses = [train_epoch(net, opt, x, y, e, 2, 0.1, batch_size, generator=g, shard=shard) for e in range(2)]
    return losses, torch.cat([p.detach().flatten() for p in model.parameters()]).tolist()

@pytest.mark.parametrize('batch_size', [32, 33])     # 33: unequal slices (17 + 16), weighted back to the batch mean
def test_ddp_training_equals_one_process(batch_size, monkeypatch):
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join([str(Path(__file__).parent), os.environ.get('PYTHONPATH', '')]))  # spawned workers import this file
    from actgen.distributed import SINGLE, spawn_cpu
    ref_losses, ref = _train_steps(batch_size, SINGLE)
    for losses, params in spawn_cpu(_ddp_steps, 2, batch_size):
        torch.testing.assert_close(torch.tensor(params), torch.tensor(ref), rtol=1e-4, atol=1e-5)
        assert losses == pytest.approx(ref_losses, rel=1e-4)

@pytest.mark.parametrize('method', ['actgen', 'galot', 'random'])
def test_sharded_generation_equals_unsharded(tiny_generator, method):
    "Two ranks' shards of an epoch's generation, merged, are the unsharded epoch: records, images, and the bank they grow."
    from actgen.generator import load_generator
    from actgen.data import load_dataset, balanced_subset
    from actgen.acquire import select_hard_samples
    from actgen.distributed import SINGLE, Shard
    from actgen.classifier import build_classifier
    from actgen.methods import EpochContext, get_method, merge_generated
    from actgen.train import TrainConfig
    gen = load_generator(str(tiny_generator), device='cpu')
    val = balanced_subset(load_dataset('digits', 'train'), 30, seed=0)
    torch.manual_seed(0); clf = build_classifier('small-cnn', 10, 1).eval()
    hard = select_hard_samples(torch.full((len(val), 10), 0.1), val.labels, None)   # all misclassified (ties at class 0 aside)
    cfg = TrainConfig.of(dataset='digits', steps=3, gen_batch_size=4, bank_cap=64, galot_iters=2, galot_samples=2)
    n = 7 if method != 'galot' else 13     # GALOT deals out classes: 13 images = 3 classes of 2 and 7 of 1

    def epochs(shards):
        m = get_method(method); outs = []
        for epoch in range(2):          # the second epoch's contrastive loss reads the bank the first one grew
            ctxs = [EpochContext(epoch, 4, n, val.classes, clf, val, hard, gen, seed=epoch, config=cfg, shard=s) for s in shards]
            out = merge_generated([m.generate(c) for c in ctxs]); m.after_generate(out, ctxs[0]); outs.append(out)
        return outs, getattr(m, 'bank', None)
    ref, ref_bank = epochs([SINGLE])
    got, bank = epochs([Shard(0, 2), Shard(1, 2)])
    for a, b in zip(ref, got):
        assert a.records == b.records and a.index == b.index == list(range(n))
        torch.testing.assert_close(a.images, b.images, atol=1e-4, rtol=0)     # batches of 4 vs 4+3 / 3: float rounding only
    if method != 'actgen': return
    assert sorted(bank.bank) == sorted(ref_bank.bank) and len(bank) == len(ref_bank) == 14
    for y in ref_bank.bank: torch.testing.assert_close(bank.bank[y], ref_bank.bank[y], atol=1e-3, rtol=0)

def test_two_processes_killed_and_resumed(tmp_path, runs, tiny_generator):
    "SIGKILL to torchrun and both ranks after the first checkpoint; the same launch with --resume finishes the run."
    out = tmp_path/'run'
    p = subprocess.Popen([*_launch(2), *ARGS, '--generator', str(tiny_generator), '--out', str(out)], env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    t0 = time.time()
    while p.poll() is None and not (out/'checkpoint.pt').exists() and time.time() - t0 < 300: time.sleep(0.01)
    assert p.poll() is None, 'the run ended before the kill point'
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    assert len(json.loads((out/'metrics.json').read_text())) < 4
    r = subprocess.run([*_launch(2), '--resume', str(out)], capture_output=True, text=True, env=ENV, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    recs = manifest(out)
    assert sorted(x['seed'] for x in recs) == sorted(x['seed'] for x in manifest(runs/'two'))     # each image once
    assert sorted(f.name for f in (out/'generated').iterdir()) == sorted(Path(x['file']).name for x in recs)
    assert comparable(out) == comparable(runs/'two')        # as in one process: a resumed run ends as an uninterrupted one
