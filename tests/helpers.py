"Running `actgen_train` as a user does (a real process, offline, one thread) and reading what a run wrote."
import json, os, subprocess, sys
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {**os.environ, 'HF_HUB_OFFLINE': '1', 'OMP_NUM_THREADS': '1'}

def train(*args, **kw) -> subprocess.Popen:
    "Start `actgen_train ARGS`; stdout and stderr are captured as text."
    return subprocess.Popen([str(BIN/'actgen_train'), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV, **kw)

def comparable(run: Path) -> list[dict]:
    "The run's metrics without the timings (which differ between any two runs)."
    return [{k: v for k, v in r.items() if not k.startswith('seconds')} for r in json.loads((run/'metrics.json').read_text())]

def manifest(run: Path) -> list[dict]:
    return [json.loads(l) for l in (run/'manifest.jsonl').read_text().splitlines()]
