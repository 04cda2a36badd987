"The compiled UNet (`GenerationConfig.compile_unet`) for real, on the CPU: the same images as the eager UNet, the passes that must stay eager, and `actgen_bench`'s plain-compiled row. Each test compiles the tiny UNet once (about a minute on 2 cores)."
import json, os, subprocess, sys
from pathlib import Path
import torch
import torch._dynamo
from actgen.sd_arch import build_random_generator
from actgen.sampler import GenerationConfig, sample
from actgen.attention import class_token_indices
from actgen.guidance import ActGenConfig, actgen_callbacks

BIN = Path(sys.executable).parent

def test_compiled_unet_same_images():
    gen = build_random_generator('tiny', device='cpu')
    assert GenerationConfig().prepare(gen).compiled_unet is None          # auto: not on the CPU
    prompts = ['a photo of a cat', 'a photo of a dog']
    with torch.no_grad(): cond, uncond = gen.encode_prompts(prompts), gen.encode_prompts([''])
    guides = torch.rand(2, 3, gen.image_size, gen.image_size, generator=torch.Generator().manual_seed(0))
    aig = lambda: actgen_callbacks(gen, ActGenConfig(), torch.tensor([3, 5]), guides,
                                   [class_token_indices(gen.tokenizer, p, c) for p, c in zip(prompts, ['cat', 'dog'])])
    eager = sample(gen, cond, uncond, steps=4, seeds=[0, 1]).images
    eager_aig = sample(gen, cond, uncond, steps=4, seeds=[0, 1], callbacks=aig()).images

    torch._dynamo.reset(); torch._dynamo.utils.counters.clear()
    GenerationConfig(compile_unet='on').prepare(gen)
    compiled = sample(gen, cond, uncond, steps=4, seeds=[0, 1]).images
    assert torch._dynamo.utils.counters['stats']['unique_graphs'] >= 1      # the compiled UNet ran
    assert (compiled - eager).abs().max() < 1e-4
    assert (eager - sample(gen, cond, uncond, steps=4, seeds=[1, 0]).images.flip(0)).abs().max() > 1e-3   # the tolerance means something
    # attentive image guidance hooks the UNet's attention: its passes stay eager, and its images do not change
    assert torch.equal(sample(gen, cond, uncond, steps=4, seeds=[0, 1], callbacks=aig()).images, eager_aig)

def test_bench_plain_compiled(tmp_path):
    out = tmp_path/'bench.json'
    r = subprocess.run([str(BIN/'actgen_bench'), '--config', 'tiny', '--device', 'cpu', '--steps', '3', '--batch-sizes', '2',
                        '--repeats', '1', '--methods', 'diffusers,plain,plain-compiled', '--quiet', '--out', str(out)],
                       capture_output=True, text=True, env={**os.environ, 'HF_HUB_OFFLINE': '1'}, timeout=600)
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text())
    assert res['compile_unet'] is False and res['flops_counted_at_batch'] == 2     # plain follows the switch: eager on the CPU
    rows = {x['method']: x for x in res['results']}
    assert list(rows) == ['diffusers', 'plain', 'plain-compiled'] and all('error' not in x for x in rows.values())
    assert rows['plain-compiled']['ratio_to_plain'] > 0 and rows['plain-compiled']['flop_ratio_to_plain'] == 1
    assert rows['diffusers']['gflop_per_image'] == rows['plain']['gflop_per_image'] > 0
    assert 'plain-compiled' in r.stdout and 'FLOP x plain' in r.stdout
