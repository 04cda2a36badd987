"""The pool strategies of the registry choose exactly what the if-chain of `query_pool` chose before it (kept here verbatim as
the reference), on a fixed case: every old strategy, two seeds, the whole pool and a candidate subset, more than one model."""
import pytest, torch
from actgen.acquire import predict_proba
from actgen.classifier import build_classifier, fit_classifier
from actgen.data import load_dataset
from actgen.pool import POOL_STRATEGIES, PoolConfig, kcenter_greedy, penultimate_features, query_pool, uncertainty

def legacy_query_pool(strategy, model, images, pool, labeled, b, seed, pool_size=None):
    "`query_pool` as it was before the registry (commit 72a160c)."
    g = torch.Generator().manual_seed(int(seed))
    if strategy == 'none' or b <= 0 or len(pool) == 0: return torch.zeros(0, dtype=torch.long)
    if strategy == 'random': return pool[torch.randperm(len(pool), generator=g)[:b]]
    cand = pool if pool_size is None or pool_size >= len(pool) else pool[torch.randperm(len(pool), generator=g)[:pool_size]].sort().values
    if strategy == 'coreset':
        f = penultimate_features(model, images[torch.cat([cand, labeled])])
        return cand[kcenter_greedy(f[:len(cand)], f[len(cand):], b)]
    score = uncertainty(predict_proba(model, images[cand]), strategy)
    return cand[score.argsort(descending=True, stable=True)[:b]]

OLD = ('none', 'random', 'entropy', 'margin', 'least-confidence', 'coreset')

@pytest.fixture(scope='module')
def case():
    torch.manual_seed(0); torch.set_num_threads(1)
    digits = load_dataset('digits', 'train')
    trained = fit_classifier(digits.subset(range(200)), 'small-cnn', epochs=3, flip=False, device='cpu', progress=False)
    torch.manual_seed(1)
    return digits.images, torch.arange(200), torch.arange(200, len(digits)), [trained, build_classifier('vgg-small', 10, 1).eval()]

@pytest.mark.parametrize('strategy', OLD)
def test_registry_chooses_what_the_if_chain_chose(case, strategy):
    images, labeled, pool, models = case
    assert strategy in POOL_STRATEGIES
    for model in models:
        for seed in (0, 7):
            for pool_size in (None, 300, 5000):
                for b in (0, 30):
                    new = query_pool(strategy, model, images, pool, labeled, b, seed, pool_size, PoolConfig(power=0.5, mc_samples=3))
                    assert torch.equal(new, legacy_query_pool(strategy, model, images, pool, labeled, b, seed, pool_size)), (strategy, seed, pool_size, b)

def test_the_strategies_disagree(case):
    "The reference would also pass a registry that ignored the strategy's name: they must not all choose the same."
    images, labeled, pool, (model, _) = case
    picks = {s: tuple(query_pool(s, model, images, pool, labeled, 30, 0, 300).tolist()) for s in OLD[1:]}
    assert len(set(picks.values())) == len(picks)
