"""The new pool strategies' grid (galot_rounds.ipynb run once per strategy group): one table, comparison and plot from the finished run
directories under the roots given. `python nbs/experiments/results/galot-fashion-mnist-al.py runs/al runs/al-bb --stats`"""
import json, sys
from pathlib import Path
import actgen
from actgen.core import read_json, save_figure, write_json, write_text
from actgen.report import summarize_rounds, rounds_markdown, compare_methods, compare_markdown, plot_rounds_grid, generated_markdown
from actgen.rounds import GEN_METHODS
roots = [Path(a) for a in sys.argv[1:] if not a.startswith('--')]
runs = sorted(r for root in roots for r in root.glob('*/seed*')
              if (r/'metrics.json').exists() and len(read_json(r/'metrics.json')) == 6 and (r/'accuracy.png').exists())
rows = summarize_rounds(runs)
order = ['random', 'bald', 'stochastic-bald', 'badge', 'batchbald']
rows.sort(key=lambda r: (order.index(r['query']) if r['query'] in order else 99, GEN_METHODS.index(r['method'])))
cmp_real = compare_methods(rows, 'galot', 'real')
# each strategy alone against random querying alone, paired by seed (the same round 0)
alone = [dict(r, query='real only', method=r['query']) for r in rows if r['method'] == 'real']
vs_random = [c for q in order[1:] for c in compare_methods(alone, q, 'random')]
out = Path('nbs/experiments/results/galot-fashion-mnist-al')
stats = None
if '--stats' in sys.argv:
    from actgen.image_tree import cache_dir
    from actgen.data import load_dataset
    from actgen.evaluate import reference_classifier
    from actgen.rounds_grid import rounds_generated_stats
    pool = load_dataset('fashion-mnist', 'train')
    ref, ref_acc = reference_classifier('fashion-mnist', pool, epochs=3, cache=cache_dir()/'reference-fashion-mnist-3ep.pt', progress=False)
    stats = dict(reference_test_acc=ref_acc, runs=[rounds_generated_stats(r, ref, pool) for r in runs if r.parent.name.endswith('+galot')])
    write_json(out.with_name(out.name + '-generated.json'), stats)
write_json(out.with_name(out.name + '.json'), dict(rows=rows, compare_real=cmp_real, vs_random=vs_random, runs=[str(r) for r in runs],
                                                   config={k: v for k, v in read_json(runs[0]/'config.json')['config'].items() if k not in ('query', 'method', 'seed')},
                                                   actgen_version=actgen.__version__))
md = rounds_markdown(rows) + '\n' + compare_markdown(cmp_real) + '\n' + compare_markdown(vs_random)
if stats: md += '\n' + generated_markdown(stats['runs'], 'galot', 'real')
write_text(out.with_name(out.name + '.md'), md)
save_figure(plot_rounds_grid(rows, 'fashion-mnist: 500 + 5 x 200 labels, 10/class/round generated, 3 seeds', GEN_METHODS), out.with_name(out.name + '.png'))
print(md)
