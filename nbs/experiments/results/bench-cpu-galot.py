"""GALOT's fast path against its exact path on the same seeds (embedded:fashion-mnist, the CPU): the time of each ascent, the
acquisition reached (on a new chain of the final embedding, with the ascent's seeds and with new ones), the cosine between the
fast path's gradient and the exact gradient at the same embedding, and the fidelity and diversity of images sampled from the
final embeddings (actgen_eval_generator's measures), on the first four classes (two for the gradient cosines; the CPU's time). `OMP_NUM_THREADS=2 python nbs/experiments/results/bench-cpu-galot.py`"""
import json, sys, time
from pathlib import Path
import torch
from actgen.core import write_json
from actgen.data import load_dataset, make_prompt
from actgen.generator import load_generator
from actgen.acquire import get_acquisition, predict_proba
from actgen.image_tree import cache_dir
from actgen.evaluate import reference_classifier, as_dataset_images
from actgen.measures import diversity
from actgen.sampler import sample
from actgen.galot import GalotConfig, chain_tail, optimize_embedding, project, tail_score_and_grad, whole_chains

QUICK = '--quick' in sys.argv   # a smoke test of the script: 4 steps, 2 classes, 2 ascent steps
STEPS, GS, N_IMG, COS_CLASSES = (4, 7.5, 3, 1) if QUICK else (40, 7.5, 16, 2)
VARIANTS = {'exact (1)': 1, 'first and last (0)': 0}   # the bench's fast path against the exact one
gen = load_generator('embedded:fashion-mnist', 'cpu')
train, test = load_dataset('fashion-mnist', 'train'), load_dataset('fashion-mnist', 'test')
clf, acc = reference_classifier('fashion-mnist', train, test, epochs=3, cache=cache_dir()/'reference-fashion-mnist-3ep.pt', progress=False)
clf = clf.eval().requires_grad_(False); g = GalotConfig(iters=2) if QUICK else GalotConfig();
CLASSES = train.classes[:2 if QUICK else 4]   # the first four classes (CPU time)
acq = get_acquisition(g.acquisition)
with torch.no_grad(): unc = gen.encode_prompts([''])

def score_on(cond, seeds, y):
    "Mean acquisition of a new, whole chain from `cond` with `seeds`."
    with torch.no_grad():
        tail = chain_tail(gen, cond.expand(len(seeds), -1, -1), unc, seeds, 1, STEPS, GS)
        return tail_score_and_grad(gen, tail, cond.expand(len(seeds), -1, -1), torch.tensor([y] * len(seeds)), clf, acq,
                                   train.size, train.channels, grad=False)[0].mean().item()

def cosines(prompt, y, every, seed):
    "Replays the ascent of `every` and, at each step, the exact gradient at the same embedding (a new whole chain): their cosines."
    with torch.no_grad(): c0 = gen.encode_prompts([prompt])
    radius = g.eps * c0.norm().item(); step = radius / 5
    seeds = [seed * 1000 + j for j in range(g.samples)]; labels = torch.tensor([y] * g.samples)
    delta, tail, out = torch.zeros_like(c0), None, []
    for it in range(g.iters):
        cond = (c0 + delta).expand(g.samples, -1, -1)
        if tail is None or (every and it % every == 0): tail = chain_tail(gen, cond, unc, seeds, 1, STEPS, GS)
        _, gf = tail_score_and_grad(gen, tail, cond, labels, clf, acq, train.size, train.channels)
        _, ge = tail_score_and_grad(gen, chain_tail(gen, cond, unc, seeds, 1, STEPS, GS), cond, labels, clf, acq, train.size, train.channels)
        gf, ge = gf.sum(0).flatten(), ge.sum(0).flatten()
        out.append(torch.nn.functional.cosine_similarity(gf, ge, 0).item())
        delta = project(delta + step * gf.view_as(c0) / gf.norm().clamp_min(1e-12), radius)
    return out

res = dict(model='embedded:fashion-mnist', classifier=f'small-cnn reference (3 epochs, test accuracy {acc:.3f})', acquisition=g.acquisition,
           eps=g.eps, iters=g.iters, samples=g.samples, steps=STEPS, guidance_scale=GS, images_per_class=N_IMG, torch_threads=torch.get_num_threads(),
           variants={})
final = {}
for name, every in VARIANTS.items():
    v = res['variants'][name] = dict(resample_every=every, whole_chains=whole_chains(g.iters, every), seconds=0.0,
                                     acq_start=[], acq_reached=[], acq_new_seeds=[])
    final[name] = []
    for y, cname in enumerate(CLASSES):
        prompt = make_prompt(cname, 'a photo of a {}'); t = time.perf_counter()
        r = optimize_embedding(gen, prompt, y, clf, g.acquisition, g.eps, n_iter=g.iters, n_samples=g.samples, steps=STEPS,
                               guidance_scale=GS, size=train.size, channels=train.channels, seed=y, resample_every=every)
        v['seconds'] += time.perf_counter() - t
        v['acq_start'].append(r.scores[0]); v['acq_reached'].append(r.scores[-1])
        v['acq_new_seeds'].append(score_on(r.cond, [10_000 + y * 100 + j for j in range(12)], y)); final[name].append(r)
    print(name, round(v['seconds'], 1), 's', flush=True)
ex = final['exact (1)']
for name, rs in final.items():
    v = res['variants'][name]
    v['delta_cosine_to_exact'] = [torch.nn.functional.cosine_similarity(a.delta.flatten(), b.delta.flatten(), 0).item() for a, b in zip(rs, ex)]
    imgs, labels = [], []
    for y, r in enumerate(rs):
        seeds = [20_000 + y * 1000 + j for j in range(N_IMG)]
        with torch.no_grad(): imgs.append(sample(gen, r.cond.expand(N_IMG, -1, -1), unc, STEPS, GS, seeds=seeds).images)
        labels += [y] * N_IMG
    xg, yg = as_dataset_images(torch.cat(imgs), train.size, train.channels), torch.tensor(labels)
    pred = predict_proba(clf, xg).argmax(1)
    v['fidelity'] = (pred == yg).float().mean().item()
    div = diversity(xg, yg, test.images, test.labels, CLASSES)
    v['diversity_ratio_mean'] = sum(d['ratio'] for d in div.values()) / len(div); v['diversity_ratio_min'] = min(d['ratio'] for d in div.values())
    if name != 'exact (1)':
        v['grad_cosine_by_step'] = [cosines(make_prompt(train.classes[y], 'a photo of a {}'), y, v['resample_every'], y) for y in range(COS_CLASSES)]
    print(name, {k: v[k] for k in ('seconds', 'fidelity', 'diversity_ratio_mean')}, flush=True)
if not QUICK: write_json(Path(__file__).with_suffix('.json'), res)
print(json.dumps(res, indent=1)[:3000])
