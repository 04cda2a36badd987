"Loading through every kind of source: a hub id from the local Hugging Face cache, a folder, embedded."
import os, shutil, subprocess, sys
from pathlib import Path
import pytest, torch

from actgen.core import ActgenError
from actgen.generator import load_generator, resolve_model_source

def _fake_hub_cache(cache: Path, repo_id: str, model_dir: Path) -> Path:
    "Lay out `model_dir` as huggingface_hub's cache does after a download of `repo_id`."
    repo = cache/('models--' + repo_id.replace('/', '--'))
    snap = repo/'snapshots'/('0' * 40)
    shutil.copytree(model_dir, snap)
    (repo/'refs').mkdir(parents=True); (repo/'refs'/'main').write_text('0' * 40)
    return snap

def test_hub_id_loads_from_local_cache(tmp_path, tiny_generator):
    "A hub id resolves through huggingface_hub's own cache lookup, offline, to the real components."
    code = f"""
import os
from actgen.generator import load_generator
g = load_generator('someone/tiny-sd', device='cpu')
print(type(g.unet).__name__, type(g.text_encoder).__name__, type(g.vae).__name__, g.image_size, g.unet.dtype)
"""
    cache = tmp_path/'hub'
    _fake_hub_cache(cache, 'someone/tiny-sd', tiny_generator)
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                       env={**os.environ, 'HF_HUB_CACHE': str(cache), 'HF_HUB_OFFLINE': '1'})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ['UNet2DConditionModel', 'CLIPTextModel', 'AutoencoderKL', '32', 'torch.float32']

def test_missing_hub_model_is_one_clear_line(monkeypatch):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    with pytest.raises(ActgenError) as e: resolve_model_source('stabilityai/stable-diffusion-2-1-base')
    msg = str(e.value)
    assert '\n' not in msg and 'hf download stabilityai/stable-diffusion-2-1-base' in msg

def test_folder_roundtrip_same_samples(tiny_generator):
    "Two loads of the same folder sample the same images for the same seeds."
    from actgen.sampler import generate
    a = generate(load_generator(str(tiny_generator), 'cpu'), ['a photo of a one'] * 2, [1, 2], steps=3, progress=False)
    b = generate(load_generator(str(tiny_generator), 'cpu'), ['a photo of a one'] * 2, [1, 2], steps=3, progress=False)
    assert torch.equal(a, b) and a.shape == (2, 1, 32, 32)

@pytest.mark.parametrize('dtype', [torch.float32, torch.bfloat16])
def test_decode_at_classifier_size_keeps_dtype_and_gradient(tiny_generator, dtype):
    "The decode at a classifier's size works in the model's dtype (antialiased resizing has no bf16/fp16 kernels) and is differentiable."
    gen = load_generator(str(tiny_generator), 'cpu', dtype)
    lat = torch.randn(2, *gen.latent_shape, dtype=dtype, requires_grad=True)
    img = gen.decode_latents(lat, 16)
    assert img.shape == (2, 1, 16, 16) and img.dtype == torch.float32
    img.sum().backward()
    assert lat.grad is not None and lat.grad.abs().sum() > 0

@pytest.mark.parametrize('name, shape', [('fashion-mnist', (1, 28, 28)), ('cifar10', (3, 32, 32))])
def test_embedded_models_ship_and_sample(name, shape):
    "Each embedded model is in the package (at most 25 MB), names its dataset's classes, loads offline and draws images of the dataset's shape."
    import json
    from actgen.data import DATASETS
    from actgen.fit import model_size_mb
    from actgen.generator import embedded_dir, embedded_models
    from actgen.sampler import generate
    assert name in embedded_models() and model_size_mb(embedded_dir()/name) <= 25
    info = json.loads((embedded_dir()/name/'actgen.json').read_text())
    assert info['dataset'] == name and info['classes'] == list(DATASETS[name].classes)
    gen = load_generator(f'embedded:{name}', 'cpu')
    imgs = generate(gen, [f'a photo of a {info["classes"][0]}'] * 2, [0, 1], steps=3, progress=False)
    assert imgs.shape == (2, *shape) and torch.isfinite(imgs).all()
