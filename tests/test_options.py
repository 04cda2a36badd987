"""Property-based tests of the option checks: for any mix of option values, a command line with a value its option does not
allow exits 2 with one line naming that option and writes nothing; one whose values are all allowed runs to the end."""
import contextlib, io
from pathlib import Path
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from actgen.bench import actgen_bench_cli
from actgen.cli import actgen_generate, actgen_train
from actgen.evaluate import actgen_eval_generator_cli
from actgen.fit_cli import actgen_fit_generator_cli

# option -> (values it allows, values it refuses), as a user would type them
TRAIN = {
    '--epochs': (['1'], ['0', '-1', 'two']),
    '--steps': (['1', '2'], ['0', '-3', '1.5']),
    '--gen-batch-size': (['1', '3', '64'], ['0', '-1']),
    '--guidance-scale': (['0', '1.5', '7.5'], ['nan', 'inf', '-1', 'x']),
    '--template': (['a photo of a {}', '{}'], ['{} and {}', 'no slot', 'a {x} {}']),
    '--val-frac': (['0', '0.2', '0.5'], ['-0.1', '1', '1.5', 'nan']),
    '--gen-fraction': (['0', '0.5', '1'], ['-0.1', '2']),
    '--test-size': (['50'], ['0', '-3']),
    '--fewshot-u': (['0.5'], ['-1']),
    '--images-per-epoch': (['0', '2'], ['-1']),
    '--threshold': (['0.5', '1'], ['0', '1.5']),
    '--lr': (['0.05'], ['0', '-1']),
    '--image-strength': (['0', '12.5'], ['-1', 'inf']),
    '--mask-threshold': (['0.5'], ['1', '-0.1']),
    '--grad-steps': (['0', '3'], ['-1']),
    '--galot-eps': (['0.1', '0.5'], ['0', '-0.1', 'nan']),
    '--galot-eps-mode': (['relative', 'absolute'], ['units']),
    '--galot-iters': (['1'], ['0']),
    '--clf-decode': (['full', 'classifier'], ['half']),
    '--compile-unet': (['auto', 'off'], ['yes', 'ON', '']),     # 'on' compiles the UNet: a minute on the CPU (tests/test_compile.py)
    '--scheduler': (['ddpm', 'ddim', 'dpm-solver++', 'euler'], ['heun', 'DDPM', '']),
    '--flip': (['auto', 'yes', 'no'], ['maybe', 'YES', '']),
    '--dafusion-strengths': (['0.5', '0.25,1'], ['2', 'half', '0.5,']),
    '--inversion-steps': (['1', '3'], ['0', '-1']),
    '--inversion-lr': (['0.01'], ['0', 'nan']),
}
ROUNDS = {
    '--initial': (['20', '30'], ['0', '-5', 'x']),
    '--rounds': (['0', '1'], ['-1', '1.5']),
    '--query-size': (['0', '5'], ['-1']),
    '--pool-size': (['50'], ['0']),
    '--test-size': (['100'], ['0', '-3']),
    '--query': (['random', 'entropy', 'none', 'bald', 'badge', 'stochastic-margin'], ['bold', 'stochastic-coreset']),
    '--query-mc-samples': (['2', '5'], ['0', '-1', '1.5']),
    '--query-power': (['0', '1', '8.5'], ['-1', 'nan', 'inf']),
    '--query-joint-samples': (['10', '1000'], ['0', '-2']),
    '--retrain': (['scratch', 'continue'], ['warm']),
    '--galot-eps-schedule': (['constant', 'linear'], ['cosine']),
    '--batch-size': (['8', '64'], ['0']),
    '--scheduler': (['ddpm', 'euler'], ['heun']),
    '--flip': (['auto', 'no'], ['true']),
}
GENERATE = {
    '--n': (['1', '2'], ['0', '-2', 'x']),
    '--steps': (['1', '2'], ['0', '1.5']),
    '--gen-batch-size': (['1', '4'], ['0', '-1']),     # also spelled --batch-size, as it always was
    '--guidance-scale': (['0', '3'], ['nan', '-inf', '-2']),
    '--template': (['a photo of a {}', '{} drawn'], ['{}{}', 'none here']),
    '--scheduler': (['ddpm', 'ddim', 'dpm-solver++', 'euler'], ['heun', 'DDPM', '']),
}

