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

def board_matches(run: Path, step: str = 'epoch') -> bool:
    "The run's TensorBoard events hold each (tag, step) once, and the test accuracy of every epoch (round) as metrics.json has it."
    from actgen.tboard import event_counts, read_board
    m, s = json.loads((run/'metrics.json').read_text()), read_board(run).Scalars('test_acc')
    return (set(event_counts(run).values()) == {1} and [e.step for e in s] == [r[step] for r in m]
            and all(abs(e.value - r['test_acc']) < 1e-6 for e, r in zip(s, m)))
