"Settings declared once: run directories written before the settings were nested (flat config.json, committed fixtures) are read into the nested configs and resume."
import json, shutil, subprocess
from pathlib import Path
import pytest
from actgen.config import from_dict, to_flat
from actgen.core import ActgenError
from actgen.train import TrainConfig
from actgen.rounds import RoundsConfig
from helpers import BIN, ENV

FIX = Path(__file__).parent/'fixtures'/'run-0.1'
ADDED = {'pretrained': False, 'tensorboard': True, 'galot_eps_mode': 'relative', 'scheduler': 'ddpm', 'flip': 'auto', 'min_steps': 120,
         'strength': 0.5, 'galot_resample_every': 1, 'compile_unet': 'auto'}   # settings added after the fixtures were written, at their defaults

ADDED_FILTER = {'filter': 'none', 'filter_factor': 2.0, 'too_easy': None, 'judge_trials': 8, 'clip_model': 'ViT-B-32',
                'clip_weights': 'openai'}   # the label filter's settings, in Algorithm 1's runs and the rounds
ADDED_DAFUSION = {'dafusion_strengths': '0.25,0.5,0.75,1.0', 'inversion_steps': 100, 'inversion_lr': 0.02, 'inversion_batch_size': 8,
                  'inversion_init_word': None}   # DA-Fusion's settings (its img2img strengths, its textual inversion), Algorithm 1's runs only
ADDED_TRAIN = {'test_size': None, 'fewshot_u': None}   # --test-size (the rounds had it first), fewshot-ig's u: Algorithm 1's runs
ADDED_ROUNDS = {'query_mc_samples': 20, 'query_power': 1.0, 'query_joint_samples': 1000}   # the pool strategies' settings, rounds only

def same_as_old(cfg, flat, added=ADDED) -> bool:
    "The config has the old file's keys and values, and beyond them only the settings added since, at their defaults."
    now = to_flat(cfg)
    return {k: now[k] for k in flat} == flat and {k: v for k, v in now.items() if k not in flat} == added

def test_flat_train_config_reads_into_nested():
    flat = json.loads((FIX/'train-config.json').read_text())['config']
    cfg = from_dict(TrainConfig, flat)
    assert (cfg.method, cfg.labeled, cfg.classifier.epochs, cfg.classifier.batch_size) == ('actgen', 300, 3, 128)
    assert (cfg.gen.steps, cfg.gen.guidance_scale, cfg.gen.batch_size) == (10, 2.5, 64)
    assert (cfg.actgen.margin, cfg.actgen.grad_update, cfg.galot.eps, cfg.galot.acquisition) == (200.0, 'next', 0.1, 'entropy')
    assert same_as_old(cfg, flat, ADDED | ADDED_FILTER | ADDED_DAFUSION | ADDED_TRAIN)        # the same keys and values as the old flat file: nothing lost or renamed

def test_flat_rounds_config_reads_into_nested():
    flat = json.loads((FIX/'rounds-config.json').read_text())['config']
    cfg = from_dict(RoundsConfig, flat)
    assert (cfg.rounds, cfg.query, cfg.classifier.epochs, cfg.galot.iters, cfg.test_size) == (2, 'entropy', 2, 2, 500)
    assert same_as_old(cfg, flat, ADDED | ADDED_ROUNDS | ADDED_FILTER)

def test_unknown_key_is_named():
    flat = json.loads((FIX/'train-config.json').read_text())['config']
    with pytest.raises(ActgenError, match="unknown setting 'colour'"): from_dict(TrainConfig, {**flat, 'colour': 'red'})

def test_old_run_directory_resumes(tmp_path):
    "A run directory of the flat format (without the later grad_update) continues under `actgen_train --resume`."
    run = tmp_path/'old'; run.mkdir(); shutil.copy(FIX/'digits-real-config.json', run/'config.json')
    r = subprocess.run([str(BIN/'actgen_train'), '--resume', str(run), '--quiet'], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = json.loads((run/'metrics.json').read_text())
    assert len(rows) == 1 and 0 <= rows[0]['test_acc'] <= 1
    assert json.loads((run/'config.json').read_text())['config']['labeled'] == 100     # its settings are the recorded ones