FIT = {
    '--preset': (['tiny'], ['huge']),
    '--steps': (['1', '2'], ['0', '-1', 'x']),
    '--vae-steps': (['1', '2'], ['0', '-3']),
    '--batch-size': (['4', '8'], ['0', '-1']),
    '--lr': (['0.001', '1e-4'], ['0', '-1', 'nan', 'inf']),
    '--max-train': (['30', '50'], ['0', '-5']),
    '--guidance-scale': (['0', '2.5'], ['nan', 'inf', '-1']),
    '--max-minutes': (['5', '0.5'], ['0', '-1', 'nan']),
    '--seed': (['0', '3'], ['x']),
    '--eval-per-class': (['2', '20'], ['1', '0', '-1']),
    '--eval-classifier-epochs': (['1', '5'], ['0', '-2']),
}
EVAL = {
    '--n-per-class': (['2', '3'], ['1', '0', '-1']),
    '--steps': (['1', '2'], ['0', '-1']),
    '--guidance-scale': (['0', '2'], ['nan', 'inf', '-1']),
    '--sweep': (['', '1', '1,2'], ['a', 'nan', '1,-2']),
    '--template': (['a photo of a {}', '{}'], ['{}{}', 'no slot']),
    '--batch-size': (['1', '4'], ['0', '-1']),
    '--speed': (['no', 'auto'], ['maybe']),
    '--classifier-arch': (['small-cnn'], ['vgg']),
    '--scheduler': (['ddpm', 'ddim', 'dpm-solver++', 'euler'], ['heun', 'DDPM', '']),
    '--flip': (['auto', 'yes', 'no'], ['maybe']),
}
BENCH = {
    '--methods': (['plain', 'aig', 'plain,aig'], ['warp', 'plain,warp', ',']),
    '--batch-sizes': (['1', '1,2'], ['0', 'four', '1,-2', ',']),
    '--steps': (['1', '2'], ['0', '-1']),
    '--guidance-scale': (['0', '7.5'], ['nan', 'inf', '-1']),
    '--repeats': (['1'], ['0', '-2']),
    '--grad-steps': (['0', '1', '5'], ['-1']),     # more than --steps: every step guided
    '--galot-iters': (['1'], ['0']),
    '--bank-size': (['1', '16'], ['0']),
    '--dtype': (['auto', 'fp32'], ['fp8', 'fp16']),
    '--clf-decode': (['full', 'classifier'], ['half']),
    '--grad-update': (['next', 'same'], ['later']),
    '--config': (['tiny'], ['sdxl']),
}

def command_lines(options):
    "Some options with allowed values, and at most one with a refused value: `(argv, the refused option or None)`."
    names = sorted(options)
    def build(chosen, bad_name, picks):
        argv, bad = [], None
        for n, k in zip(chosen, picks):
            ok, refused = options[n]
            if n == bad_name: argv += [f'{n}={refused[k % len(refused)]}']; bad = n
            else: argv += [f'{n}={ok[k % len(ok)]}']
        return argv, bad
    return st.lists(st.sampled_from(names), min_size=1, max_size=6, unique=True).flatmap(
        lambda chosen: st.tuples(st.just(chosen), st.one_of(st.none(), st.sampled_from(chosen), st.sampled_from(chosen)),
                                 st.lists(st.integers(0, 3), min_size=len(chosen), max_size=len(chosen)))).map(lambda t: build(*t))

def every_refusal(options):
    "An explicit example for each refused value alone (cheap: a refusal comes first), so none goes untried however few are drawn."
    def deco(f):
        for n, (_, refused) in options.items():
            for v in refused: f = example(([f'{n}={v}'], n))(f)
        return f
    return deco

def call(script, argv):
    "Run a console script in this process: its exit code (0 when it returns) and what it wrote on stderr."
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try: script(argv); code = 0
        except SystemExit as e: code = e.code
    return code, err.getvalue()

def check_outcome(code, err, bad, out, ran=(0,)):
    "`ran`: the exit codes of a run to the end."
    if bad is None:
        assert code in ran, err
    else:
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and bad in lines[0], (bad, code, err)
        assert not out.exists()                                    # nothing half-written

