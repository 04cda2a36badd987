"`actgen_bench` as a user runs it: the tiny configuration on the CPU, the JSON it writes, and one-line errors."
import json, os, subprocess, sys
from pathlib import Path
import pytest

BIN = Path(sys.executable).parent
METHODS = ['diffusers', 'plain', 'aig', 'actgen', 'galot', 'galot-exact']

def run(*args):
    return subprocess.run([str(BIN/'actgen_bench'), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, 'HF_HUB_OFFLINE': '1'}, timeout=300)

def test_bench_tiny_cpu_json(tmp_path):
    out = tmp_path/'bench.json'
    r = run('--config', 'tiny', '--device', 'cpu', '--steps', 2, '--batch-sizes', '1,2', '--repeats', 1, '--galot-iters', 1,
            '--quiet', '--out', out)
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    assert res['model'] == 'tiny (random weights)' and res['device'] == 'cpu' and res['dtype'] == 'float32'
    assert res['steps'] == 2 and res['grad_steps'] == 1 and res['galot_iters'] == 1 and res['matmul_dtype'] == 'fp32'
    assert res['unet_tflop_per_image_step'] > 0 and res['matmul_tflops'] > 0 and res['device_name'].startswith('CPU')
    assert [(x['method'], x['batch']) for x in res['results']] == [(m, b) for b in (1, 2) for m in METHODS]
    for x in res['results']:
        assert 'error' not in x, x
        assert x['seconds'] > 0 and len(x['seconds_all']) == 1
        assert x['s_per_image'] == pytest.approx(x['seconds'] / x['batch'])
        assert x['images_per_s'] == pytest.approx(1 / x['s_per_image'])
        ref = next(y for y in res['results'] if y['method'] == 'diffusers' and y['batch'] == x['batch'])
        assert x['ratio_to_diffusers'] == pytest.approx(x['s_per_image'] / ref['s_per_image'])
        assert 0 < x['roofline_fraction'] and 'peak_memory_gb' not in x      # no CUDA memory on the CPU
    assert 'x diffusers' in r.stdout and 'galot' in r.stdout and str(out) in r.stdout

def test_bench_decode_at_classifier_size(tmp_path):
    "--clf-decode classifier times the fast decode and measures how far its gradient turns from the full decode's."
    out = tmp_path/'bench.json'
    r = run('--config', 'tiny', '--device', 'cpu', '--steps', 4, '--grad-steps', 2, '--batch-sizes', 2, '--repeats', 1,
            '--methods', 'plain,actgen', '--clf-decode', 'classifier', '--quiet', '--out', out)
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    assert res['clf_decode'] == 'classifier' and res['classifier'] == 'small-cnn@32' and res['image_size'] == 64
    c = res['clf_decode_cosine']
    assert len(c['by_step']) == 2 and c['batch'] == 2 and -1 <= c['min'] <= c['mean'] <= 1
    assert c['min'] < 0.9999          # a 32 px decode of a 64 px model is not the full decode
    assert [x['method'] for x in res['results']] == ['plain', 'actgen'] and all('error' not in x for x in res['results'])
    assert "decoded at the classifier's 32 px" in r.stdout

@pytest.mark.parametrize('args,msg', [
    (['--clf-decode', 'half'], "invalid choice: 'half'"),
    (['--methods', 'plain,warp'], 'unknown method warp'),
    (['--config', 'sdxl'], "invalid choice: 'sdxl'"),
    (['--batch-sizes', 'four'], 'batch size must be'),
    (['--model', '/no/such/model'], 'not found'),
])
def test_bench_bad_input_one_line_exit_2(tmp_path, args, msg):
    r = run(*args, '--device', 'cpu', '--out', tmp_path/'b.json')
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path/'b.json').exists()

def test_bench_model_diffusers_cannot_run(tmp_path):
    "A 28 px model, like embedded:fashion-mnist: diffusers' pipeline needs a multiple of 8, so it is not timed, and the run says so."
    from actgen.generator import build_generator, save_generator
    from actgen.core import write_json
    save_generator(build_generator(['a photo of a {}', 'zero', 'one'], tmp_path/'build', image_size=28, image_channels=1,
                                   vae_channels=(8, 8, 8), unet_channels=(8, 16), cross_attn_levels=(True, True),
                                   norm_groups=4, text_width=16, head_dim=4), tmp_path/'m28')
    write_json(tmp_path/'m28'/'actgen.json', dict(classes=['zero', 'one']))
    out = tmp_path/'bench.json'
    r = run('--model', tmp_path/'m28', '--device', 'cpu', '--steps', 2, '--batch-sizes', 2, '--repeats', 1,
            '--methods', 'diffusers,plain,actgen', '--out', out)
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    assert res['skipped'] == {'diffusers': 'it needs an image size divisible by 8 (this model makes 28 px images)'}
    assert [x['method'] for x in res['results']] == ['plain', 'actgen'] and all('error' not in x for x in res['results'])
    assert all(x['ratio_to_diffusers'] is None and x['ratio_to_plain'] > 0 for x in res['results'])
    assert 'diffusers not timed' in r.stderr and 'not timed: it needs an image size divisible by 8' in r.stdout
    r = run('--model', tmp_path/'m28', '--device', 'cpu', '--methods', 'diffusers', '--out', tmp_path/'b2.json')
    last = r.stderr.strip().splitlines()[-1]           # after the model's loading bar: the error is found once it is loaded
    assert r.returncode == 2 and last.startswith('actgen_bench: error:') and 'divisible by 8' in last, r.stderr
    assert 'Traceback' not in r.stderr and not (tmp_path/'b2.json').exists()
