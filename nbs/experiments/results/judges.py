"""The label filter's judges (06i_filter) against the reference classifier of actgen_eval_generator, on the images the methods
grid generated (nbs/experiments/methods.ipynb, run first: its runs' manifests are read from RUNS) and on real test images:
how often each judge's verdict (keep: it sees the prompted class) agrees with the reference's, how often each keeps an image
the reference sees as off its label, and its cost per image on this machine.
`python nbs/experiments/results/judges.py [RUNS]` (default runs/methods); writes judges-fashion-mnist.json beside this script."""
import json, sys, time
from pathlib import Path
import torch
from actgen.core import ActgenError, write_json
from actgen.data import balanced_subset, load_dataset, train_val_split
from actgen.generator import load_generator
from actgen.genset import GeneratedSet
from actgen.acquire import predict_proba
from actgen.image_tree import cache_dir
from actgen.evaluate import reference_classifier
from actgen.filter import ClipJudge, DiffusionJudge, labeled_judge

RUNS = Path(sys.argv[1] if len(sys.argv) > 1 else 'runs/methods')
PER_RUN = 64   # images per run judged (the first ones of its manifest)
torch.manual_seed(0)
train, test = load_dataset('fashion-mnist', 'train'), load_dataset('fashion-mnist', 'test')
ref, ref_acc = reference_classifier('fashion-mnist', train, test, epochs=3, cache=cache_dir()/'reference-fashion-mnist-3ep.pt', progress=False)
gen = load_generator('embedded:fashion-mnist', 'cpu')
sets = {}
for method in ('random', 'real-guidance', 'actgen'):
    xs, ys = [], []
    for run in sorted((RUNS/method).glob('seed*')):
        g = GeneratedSet(run); recs = g.records[:PER_RUN]
        s = g.load(train.classes, train.size, train.channels, recs); xs.append(s.images); ys.append(s.labels)
    if xs: sets[f'{method} images'] = (torch.cat(xs), torch.cat(ys))
pick = torch.randperm(len(test), generator=torch.Generator().manual_seed(0))[:300]
sets['real test images'] = (test.images[pick], test.labels[pick])

labeled = train_val_split(balanced_subset(train, 500, seed=0), 0.1, seed=0)[0]   # the methods grid's seed-0 training split
judges = {'diffusion (8 trials)': lambda: DiffusionJudge(gen, train.classes, trials=8, seed=0),
          'labeled (small-cnn, 450 images)': lambda: labeled_judge(labeled, 'small-cnn', 10, 0.05, 128, 0, 'cpu', True),
          'clip (ViT-B-32, openai)': lambda: ClipJudge(train.classes)}
rows = []
for jname, make in judges.items():
    try: t0 = time.time(); judge = make(); t_make = time.time() - t0
    except ActgenError as e: rows.append(dict(judge=jname, missing=str(e))); print(f'{jname}: not measured: {e}'); continue
    for sname, (x, y) in sets.items():
        t0 = time.time(); p = judge.scores(x); sec = (time.time() - t0) / len(x)
        keep = p.argmax(1) == y; ref_ok = predict_proba(ref, x).argmax(1) == y
        rows.append(dict(judge=jname, images=sname, n=len(y), kept=keep.float().mean().item(), reference_ok=ref_ok.float().mean().item(),
                         agreement=(keep == ref_ok).float().mean().item(),
                         kept_off_label=(keep & ~ref_ok).sum().item() / max(1, keep.sum().item()),   # of the kept, the reference sees another class
                         rejected_on_label=(~keep & ref_ok).sum().item() / max(1, (~keep).sum().item()),
                         ms_per_image=round(1000 * sec, 2), seconds_to_build=round(t_make, 1)))
        print({k: round(v, 3) if isinstance(v, float) else v for k, v in rows[-1].items()})
write_json(Path(__file__).with_name('judges-fashion-mnist.json'), dict(reference_test_acc=ref_acc, per_run=PER_RUN, rows=rows,
           machine='2 CPU cores, fp32, shared with nothing else'))
