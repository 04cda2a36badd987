"The papermill experiment notebook runs with overridden parameters and leaves a run directory."
import json
from pathlib import Path
import papermill as pm

NB = Path(__file__).resolve().parents[1]/'nbs'/'experiments'/'experiment.ipynb'

def test_papermill_experiment(tmp_path, tiny_generator):
    run_dir = tmp_path/'run'
    pm.execute_notebook(str(NB), str(tmp_path/'out.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters=dict(dataset='digits', labeled=100, epochs=2, method='random', images_per_epoch=4,
                                        steps=2, generator=str(tiny_generator), device='cpu', out=str(run_dir)))
    metrics = json.loads((run_dir/'metrics.json').read_text())
    assert len(metrics) == 2 and metrics[0]['n_generated'] == 4
    out = json.loads((tmp_path/'out.ipynb').read_text())
    injected = [c for c in out['cells'] if 'injected-parameters' in c.get('metadata', {}).get('tags', [])]
    assert injected, 'papermill found the parameters cell'
