#!/usr/bin/env bash
# One prepared check on a lent GPU machine: neural throughput and a slice of the `neural` suite on
# the GPU, then the speed figures that need a quiet many-core CPU (threads, processes, Dask).
#
#     bash benchmarks/device_check.sh            # writes its log and files under $OUT (or /tmp/device_check)
#     STEPS="staircase threads harness" bash benchmarks/device_check.sh   # other steps (THREADS="2 4 8")
#     (throughput slice staircase gputests threads peers peers1m harness workers; workers: all cores
#     against 1; peers1m: 1-D against every peer up to n = 10^6, peers run once there, about 2 minutes)
#     DRY_RUN=1 bash benchmarks/device_check.sh  # the same steps, tiny and on the CPU (to test this script)
#
# The machine has no network: wheels for what its image lacks travel in .whl/ (ignored by git), made
# here with `pip wheel --no-deps --no-build-isolation -w .whl .` (mibench itself) and
# `pip download --no-deps --only-binary=:all: --python-version 3.12 --platform manylinux_2_17_x86_64
# -d .whl ennemi npeet-plus infomeasure sparse dask distributed partd locket tblib tornado zict`.
# Each step has its own time limit and the next one runs whatever happened, so a slow or failing
# step costs only itself.
set -u
out=${OUT:-/tmp/device_check}
mkdir -p "$out"
export PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
dry=${DRY_RUN:-0}
if [ -d .whl ] && [ "$dry" = 0 ]; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl &&
        export PYTHONPATH=/tmp/site || exit 1
fi
run_folder=$(mktemp -d)
steps=" ${STEPS:-gputests threads peers harness} "  # about 8 minutes; throughput, slice, staircase and workers on request
wanted() { [[ "$steps" == *"$1"* ]]; }
cli=(env -C "$run_folder" "$python" -m mibench)  # not the checkout's mibench/ folder: the installed package

step() {  # step SECONDS TITLE COMMAND...: run with a limit, log its output and how it ended
    local limit=$1 title=$2
    shift 2
    echo "## $title ($(date -u +%H:%M:%S))"
    local start=$SECONDS
    timeout "$limit" "$@" 2>&1
    echo "[exit $?, $((SECONDS - start)) s]"
    echo
}

{
    echo "# device check, $(date -u +%Y-%m-%dT%H:%MZ)"
    nvidia-smi -L 2>&1
    echo "CPU cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo)"
    (cd "$run_folder" && "$python" -c "import sys, numpy, numba, scipy, torch, mibench; print('python', sys.version.split()[0], 'numpy', numpy.__version__, 'numba', numba.__version__, 'scipy', scipy.__version__, 'torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'mibench', mibench.__version__, mibench.__file__)")
    echo
    if [ "$dry" = 0 ]; then
        wanted " throughput " && step 75 "neural throughput (GPU)" "$python" benchmarks/neural_throughput.py --devices cuda --critics 1 16 64 256 --steps 50 --repeat 3
        wanted " slice " && step 180 "neural suite slice (GPU): 20-D staircase at 2 and 6 nats, n = 5000, 3 reps, defaults" \
            "${cli[@]}" run -e infonce -e nwj -e dv -e mine -e smile -e ksg \
            -s "gaussian(dim=10, mi=2.0)" -s "gaussian(dim=10, mi=6.0)" -n 5000 --reps 3 --jobs 1 --out "$run_folder/neural"
        wanted " staircase " && step 240 "neural staircase (GPU): 20-D Gaussian at 2 to 10 nats, n = 5000, 5 reps, defaults" \
            "${cli[@]}" run -e infonce -e nwj -e dv -e mine -e smile -e ksg -e "ksg(k=10)" \
            -s "gaussian(dim=10, mi=2.0)" -s "gaussian(dim=10, mi=4.0)" -s "gaussian(dim=10, mi=6.0)" \
            -s "gaussian(dim=10, mi=8.0)" -s "gaussian(dim=10, mi=10.0)" -n 5000 --reps 5 --jobs 1 --out "$run_folder/neural"
        wanted " gputests " && step 150 "the neural and batching tests, device='auto' taking the GPU" \
            env -C "$run_folder" "$python" -m pytest -q -p no:cacheprovider "$PWD/tests/test_neural.py" "$PWD/tests/test_batching.py"
        wanted " threads " && step 180 "speed: threads, beside the machine's ceiling" "$python" benchmarks/speed.py --sections threads --threads ${THREADS:-2 4} --json "$out/threads.json"
        wanted " peers " && step 130 "speed: 1-D and 5-D against peers" "$python" benchmarks/speed.py --sections 1d 5d --max-peer-n 100000 --json "$out/peers.json"
        wanted " peers1m " && step 240 "speed: 1-D against peers up to n = 10^6" "$python" benchmarks/speed.py --sections 1d --json "$out/peers_1m.json"
        wanted " harness " && step 200 "harness: processes and Dask" "$python" benchmarks/harness_throughput.py
        wanted " workers " && step 170 "harness: $(nproc) workers against 1, processes and Dask" \
            "$python" benchmarks/harness_throughput.py --jobs "$(nproc)" --tasks 480 --rounds 2 --only-workers
    else
        step 120 "neural throughput (CPU, tiny)" "$python" benchmarks/neural_throughput.py --devices cpu --critics 1 4 --steps 5 --repeat 1
        step 120 "neural suite slice (CPU, tiny)" "${cli[@]}" run -e "infonce(steps=20)" -e ksg \
            -s "gaussian(dim=10, mi=2.0)" -s "gaussian(dim=10, mi=6.0)" -n 600 --reps 2 --jobs 1 --out "$run_folder/neural"
        step 90 "speed: threads" "$python" benchmarks/speed.py --sections threads --threads 2 --repeat 1 --pairs 2 --json "$out/threads.json"
        step 90 "harness: workers (tiny)" "$python" benchmarks/harness_throughput.py --jobs 2 --tasks 8 --rounds 1 --only-workers
    fi
    if [ -d "$run_folder/neural" ]; then
        step 20 "neural suite slice: summary" "${cli[@]}" summarize "$run_folder/neural"
        step 20 "neural suite slice: records" "${cli[@]}" export "$run_folder/neural" --output "$out/neural_records.csv"
    fi
} 2>&1 | tee "$out/device_check.md"
