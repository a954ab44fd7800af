"""Regenerate bmi_reference.json from the benchmark's own package (not run by the tests).

    python -m venv /tmp/bmi && /tmp/bmi/bin/pip install benchmark-mi==0.1.3 jax==0.4.31 jaxlib==0.4.31 equinox==0.11.4
    /tmp/bmi/bin/python tests/data/make_bmi_reference.py > tests/data/bmi_reference.json

The second version's tasks are built as the benchmark's workflows/benchmark/v2/config.py builds them.
"""

import json
import warnings

import numpy as np

warnings.filterwarnings("ignore")

import bmi.benchmark.tasks.additive_noise as additive_noise  # noqa: E402
import bmi.benchmark.tasks.bivariate_normal as binormal  # noqa: E402
import bmi.benchmark.tasks.embeddings as embeddings  # noqa: E402
import bmi.benchmark.tasks.mixtures as mixtures  # noqa: E402
import bmi.benchmark.tasks.multinormal as multinormal  # noqa: E402
import bmi.benchmark.tasks.student as student  # noqa: E402
from bmi.benchmark import BENCHMARK_TASKS  # noqa: E402
from bmi.benchmark.tasks.asinh import transform_asinh_task as asinh  # noqa: E402
from bmi.benchmark.tasks.normal_cdf import transform_normal_cdf_task as normal_cdfise  # noqa: E402
from bmi.benchmark.tasks.spiral import transform_spiral_task as spiralise  # noqa: E402

SAMPLE_SIZE = 200_000
SAMPLED = [
    "1v1-bimodal-0.75",
    "wiggly-1v1-normal-0.75",
    "swissroll_x-normal_cdf-1v1-normal-0.75",
    "spiral-multinormal-sparse-5-5-2-2.0",
    "spiral-normal_cdf-multinormal-sparse-3-3-2-2.0",
    "1v1-X-0.9",
    "1v1-AI",
    "2v1-waves-12-5.0-3.0",
    "2v1-galaxy-0.5-3.0",
    "5v1-concentric_gaussians-5",
    "mult-sparse-w-inliers-5-5-2-2.0-0.2",
    "half_cube-multinormal-sparse-3-3-2-2.0",
    "asinh-student-identity-2-2-1",
    "1v1-additive-0.1",
]


def v2_tasks() -> list:
    uniform = normal_cdfise(binormal.task_bivariate_normal(gaussian_correlation=0.75))
    return [
        additive_noise.task_additive_noise(epsilon=0.75),
        asinh(student.task_student_identity(dim_x=1, dim_y=1, df=1)),
        mixtures.task_x(),
        mixtures.task_ai(),
        embeddings.transform_swissroll_task(uniform, task_name="Swiss roll 2 × 1"),
        mixtures.task_waves(),
        mixtures.task_galaxy(),
        *(
            mixtures.task_concentric_multinormal(dim_x=d, n_components=k)
            for d, k in ((3, 5), (5, 5), (3, 10), (5, 10), (25, 5))
        ),
        *(multinormal.task_multinormal_dense(d, d) for d in (5, 25, 50)),
        *(multinormal.task_multinormal_2pair(d, d) for d in (5, 25)),
        *(
            mixtures.task_multinormal_sparse_w_inliers(dim_x=d, dim_y=d, inlier_fraction=f)
            for f in (0.2, 0.5)
            for d in (5, 25)
        ),
        *(asinh(student.task_student_identity(dim_x=d, dim_y=d, df=dof)) for d, dof in ((2, 1), (3, 2), (5, 2))),
        *(spiralise(multinormal.task_multinormal_2pair(d, d)) for d in (3, 5)),
    ]


def main() -> None:
    tasks = dict(BENCHMARK_TASKS) | {task.id: task for task in v2_tasks()}
    truths = {tid: {"dim_x": t.dim_x, "dim_y": t.dim_y, "mi": float(t.mutual_information)} for tid, t in tasks.items()}
    samples = {}
    for tid in SAMPLED:
        x, y = (np.asarray(v, dtype=float) for v in tasks[tid].sample(SAMPLE_SIZE, seed=0))
        z = np.hstack([x[:, :3], y[:, :3]])
        samples[tid] = {
            "mean": z.mean(0).round(5).tolist(),
            "std": z.std(0).round(5).tolist(),
            "q": np.quantile(z, [0.1, 0.5, 0.9], axis=0).round(5).tolist(),
            "corr01": float(np.corrcoef(x[:, 0], y[:, 0])[0, 1].round(5)),
        }
    source = "benchmark-mi 0.1.3 (PyPI; jax 0.4.31, equinox 0.11.4), by tests/data/make_bmi_reference.py"
    print(json.dumps({"source": source, "sample_size": SAMPLE_SIZE, "truths": truths, "samples": samples}, indent=1))


if __name__ == "__main__":
    main()
