import os, shutil
from pathlib import Path
import pytest

os.environ.setdefault('HF_HUB_OFFLINE', '1')   # tests never reach for a network
ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope='session')
def tiny_generator(tmp_path_factory):
    "A tiny random grayscale latent model in diffusers format (the real loading path, no real weights)."
    from actgen.generator import build_generator, save_generator
    d = tmp_path_factory.mktemp('gen')
    save_generator(build_generator(['a photo of a {}', 'zero', 'one', 'two'], d/'build', image_channels=1,
                                   vae_channels=(8, 8), unet_channels=(8, 16), norm_groups=4, text_width=16, head_dim=4), d/'tiny')
    return d/'tiny'