def run_case(script, base, case, out, made, ran=(0,)):
    "Run `script` with `base` and the drawn options after it (later options win), check the outcome, and that an accepted run made `made`."
    argv, bad = case
    code, err = call(script, base + argv)
    check_outcome(code, err, bad, out, ran)
    if bad is None: assert made.exists(), made

RUNS = settings(max_examples=40, deadline=None, derandomize=True,   # the same examples in every CI run
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

@RUNS
@given(command_lines(TRAIN))
@every_refusal(TRAIN)
def test_train_options(tmp_path_factory, tiny_generator, case):
    out = tmp_path_factory.mktemp('opt')/'run'
    run_case(actgen_train, ['--dataset', 'digits', '--labeled', '40', '--method', 'random', '--images-per-epoch', '2', '--steps', '1',
                            '--epochs', '1', '--gen-fraction', '1', '--generator', str(tiny_generator), '--device', 'cpu', '--quiet',
                            '--out', str(out)], case, out, out/'metrics.json')

@RUNS
@given(command_lines(GENERATE))
@every_refusal(GENERATE)
def test_generate_options(tmp_path_factory, tiny_generator, case):
    out = tmp_path_factory.mktemp('opt')/'gen'
    run_case(actgen_generate, ['--model', str(tiny_generator), '--classes', 'zero,one', '--n', '1', '--steps', '1', '--device', 'cpu',
                               '--out', str(out)], case, out, out/'manifest.jsonl')

@settings(RUNS, max_examples=20)   # each accepted one trains a classifier twice
@given(command_lines(ROUNDS))
@every_refusal(ROUNDS)
def test_rounds_options(tmp_path_factory, case):
    out = tmp_path_factory.mktemp('opt')/'rounds'
    run_case(actgen_train, ['--rounds', '1', '--dataset', 'digits', '--initial', '20', '--query-size', '5', '--method', 'real',
                            '--epochs', '1', '--test-size', '100', '--device', 'cpu', '--quiet', '--out', str(out)], case, out, out/'metrics.json')

@settings(RUNS, max_examples=25)   # each accepted one fits a VAE and a UNet (1 step each)
@given(command_lines(FIT))
@every_refusal(FIT)
def test_fit_generator_options(tmp_path_factory, case):
    out = tmp_path_factory.mktemp('opt')/'fit'
    run_case(actgen_fit_generator_cli, ['--dataset', 'digits', '--preset', 'tiny', '--steps', '1', '--vae-steps', '1', '--batch-size', '8',
                                        '--max-train', '30', '--device', 'cpu', '--quiet', '--out', str(out)], case, out, out/'model'/'model_index.json',
             ran=(1,))   # 1: a fit of a step or two is below the tiny preset's usable counts (saved, and flagged)

@pytest.fixture(scope='module')
def eval_classifier(tmp_path_factory):
    "One reference classifier file for every example (trained by the first that gets that far)."
    return tmp_path_factory.mktemp('clf')/'digits.pt'

@settings(RUNS, max_examples=20)
@given(command_lines(EVAL))
@every_refusal(EVAL)
def test_eval_generator_options(tmp_path_factory, tiny_generator, eval_classifier, case):
    d = tmp_path_factory.mktemp('opt')
    out, grid = d/'eval.json', d/'grid.png'
    run_case(actgen_eval_generator_cli, ['--model', str(tiny_generator), '--dataset', 'digits', '--n-per-class', '2', '--steps', '1',
                                         '--classifier-epochs', '1', '--classifier-cache', str(eval_classifier), '--speed', 'no', '--device', 'cpu',
                                         '--quiet', '--out', str(out), '--grid', str(grid)],
             case, out, grid, ran=(0, 1))           # 1: a random generator fails the bars, after the report is written
    assert out.exists() == grid.exists()            # both written, or (refused) neither

@settings(RUNS, max_examples=25)
@given(command_lines(BENCH))
@every_refusal(BENCH)
def test_bench_options(tmp_path_factory, case):
    out = tmp_path_factory.mktemp('opt')/'bench.json'
    run_case(actgen_bench_cli, ['--config', 'tiny', '--methods', 'plain,aig', '--batch-sizes', '1', '--steps', '2', '--repeats', '1',
                                '--galot-iters', '1', '--device', 'cpu', '--quiet', '--out', str(out)], case, out, out)
